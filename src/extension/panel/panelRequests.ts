// Answers the webview's requests after checking them against the current snapshot (the tree's own rules).

import type { QuartetApi } from '../../core/contract/quartetApi';
import type { JournalRecord } from '../../shared/events';
import type { AttemptSnapshot, Snapshot, TaskSnapshot } from '../../shared/model';
import { REPLY_TYPE, type DiffLineRef, type Reply, type ReplyError, type WebviewRequest } from '../../shared/protocol';
import { isOpenableUrl } from '../../shared/protocolGuards';
import { eventItemId, rawItemId } from '../../shared/wire';
import { isResolvable, isRetryable, isStoppable } from '../viewModel/contextValue';
import type { SkillsHost } from '../skillsReview';
import { Refusal } from './refusal';
import { isSkillsRequest, performSkills } from './skillsRequests';
import { isTaskRequest, performTask, type TaskHost } from './taskRequests';

export interface RequestDeps {
  snapshot(): Snapshot | null;
  api: Pick<QuartetApi, 'journal' | 'stop' | 'retry' | 'answer'> & Partial<Pick<QuartetApi, 'journalPage'>>;
  /** Runs the tree's "Resolve with Agent" on the attempt (its notifications follow it); returns once started. */
  resolveWithAgent(attemptId: string): void;
  openDiff(attemptIds: string[], at?: DiffLineRef): Promise<void>;
  /** Opens an external http(s) URL (VS Code asks the user about untrusted domains). */
  openExternal(url: string): Promise<void>;
  /** seqs of raw messages per Codex item, from the attempt's journal pump, if one runs. */
  rawSeqs(attemptId: string, itemId: string): readonly number[] | undefined;
  /** Skills view: the catalog, the distill review and skills branches (absent: those requests fail). */
  skills?: SkillsHost;
  /** The New Task form and follow-up messages (absent: those requests fail). */
  tasks?: TaskHost;
}

/** Raw records fetched around an event when no index knows its item. */
const RAW_WINDOW = 64;
/** A raw record reply stays under this (JSON chars); beyond it only the event itself is sent. */
const MAX_RECORD_REPLY = 8 * 1024 * 1024;

function find(snapshot: Snapshot | null, attemptId: string): { task: TaskSnapshot; attempt: AttemptSnapshot } {
  for (const task of snapshot?.tasks ?? []) {
    const attempt = task.attempts.find((a) => a.id === attemptId);
    if (attempt) return { task, attempt };
  }
  throw new Refusal('not_found', `Attempt ${attemptId} is not in the current snapshot.`);
}

async function rawRecords(deps: RequestDeps, attemptId: string, seq: number): Promise<JournalRecord[]> {
  find(deps.snapshot(), attemptId);
  // The journal API reads from a seq to the end; start a little before the event to catch its raw siblings.
  const windowStart = Math.max(0, seq - RAW_WINDOW);
  let around = await deps.api.journal(attemptId, windowStart);
  const target = around.find((r) => r.seq === seq);
  if (!target) throw new Refusal('not_found', `No journal record ${seq} for ${attemptId}.`);
  const itemId = target.kind === 'event' ? eventItemId(target.event) : null;
  if (!itemId) return [target];
  const known = new Set(deps.rawSeqs(attemptId, itemId) ?? []);
  const earliest = Math.min(windowStart, ...known);
  // A long command started long before it completed: its item/started lies outside the window.
  if (earliest < windowStart) around = await deps.api.journal(attemptId, earliest);
  const related = around.filter(
    (r) =>
      r.seq === seq ||
      known.has(r.seq) ||
      (r.seq >= windowStart && r.seq <= seq + RAW_WINDOW && rawItemId(r) === itemId),
  );
  return JSON.stringify(related).length <= MAX_RECORD_REPLY ? related : [target];
}

async function perform(req: WebviewRequest, deps: RequestDeps): Promise<unknown> {
  if (isSkillsRequest(req)) return performSkills(req, deps.skills);
  if (isTaskRequest(req)) return performTask(req, deps.tasks, deps.snapshot());
  switch (req.type) {
    case 'attempt/run/stop': {
      const { attempt } = find(deps.snapshot(), req.params.attemptId);
      if (!isStoppable(attempt.phase))
        throw new Refusal('refused', `Attempt #${attempt.index} is ${attempt.phase}; there is nothing to stop.`);
      await deps.api.stop(attempt.id);
      return null;
    }
    case 'attempt/run/retry': {
      const { attempt } = find(deps.snapshot(), req.params.attemptId);
      if (!isRetryable(attempt.phase))
        throw new Refusal(
          'refused',
          `Attempt #${attempt.index} is ${attempt.phase}; only failed, stalled, stopped or interrupted attempts can be retried.`,
        );
      await deps.api.retry(attempt.id);
      return null;
    }
    case 'attempt/question/answer': {
      const { attempt } = find(deps.snapshot(), req.params.attemptId);
      // A stale click must not answer the next question the agent asks.
      if (attempt.phase !== 'needs-you' || attempt.pending?.id !== req.params.pendingId) {
        throw new Refusal('refused', `Attempt #${attempt.index} no longer waits for that answer.`);
      }
      await deps.api.answer(attempt.id, req.params.decision, req.params.text);
      return null;
    }
    case 'attempt/conflicts/resolve': {
      const { task, attempt } = find(deps.snapshot(), req.params.attemptId);
      if (!isResolvable(attempt, task.state === 'landed')) {
        throw new Refusal(
          'refused',
          `Attempt #${attempt.index} has no conflict with ${task.baseRef} to resolve (it must be finished, committed, not archived, with a Codex thread).`,
        );
      }
      if (task.landing?.status === 'running')
        throw new Refusal('refused', `A land of "${task.title}" is running; wait for it to end.`);
      deps.resolveWithAgent(attempt.id);
      return null;
    }
    case 'diff/attempts/open': {
      const found = req.params.attemptIds.map((id) => find(deps.snapshot(), id));
      if (found.length === 2 && found[0]?.task.id !== found[1]?.task.id)
        throw new Refusal('refused', 'Only attempts of the same task can be compared.');
      if (found.some((f) => !f.attempt.worktree)) throw new Refusal('refused', 'That attempt has no worktree yet.');
      await deps.openDiff(
        found.map((f) => f.attempt.id),
        req.params.at,
      );
      return null;
    }
    case 'link/url/open':
      if (!isOpenableUrl(req.params.url)) throw new Refusal('refused', 'Only http and https links can be opened.');
      // Hand on the WHATWG-normalized form, the one whose scheme was checked.
      await deps.openExternal(new URL(req.params.url).href);
      return null;
    case 'journal/record/get':
      return { records: await rawRecords(deps, req.params.attemptId, req.params.seq) };
  }
}

/** Never throws: every request gets exactly one reply. */
export async function answerRequest(req: WebviewRequest, deps: RequestDeps): Promise<Reply> {
  try {
    return { type: REPLY_TYPE, inReplyTo: req.id, result: await perform(req, deps) };
  } catch (err) {
    const error: ReplyError =
      err instanceof Refusal
        ? { code: err.code, message: err.message }
        : { code: 'failed', message: err instanceof Error ? err.message : String(err) };
    return { type: REPLY_TYPE, inReplyTo: req.id, error };
  }
}
