// Human-readable CLI output of tasks and attempts (the JSON form is the snapshot itself).

import { hostLabel, type AttemptSnapshot, type TaskSnapshot } from '../shared/model';
import { formatTokens } from '../shared/tokenFormat';

export function formatAttempt(a: AttemptSnapshot): string {
  const phase = a.reason ? `${a.phase} (${a.reason})` : a.phase;
  const model = a.demoModel ? ' [demo model]' : '';
  return `  ${a.id}  ${phase.padEnd(22)} ${formatTokens(a.tokens.total).padStart(6)} tok  ${a.branch}  on ${hostLabel(a.host)}${model}\n      ${a.lastEvent ?? ''}${a.lastError ? `\n      error: ${a.lastError}` : ''}`;
}

export function formatTask(t: TaskSnapshot): string {
  return [
    `${t.id}  ${t.title}  (base ${t.baseRef}, ${t.attempts.length} attempts)`,
    ...t.attempts.map(formatAttempt),
  ].join('\n');
}
