// "Land Skills Branch": squash a `quartet/skills/*` branch onto the base with the attempts' land machinery, then delete it.

import { landLocally } from '../land/localLand';
import { git, refCommit, runGit } from '../git/git';
import { SKILLS_BRANCH_PREFIX } from './acceptedSkills';
import type { LandSkillsResult } from '../contract/land';

export class LandSkillsError extends Error {}

export interface LandSkillsInput {
  repo: string;
  branch: string;
  /** The branch to advance (the repository's current branch). */
  baseBranch: string | null;
  worktreeRoot: string;
}

/**
 * The same visible steps as an attempt's land — temporary worktree, squash, compare-and-swap of the
 * base, the user's checkout fast-forwarded only when clean, else the result set aside on
 * `quartet/landed/<name>` — without checks: the branch changes only skill files and AGENTS.md.
 */
export async function landSkillsBranch(input: LandSkillsInput): Promise<LandSkillsResult> {
  const { repo, branch } = input;
  if (!branch.startsWith(SKILLS_BRANCH_PREFIX) || branch.includes('..'))
    throw new LandSkillsError(`${branch} is not a ${SKILLS_BRANCH_PREFIX}* branch`);
  if (!(await refCommit(repo, `refs/heads/${branch}`))) throw new LandSkillsError(`there is no branch ${branch}`);
  if (!input.baseBranch)
    throw new LandSkillsError('the repository is on a detached HEAD; check out the branch the skills should land on');
  const files = (await git(repo, ['diff', '--name-only', `${input.baseBranch}...${branch}`]))
    .split('\n')
    .filter(Boolean);
  const message = `Skills from ${branch}\n\n${files.map((f) => `- ${f}`).join('\n')}\n\nQuartet-Skills-Branch: ${branch}\n`;
  const r = await landLocally({
    repo,
    baseBranch: input.baseBranch,
    attemptBranch: branch,
    message,
    mode: 'squash',
    worktreeRoot: input.worktreeRoot,
    landedBranch: `quartet/landed/skills-${branch.slice(SKILLS_BRANCH_PREFIX.length)}`,
    checks: null,
  });
  let deleted = false;
  if (r.status === 'landed') {
    // Only quartet/ branches are ever deleted; one checked out somewhere stays (and gives nothing: the base now owns its skills).
    deleted = (await runGit(repo, ['branch', '-D', branch])).code === 0;
  }
  return {
    branch,
    deleted,
    step: r.steps.at(-1)?.step ?? 'done',
    status: r.status,
    message: r.message,
    steps: r.steps.map((s) => ({ step: s.step, status: s.status, detail: s.detail })),
    conflictFiles: r.status === 'conflict' ? r.files : [],
  };
}
