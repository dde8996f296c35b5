// The tooltip lines of a pending approval: the whole command or every path, the agent's reason and the cwd, never clipped.

import type { PendingQuestion } from '../../shared/model';
import { codeSpan, escapeMarkdown } from './format';

/** A fenced block that no backtick run inside `text` can close early. */
export function codeBlock(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** Everything a person needs to decide, in tooltip markdown (one entry per line; blocks may span lines). */
export function pendingTooltipLines(p: PendingQuestion): string[] {
  const lines = [`Waiting on: ${escapeMarkdown(p.summary)}`];
  if (p.command) lines.push('Command:', codeBlock(p.command));
  if (p.paths?.length) lines.push(`Paths (${p.paths.length}):`, ...p.paths.map((path) => `- ${codeSpan(path)}`));
  if (p.kind === 'fileChange' && !p.paths?.length)
    lines.push('Paths: not named by Codex (treated as outside the worktree)');
  if (p.grantRoot) lines.push(`Asks write access under: ${codeSpan(p.grantRoot)}`);
  if (p.permissions) lines.push('Permissions:', codeBlock(p.permissions));
  if (p.reason) lines.push(`Reason: ${escapeMarkdown(p.reason)}`);
  if (p.cwd) lines.push(`Cwd: ${codeSpan(p.cwd)}`);
  if (p.kind !== 'userInput')
    lines.push(
      p.canAcceptForAttempt === false
        ? 'Answers: Accept once · Decline'
        : 'Answers: Accept once · Accept for this attempt · Decline',
    );
  return lines;
}
