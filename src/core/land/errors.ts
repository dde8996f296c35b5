// Typed errors of the land/rework layer; each carries a reason the CLI and the supervisor can map to a message.

export type LandErrorReason =
  | 'git_failed'
  | 'not_found'
  | 'dirty_worktree'
  | 'branch_exists'
  | 'not_quartet_branch'
  | 'bad_archive'
  | 'patch_failed';

export class LandError extends Error {
  constructor(
    message: string,
    readonly reason: LandErrorReason,
  ) {
    super(message);
    this.name = 'LandError';
  }
}
