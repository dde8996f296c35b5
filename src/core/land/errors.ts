// Typed errors of the land layer (land, resolve, undo, archive); each carries a reason the CLI and the supervisor can map to a message.

export type LandErrorReason =
  | 'git_failed'
  | 'not_found'
  | 'dirty_worktree'
  | 'branch_exists'
  | 'not_quartet_branch'
  | 'bad_archive'
  | 'patch_failed'
  /** The caller asked for a land, resolve or undo that cannot happen now (the API answers it as a usage error). */
  | 'refused';

export class LandError extends Error {
  constructor(
    message: string,
    readonly reason: LandErrorReason,
  ) {
    super(message);
    this.name = 'LandError';
  }
}
