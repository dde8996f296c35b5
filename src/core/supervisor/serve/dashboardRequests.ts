// Answers the web dashboard's requests with the orchestrator; what needs an editor (diffs, documents) says so.

import type { Orchestrator } from '../../orchestrator/orchestrator';
import type { AttemptSnapshot } from '../../../shared/model';
import { REPLY_TYPE, type Reply, type RequestType, type WebviewRequest } from '../../../shared/protocol';
import { isTerminal } from '../../../shared/model';

/** Requests that only read: the rest change state and need the server's token. */
const READ_ONLY: ReadonlySet<RequestType> = new Set<RequestType>([
  'journal/record/get',
  'skills/overview/get',
  'task/form/get',
]);

export function isStateChanging(type: RequestType): boolean {
  return !READ_ONLY.has(type);
}

class Refused extends Error {}

function attempt(orch: Orchestrator, id: string): AttemptSnapshot {
  const a = orch
    .snapshot()
    .tasks.flatMap((t) => t.attempts)
    .find((x) => x.id === id);
  if (!a) throw new Refused(`Attempt ${id} is not in the current snapshot.`);
  return a;
}

async function perform(req: WebviewRequest, orch: Orchestrator): Promise<unknown> {
  switch (req.type) {
    case 'attempt/run/stop': {
      const a = attempt(orch, req.params.attemptId);
      if (isTerminal(a.phase)) throw new Refused(`Attempt #${a.index} is ${a.phase}; there is nothing to stop.`);
      await orch.stop(a.id);
      return null;
    }
    case 'attempt/run/retry':
      orch.retry(attempt(orch, req.params.attemptId).id);
      return null;
    case 'attempt/question/answer': {
      const a = attempt(orch, req.params.attemptId);
      // A stale click must not answer the next question the agent asks.
      if (a.phase !== 'needs-you' || a.pending?.id !== req.params.pendingId)
        throw new Refused(`Attempt #${a.index} no longer waits for that answer.`);
      orch.answer(a.id, req.params.decision, req.params.text);
      return null;
    }
    case 'attempt/followUp/send':
      await orch.followUp(attempt(orch, req.params.attemptId).id, req.params.message, { reason: 'follow-up' });
      return null;
    case 'journal/record/get': {
      attempt(orch, req.params.attemptId);
      const record = orch
        .journalPage(req.params.attemptId, req.params.seq, 8 * 1024 * 1024)
        .records.find((r) => r.seq === req.params.seq);
      if (!record) throw new Refused(`No journal record ${req.params.seq} for ${req.params.attemptId}.`);
      return { records: [record] };
    }
    default:
      throw new Refused(
        `${req.type} needs VS Code (an editor, a document or the New Task form); the web dashboard shows and stops, retries and answers.`,
      );
  }
}

/** Never throws: every request gets exactly one reply. */
export async function answerDashboardRequest(req: WebviewRequest, orch: Orchestrator): Promise<Reply> {
  try {
    return { type: REPLY_TYPE, inReplyTo: req.id, result: await perform(req, orch) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      type: REPLY_TYPE,
      inReplyTo: req.id,
      error: { code: err instanceof Refused ? 'refused' : 'failed', message },
    };
  }
}
