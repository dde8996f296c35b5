// Pure parts of Answer…: what the answer box asks, and the hint it shows.

import type { PendingQuestion } from '../../shared/model';

/** The agent's question(s) for `userInput`, else the request it waits on. */
export function answerPrompt(pending: PendingQuestion | null): string {
  if (!pending) return 'Answer for the agent';
  if (pending.kind === 'userInput' && pending.questions?.length) {
    return pending.questions.map((q) => q.question).join(' / ');
  }
  return pending.summary;
}

/** "Accept for this attempt" (Codex's session accept) fits approvals Codex takes it for; never a question. */
export function canAcceptForAttempt(pending: PendingQuestion | null): boolean {
  return !!pending && pending.kind !== 'userInput' && pending.canAcceptForAttempt !== false;
}

export function answerPlaceholder(pending: PendingQuestion | null): string {
  const options = pending?.questions?.flatMap((q) => q.options) ?? [];
  return options.length ? `e.g. ${options.slice(0, 4).join(', ')}` : 'Your answer (free text)';
}
