// Prompts of Autopilot runs: the first turn's issue prompt (SPEC §12) and the continuation guidance of later turns (§7.1).

import type { NormalizedIssue } from '../tracker/types';

/** Renders prompts; the WORKFLOW.md template renderer plugs in here (attempt = null on a first run, SPEC §12.3). */
export interface PromptBuilder {
  first(issue: NormalizedIssue, attempt: number | null): string;
  continuation(issue: NormalizedIssue, turn: number, maxTurns: number): string;
}

/** The built-in prompt when the workflow has no template: the issue itself, plainly. */
export function defaultIssuePrompt(issue: NormalizedIssue, attempt: number | null): string {
  const lines = [`Work on tracker issue ${issue.identifier}: ${issue.title}`];
  if (issue.url) lines.push(`Link: ${issue.url}`);
  lines.push(`State: ${issue.state}${issue.labels.length ? ` · labels: ${issue.labels.join(', ')}` : ''}`);
  lines.push('', issue.description?.trim() || '(the issue has no description)');
  if (attempt !== null) {
    lines.push(
      '',
      `This is run ${attempt + 1} on this issue: the worktree may already hold earlier work. Check what is there before changing anything.`,
    );
  }
  return lines.join('\n');
}

/** What a continuation turn says: only guidance, since the thread already holds the task (SPEC §7.1). */
export function defaultContinuationPrompt(issue: NormalizedIssue, turn: number, maxTurns: number): string {
  return [
    `Continuation (turn ${turn} of at most ${maxTurns}): issue ${issue.identifier} is still ${issue.state} in the tracker.`,
    'Do not start over. Look at the worktree, finish whatever is still missing for the issue, and run the checks.',
    'If the work is already complete, change nothing. Either way, end with the same kind of final message: a commit subject line, a blank line, a short summary.',
  ].join('\n');
}

export const DEFAULT_PROMPTS: PromptBuilder = { first: defaultIssuePrompt, continuation: defaultContinuationPrompt };
