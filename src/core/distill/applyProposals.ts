// Writes accepted skill proposals onto a new branch `quartet/skills/<date>` (via a temporary worktree), never the checkout.

import { posix } from 'node:path';
import { withTempWorktree } from '../git/tempWorktree';
import { checkoutOf, git, refCommit, runGit } from '../git/git';
import { UnsafeFileError, writeFileNoFollow } from '../git/safeFiles';
import { QUARTET_GIT_IDENTITY } from '../git/worktrees';
import { parseSkillMarkdown } from '../skills/frontMatter';
import type { Proposal } from '../contract/distill';

export interface AppliedProposals {
  branch: string;
  commit: string;
  files: string[];
}

/** Only skill files and AGENTS.md may be written, whatever a (possibly edited) proposal says. */
export function checkProposalPath(p: Pick<Proposal, 'path' | 'kind' | 'content'>): string | null {
  const path = posix.normalize(p.path);
  if (path.startsWith('..') || posix.isAbsolute(path)) return `unsafe path ${p.path}`;
  if (p.kind === 'edit_agents_md') return path === 'AGENTS.md' ? null : 'AGENTS.md edits must target AGENTS.md';
  if (!/^\.(agents|codex)\/skills\/[a-z0-9-]+\/SKILL\.md$/.test(path))
    return `skills live at .agents/skills/<name>/SKILL.md, not ${p.path}`;
  const parsed = parseSkillMarkdown(p.content, path.split('/')[2]);
  return parsed.ok ? null : `invalid SKILL.md: ${parsed.message}`;
}

export interface ApplyInput {
  repo: string;
  base: string;
  proposals: readonly Proposal[];
  worktreeRoot: string;
  date?: Date;
  /**
   * A skills branch to add this commit to (one review, one branch). Used only while it exists and is
   * checked out nowhere (moving a checked-out branch would leave that checkout behind); else a new branch.
   */
  onto?: string | null;
}

async function usableBranch(
  repo: string,
  branch: string | null | undefined,
): Promise<{ branch: string; tip: string } | null> {
  if (!branch?.startsWith('quartet/skills/')) return null;
  const tip = await refCommit(repo, `refs/heads/${branch}`);
  if (!tip || (await checkoutOf(repo, branch))) return null;
  return { branch, tip };
}

export async function applyProposals(input: ApplyInput): Promise<AppliedProposals> {
  for (const p of input.proposals) {
    const problem = checkProposalPath(p);
    if (problem) throw new Error(problem);
  }
  if (input.proposals.length === 0) throw new Error('no proposals to apply');
  const onto = await usableBranch(input.repo, input.onto);
  let branch = onto?.branch ?? '';
  if (!onto) {
    const day = (input.date ?? new Date()).toISOString().slice(0, 10);
    branch = `quartet/skills/${day}`;
    for (let n = 2; await refCommit(input.repo, `refs/heads/${branch}`); n++) branch = `quartet/skills/${day}-${n}`;
  }
  const start = onto?.tip ?? (await refCommit(input.repo, input.base));
  if (!start) throw new Error(`base ${input.base} does not name a commit`);
  return withTempWorktree(input.repo, input.worktreeRoot, start, async (dir) => {
    const files: string[] = [];
    for (const p of input.proposals) {
      // The base may hold a linked SKILL.md or skills folder (an agent can commit one): never write through it.
      try {
        writeFileNoFollow(dir, p.path, p.content.endsWith('\n') ? p.content : `${p.content}\n`);
      } catch (err) {
        if (err instanceof UnsafeFileError)
          throw new Error(`refusing to write ${p.path}: ${err.message.replace(`${dir}/`, '')}`);
        throw err;
      }
      files.push(posix.normalize(p.path));
    }
    await git(dir, ['add', '--', ...files]);
    const cites = [...new Set(input.proposals.flatMap((p) => p.provenance))].join(', ');
    const message = `Distill skills: ${input.proposals.map((p) => p.name).join(', ')}\n\n${input.proposals.map((p) => `- ${p.path}: ${p.rationale}`).join('\n')}\n\nQuartet-Evidence: ${cites}\n`;
    const r = await runGit(dir, [...QUARTET_GIT_IDENTITY, 'commit', '--no-verify', '-q', '-m', message]);
    if (r.code !== 0) throw new Error(`could not commit the proposals: ${(r.stderr || r.stdout).trim()}`);
    const commit = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    // Compare-and-swap: a branch that moved meanwhile is not overwritten.
    const u = onto
      ? await runGit(input.repo, ['update-ref', '-m', 'quartet distill', `refs/heads/${branch}`, commit, onto.tip])
      : await runGit(input.repo, ['branch', branch, commit]);
    if (u.code !== 0) throw new Error(`could not write ${branch}: ${u.stderr.trim()}`);
    return { branch, commit, files };
  });
}
