// Sends a person's follow-up message and reports back once the supervisor queued it (not when the turn ends).

import type { QuartetApi } from '../../core/contract/quartetApi';
import { USER_MESSAGE_REASON } from '../../shared/attemptActions';

/** Where a follow-up's progress shows: the snapshot store's attempt records and their changes. */
export interface FollowUpWatch {
  followUpCount(attemptId: string): number | null;
  onChange(listener: () => void): { dispose(): void };
}

/**
 * Starts a follow-up and resolves once it is queued: the supervisor answers the route only when the turn
 * ended (hours, maybe), so the attempt's `followUps` growing in a snapshot is the sign; a refusal rejects.
 */
export function queueFollowUp(
  api: Pick<QuartetApi, 'followUp'>,
  watch: FollowUpWatch,
  attemptId: string,
  prompt: string,
  log: (line: string) => void,
): Promise<void> {
  const before = watch.followUpCount(attemptId) ?? 0;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      sub.dispose();
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const sub = watch.onChange(() => {
      if ((watch.followUpCount(attemptId) ?? 0) > before) finish();
    });
    api.followUp(attemptId, prompt, USER_MESSAGE_REASON).then(
      (r) => {
        log(`follow-up message to ${attemptId}: ${r.status}: ${r.message}`);
        finish();
      },
      (err: unknown) => {
        log(`follow-up message to ${attemptId} failed: ${err instanceof Error ? err.message : String(err)}`);
        finish(err);
      },
    );
  });
}
