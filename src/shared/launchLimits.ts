// How many parallel attempts one task may have: the supervisor enforces it, and every launch surface offers exactly that range.

/** The supervisor refuses more (validation.ts); the settings, WORKFLOW.md, the quick pick and the New Task form stop here too. */
export const MAX_ATTEMPTS = 16;
