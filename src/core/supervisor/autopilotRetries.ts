// The Autopilot's retry queue on disk (`<state>/autopilot/retries/state.json`), so a restarted supervisor resumes it.

import { join } from 'node:path';
import type { RetryView } from '../autopilot/autopilotView';
import { StateStore } from '../observability/stateStore';

interface RetriesFile {
  version: 1;
  retries: RetryView[];
}

const isRetry = (r: unknown): r is RetryView => {
  const v = r as RetryView;
  return (
    !!v &&
    typeof v.issueId === 'string' &&
    typeof v.identifier === 'string' &&
    (v.url === null || typeof v.url === 'string') &&
    Number.isSafeInteger(v.attempt) &&
    Number.isFinite(v.dueAtMs) &&
    (v.error === null || typeof v.error === 'string') &&
    (v.kind === 'continuation' || v.kind === 'failure')
  );
};
const isFile = (v: unknown): v is RetriesFile =>
  !!v &&
  (v as RetriesFile).version === 1 &&
  Array.isArray((v as RetriesFile).retries) &&
  (v as RetriesFile).retries.every(isRetry);

/** Issue ids and identifiers only (no tracker text beyond the identifier and the last error, never a credential). */
export class AutopilotRetries {
  private readonly store: StateStore<RetriesFile> | null;

  /** `stateDir` null: in memory only (tests without a supervisor). */
  constructor(stateDir: string | null) {
    this.store = stateDir ? new StateStore(join(stateDir, 'autopilot', 'retries'), isFile, 0) : null;
  }

  saved(): RetryView[] {
    return this.store?.load().state?.retries ?? [];
  }

  save(retries: RetryView[]): void {
    this.store?.save({ version: 1, retries });
    this.store?.flush();
  }
}
