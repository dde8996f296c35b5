// Follow-up turns on an attempt's own Codex thread: Resume's mechanism (thread/resume) carrying a given prompt.
//
// Used by the Autopilot's continuation turns (SPEC §7.1) and meant for any "tell the same agent more"
// feature (resolve a conflict, fix a PR review): the thread keeps its history, the worktree and branch stay,
// and the new turn's result is committed on top when it finishes.

import { isTerminal } from '../../shared/model';
import type { AttemptRecord, TaskRecord } from './records';
import { transition } from './transitions';
import { MAX_PROMPT, UsageError } from './validation';

/** Throws a UsageError saying why this attempt cannot take a follow-up turn now. */
export function checkContinuable(task: TaskRecord, a: AttemptRecord, prompt: string): void {
  const text = prompt.trim();
  if (!text) throw new UsageError('a follow-up turn needs a prompt');
  if (text.length > MAX_PROMPT) throw new UsageError(`the follow-up prompt is ${text.length} characters; the limit is ${MAX_PROMPT}`);
  if (a.archived) throw new UsageError(`attempt ${a.id} is archived (${a.archived.reason}); restore it first`);
  if (a.landed || task.state === 'landed') throw new UsageError(`task ${task.id} already landed; start a new task for more work`);
  if (!isTerminal(a.phase)) throw new UsageError(`attempt ${a.id} is ${a.phase}; wait for its turn to end (or stop it) before a follow-up turn`);
  if (!a.threadId) throw new UsageError(`attempt ${a.id} never started a Codex thread; use retry instead`);
}

/** The attempt queued for a follow-up turn; its old checks and score no longer describe what it will be. */
export function queueContinuation(a: AttemptRecord, prompt: string, now: string): AttemptRecord {
  return {
    ...transition(a, 'queued', null, now),
    resumeThread: a.threadId,
    nextPrompt: prompt.trim(),
    nextRetryAt: null,
    lastEvent: 'queued for a follow-up turn',
    lastEventAt: now,
    lastError: null,
    checks: null,
    score: null,
    recommended: false,
  };
}
