// Rebuilds tasks and attempts from the journals alone, for when state.json was lost or corrupt.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, isTerminal, type Phase, type Reason, type TokenTotals } from '../../shared/model';
import type { AttemptOrigin, JournalRecord } from '../../shared/events';
import { DEFAULT_LAUNCH_OPTIONS, type LaunchOptions } from '../contract/launch';
import { readJournal } from '../observability/journal';
import { attemptTotal } from '../observability/tokens';
import { DEMO_PROVIDER_ID } from '../../shared/demoProvider';
import type { AttemptRecord, PersistedState, TaskRecord } from './records';
import type { LoadResult } from '../observability/stateStore';

const JOURNAL_NAME = /^(t-[0-9a-f]{12})-(\d+)\.jsonl$/;

export interface Reconstruction {
  tasks: TaskRecord[];
  attempts: number;
  /** Journals that could not be used (no origin record: written before Quartet journaled one, or empty). */
  skipped: string[];
}

/** Commit a branch points at (sync: recovery runs once, before anything else starts), or null. */
export function branchTip(repo: string, branch: string): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
        cwd: repo,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** One attempt from its journal: the last origin says who it is, the last phase event how it ended. */
function attemptFrom(
  journal: string,
  records: JournalRecord[],
  now: string,
  tip: (branch: string) => string | null,
): { origin: AttemptOrigin; attempt: AttemptRecord } | null {
  let origin: AttemptOrigin | null = null;
  let phase: Phase = 'interrupted';
  let reason: Reason | null = 'supervisor_restart';
  let ended = false;
  const threadIds: string[] = [];
  const tokensByThread: Record<string, TokenTotals> = {};
  let model: string | null = null;
  let provider: string | null = null;
  let resultCommit: string | null = null;
  let filesChanged = 0;
  let startedAt: string | null = null;
  let lastAt: string | null = null;
  let landed: AttemptRecord['landed'] = null;
  let archived: AttemptRecord['archived'] = null;
  for (const r of records) {
    lastAt = r.at;
    if (r.kind !== 'event') continue;
    const e = r.event;
    if (e.type === 'phase' && e.origin) {
      origin = e.origin;
      startedAt ??= r.at;
      ended = false;
    } else if (e.type === 'phase' && isTerminal(e.phase)) {
      phase = e.phase;
      reason = e.reason;
      ended = true;
    } else if (e.type === 'session_started') {
      if (!threadIds.includes(e.threadId)) threadIds.push(e.threadId);
      model = e.model;
      provider = e.modelProvider;
    } else if (e.type === 'tokens') tokensByThread[e.threadId] = e.totals;
    else if (e.type === 'committed') {
      resultCommit = e.commit;
      filesChanged = e.files;
    } else if (e.type === 'landed') landed = { at: r.at, commit: e.commit, aside: e.aside, message: e.message };
    else if (e.type === 'archived') archived = { at: r.at, reason: e.reason, patch: e.patch, postMortem: '' };
  }
  if (!origin) return null;
  // A run that never journaled its end was cut off: it comes back interrupted, resumable if it had a thread.
  if (!ended) {
    phase = 'interrupted';
    reason = 'supervisor_restart';
  }
  // A result the journal does not name (an agent that committed itself): the branch tip says it.
  if (phase === 'finished' && !resultCommit) {
    const head = tip(origin.branch);
    if (head && head !== origin.baseCommit) resultCommit = head;
  }
  const threadId = threadIds[threadIds.length - 1] ?? null;
  const attempt: AttemptRecord = {
    id: `${origin.taskId}-${origin.index}`,
    taskId: origin.taskId,
    index: origin.index,
    branch: origin.branch,
    base: origin.baseCommit,
    worktree: origin.worktree,
    phase,
    reason,
    tokens: threadIds.length ? attemptTotal(tokensByThread) : { ...ZERO_TOKENS },
    tokensByThread,
    startedAt,
    endedAt: lastAt ?? now,
    lastEvent: `recovered from the journal (${phase})`,
    lastEventAt: now,
    lastError: null,
    journal,
    threadId,
    threadIds,
    model,
    modelProvider: provider,
    demoModel: provider === DEMO_PROVIDER_ID,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit,
    filesChanged,
    ...ATTEMPT_EXTRAS,
    landed,
    archived,
  };
  return { origin, attempt };
}

/** Every task with at least one journal that carries an origin record; attempts sorted by index. */
export function reconstructFromJournals(
  journalsDir: string,
  tip: (branch: string) => string | null = () => null,
  now = new Date().toISOString(),
): Reconstruction {
  const out: Reconstruction = { tasks: [], attempts: 0, skipped: [] };
  if (!existsSync(journalsDir)) return out;
  const byTask = new Map<string, TaskRecord>();
  for (const name of readdirSync(journalsDir).sort()) {
    if (!JOURNAL_NAME.test(name)) continue;
    const path = join(journalsDir, name);
    const found = attemptFrom(path, readJournal(path), now, tip);
    if (!found) {
      out.skipped.push(name);
      continue;
    }
    const { origin, attempt } = found;
    let task = byTask.get(origin.taskId);
    if (!task) {
      task = {
        id: origin.taskId,
        key: origin.taskKey,
        title: origin.title,
        prompt: origin.prompt,
        createdAt: origin.createdAt,
        state: 'open',
        baseRef: origin.baseRef,
        baseCommit: origin.baseCommit,
        recommended: null,
        landing: null,
        options: { ...DEFAULT_LAUNCH_OPTIONS, ...(origin.options as Partial<LaunchOptions>) },
        attempts: [],
      };
      byTask.set(origin.taskId, task);
    }
    if (attempt.landed) task.state = 'landed';
    task.attempts.push(attempt);
    out.attempts++;
  }
  for (const t of byTask.values()) {
    t.attempts.sort((a, b) => a.index - b.index);
    out.tasks.push(t);
  }
  return out;
}

/** The task and attempt as journaled at each run: enough to rebuild them if state.json is lost. */
export function originOf(task: TaskRecord, a: AttemptRecord): AttemptOrigin {
  return {
    taskId: task.id,
    taskKey: task.key,
    title: task.title,
    prompt: task.prompt,
    createdAt: task.createdAt,
    baseRef: task.baseRef,
    baseCommit: task.baseCommit,
    attempts: task.attempts.length,
    index: a.index,
    branch: a.branch,
    worktree: a.worktree,
    options: { ...task.options },
  };
}

/**
 * The state to start from: the file when it loaded; otherwise (missing or corrupt) whatever the
 * journals can rebuild, with a warning that says what happened and what came back.
 */
export function recoverState(
  loaded: LoadResult<PersistedState>,
  journalsDir: string,
  tip?: (branch: string) => string | null,
): { state: PersistedState | null; warnings: string[] } {
  const warnings = loaded.problem ? [loaded.problem] : [];
  if (loaded.state) return { state: loaded.state, warnings };
  const rebuilt = reconstructFromJournals(journalsDir, tip);
  if (!rebuilt.attempts) return { state: null, warnings };
  const skipped = rebuilt.skipped.length
    ? `; ${rebuilt.skipped.length} journal(s) without an origin record could not be used`
    : '';
  warnings.push(
    `${loaded.problem ? 'The state file was unreadable' : 'The state file was missing'}: rebuilt ${rebuilt.tasks.length} task(s) and ${rebuilt.attempts} attempt(s) from the journals${skipped}. ` +
      'Attempts that were running are interrupted (Resume continues them); queued attempts that never started are not in any journal.',
  );
  return { state: { version: 1, tasks: rebuilt.tasks }, warnings };
}
