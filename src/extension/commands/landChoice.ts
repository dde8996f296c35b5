// The one Land button's decision (pure): a pull request when the repo has a GitHub target and a token is at hand, else local.

/** What the Land button knows when it is clicked. */
export interface LandChoiceInput {
  /** The GitHub repository a PR would go to (a GitHub remote, or the quartet.github.* settings); null when there is none. */
  github: { owner: string; repo: string } | null;
  /** A GitHub token is stored (Set GitHub Token) or a GitHub session was already granted; never asked for here. */
  hasToken: boolean;
  /** The task's base branch, where a local land goes. */
  baseRef: string;
}

export type LandChoice =
  | { kind: 'pr'; repo: string; reason: string }
  | {
      kind: 'local';
      base: string;
      reason: string;
      /** Set when a PR was possible but for the token: how to get one. */ hint: string | null;
    };

/**
 * Decisions.md: "One Land button: local by default, 'Land as PR' when the repo has a GitHub remote and a token."
 * The explicit "Land Locally" / "Land as Pull Request" menu entries bypass this.
 */
export function chooseLand(input: LandChoiceInput): LandChoice {
  if (input.github) {
    const repo = `${input.github.owner}/${input.github.repo}`;
    if (input.hasToken) return { kind: 'pr', repo, reason: `${repo} is on GitHub and a GitHub token is set` };
    return {
      kind: 'local',
      base: input.baseRef,
      reason: `${repo} is on GitHub but no GitHub token is set`,
      hint: 'run "Quartet: Set GitHub Token" to land as a pull request',
    };
  }
  return { kind: 'local', base: input.baseRef, reason: 'the repository has no GitHub remote', hint: null };
}

/** The explicit "Land Locally" entry. */
export function localChoice(baseRef: string): LandChoice {
  return { kind: 'local', base: baseRef, reason: 'chosen from the menu', hint: null };
}

/** The progress notification's title: it always says which kind of land runs, and where. */
export function landingTitle(choice: LandChoice, what: string): string {
  if (choice.kind === 'pr') return `Quartet: Landing as pull request on ${choice.repo}… (${what})`;
  return `Quartet: Landing locally on ${choice.base}… (${what}${choice.hint ? `; ${choice.hint}` : ''})`;
}
