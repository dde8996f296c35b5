// Typed client of a repository's supervisor over its Unix socket; starts the supervisor when none runs.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { openSync, closeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';
import type { JournalRecord } from '../../shared/events';
import type { AnswerDecision, LandOptions, LaunchOptions, LaunchRequest, QuartetApi, ReworkOptions, ReworkResult, SupervisorSettings, TaskScore } from './api';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import type { TrackerCredentials } from '../tracker/credentials';
import { supervisorPaths } from '../supervisor/paths';
import type { FollowUpResult } from '../orchestrator/followUp';
import type { DeletedTask } from '../orchestrator/deleteTask';
import type { UndoLandResult } from '../land/undoLand';
import type { DistillReply } from '../distill/distillService';
import type { Decision } from '../distill/review';
import type { LandSkillsResult } from '../skills/landSkills';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { CleanupPlan } from '../cleanup/plan';
import type { CleanupResult } from '../orchestrator/cleanup';

export class SupervisorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}

interface Listener<T> {
  (value: T): void;
}

export interface ConnectOptions {
  repo: string;
  /** Path of dist/supervisor.js, started with the current Node when no supervisor answers. */
  supervisorEntry: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

function call(socket: string, method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      // No keep-alive pool: a pooled connection to a supervisor that has since exited would fail the next call with ECONNRESET.
      { socketPath: socket, method, path, agent: false, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            return reject(new SupervisorError(res.statusCode ?? 0, 'bad_reply', `unreadable reply from the supervisor: ${text.slice(0, 200)}`));
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const e = (json as { error?: { code?: string; message?: string } })?.error;
            return reject(new SupervisorError(status, e?.code ?? 'error', e?.message ?? `supervisor answered ${status}`));
          }
          resolve(json);
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`supervisor did not answer ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export class SupervisorClient implements QuartetApi {
  private snapshotListeners = new Set<Listener<Snapshot>>();
  private disconnectListeners = new Set<Listener<Error | undefined>>();
  private stream: IncomingMessage | null = null;
  private closed = false;
  private latest: Snapshot | null = null;

  private constructor(
    readonly socket: string,
    readonly repo: string,
  ) {}

  static async connect(opts: ConnectOptions): Promise<SupervisorClient> {
    const paths = await supervisorPaths(opts.repo);
    const client = new SupervisorClient(paths.socket, opts.repo);
    if (await client.ping()) return client;
    opts.log?.(`starting the supervisor for ${opts.repo}`);
    const out = openSync(paths.log, 'a', 0o600);
    const child = spawn(process.execPath, [opts.supervisorEntry, '--repo', opts.repo], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      cwd: opts.repo,
    });
    child.unref();
    closeSync(out);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      if (await client.ping()) return client;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the Quartet supervisor did not start within ${opts.startTimeoutMs ?? 20_000} ms; see ${paths.log}`);
  }

  private async ping(): Promise<boolean> {
    try {
      await call(this.socket, 'GET', '/api/v1/snapshot', undefined, 5000);
      return true;
    } catch {
      return false;
    }
  }

  snapshot(): Promise<Snapshot> {
    return call(this.socket, 'GET', '/api/v1/snapshot') as Promise<Snapshot>;
  }
  launch(request: LaunchRequest): Promise<TaskSnapshot> {
    return call(this.socket, 'POST', '/api/v1/tasks', request, 120_000) as Promise<TaskSnapshot>;
  }
  async stop(attemptId: string): Promise<void> {
    await call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/stop`, {});
  }
  async retry(attemptId: string): Promise<void> {
    await call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/retry`, {});
  }
  land(attemptId: string, options: LandOptions = {}): Promise<LandProgress> {
    // A local land may run the repo's checks: allow it the check timeout and then some. A PR land answers once started.
    return call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/land`, options, 30 * 60_000) as Promise<LandProgress>;
  }
  /** Resolve with agent, then land: an agent turn and the checks, so it may take a while. */
  resolve(attemptId: string): Promise<LandProgress> {
    return call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/resolve`, {}, 3 * 60 * 60_000) as Promise<LandProgress>;
  }
  followUp(attemptId: string, prompt: string, reason: string): Promise<FollowUpResult> {
    return call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/follow-up`, { prompt, reason }, 3 * 60 * 60_000) as Promise<FollowUpResult>;
  }
  rework(attemptId: string, reason: string, options: ReworkOptions = {}): Promise<ReworkResult> {
    return call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/rework`, { reason, ...(options.github ? { github: options.github } : {}) }, 120_000) as Promise<ReworkResult>;
  }
  undoLand(taskId: string): Promise<UndoLandResult> {
    return call(this.socket, 'POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/undo-land`, {}, 120_000) as Promise<UndoLandResult>;
  }
  deleteTask(taskId: string): Promise<DeletedTask> {
    return call(this.socket, 'POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/delete`, {}, 120_000) as Promise<DeletedTask>;
  }
  score(taskId: string): Promise<TaskScore> {
    return call(this.socket, 'GET', `/api/v1/score/${encodeURIComponent(taskId)}`) as Promise<TaskScore>;
  }
  /** Runs one distill session over the repository's history (may take minutes with a real model). */
  distill(options: { codexCommand?: string; env?: Record<string, string> } = {}): Promise<DistillReply> {
    return call(this.socket, 'POST', '/api/v1/distill', options, 15 * 60_000) as Promise<DistillReply>;
  }
  decideProposals(reviewId: string, decisions: Decision[]): Promise<DistillReviewView> {
    return call(this.socket, 'POST', '/api/v1/distill/decide', { reviewId, decisions }, 120_000) as Promise<DistillReviewView>;
  }
  skills(): Promise<SkillsOverview> {
    return call(this.socket, 'GET', '/api/v1/skills') as Promise<SkillsOverview>;
  }
  landSkills(branch: string): Promise<LandSkillsResult> {
    return call(this.socket, 'POST', '/api/v1/skills/land', { branch }, 5 * 60_000) as Promise<LandSkillsResult>;
  }
  async resume(attemptId: string): Promise<void> {
    await call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/resume`, {});
  }
  async answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void> {
    await call(this.socket, 'POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/answer`, { decision, text });
  }
  journal(attemptId: string, from = 0): Promise<JournalRecord[]> {
    return call(this.socket, 'GET', `/api/v1/attempts/${encodeURIComponent(attemptId)}/journal?from=${from}`) as Promise<JournalRecord[]>;
  }

  /** One page of at most `maxBytes` journal bytes from `from`; `next` is where the following page starts (null: the end). */
  journalPage(attemptId: string, from = 0, maxBytes = 4 * 1024 * 1024): Promise<{ records: JournalRecord[]; next: number | null }> {
    return call(this.socket, 'GET', `/api/v1/attempts/${encodeURIComponent(attemptId)}/journal?from=${from}&maxBytes=${maxBytes}`) as Promise<{ records: JournalRecord[]; next: number | null }>;
  }

  /** Every record from `from`, page by page (for tools and tests; the panel pumps one page per poll). */
  async journalAll(attemptId: string, from = 0): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for (let at: number | null = from; at !== null; ) {
      const page: { records: JournalRecord[]; next: number | null } = await this.journalPage(attemptId, at);
      out.push(...page.records);
      at = page.next;
    }
    return out;
  }
  async configure(settings: Partial<SupervisorSettings>): Promise<void> {
    await call(this.socket, 'POST', '/api/v1/settings', settings);
  }
  cleanupPlan(): Promise<CleanupPlan> {
    // Sizes come from walking every worktree: allow a big repo's worth of time.
    return call(this.socket, 'GET', '/api/v1/cleanup', undefined, 10 * 60_000) as Promise<CleanupPlan>;
  }
  cleanup(ids: string[]): Promise<CleanupResult> {
    return call(this.socket, 'POST', '/api/v1/cleanup', { ids }, 30 * 60_000) as Promise<CleanupResult>;
  }
  /** The supervisor's pid, live runners and held port blocks (bench, tests). */
  diagnostics(): Promise<{ pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> }> {
    return call(this.socket, 'GET', '/api/v1/diagnostics') as Promise<{ pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> }>;
  }
  /** Asks the supervisor to stop its attempts and exit (tests, `quartet supervisor stop`). */
  async shutdown(): Promise<void> {
    await call(this.socket, 'POST', '/api/v1/shutdown', {});
  }
  autopilotStart(options: { once?: boolean; credentials?: TrackerCredentials } = {}): Promise<AutopilotSnapshot> {
    // The first tick (startup cleanup, a poll, launches) may take a while against a real tracker.
    return call(this.socket, 'POST', '/api/v1/autopilot/start', options, 5 * 60_000) as Promise<AutopilotSnapshot>;
  }
  autopilot(): Promise<AutopilotSnapshot> {
    return call(this.socket, 'GET', '/api/v1/autopilot') as Promise<AutopilotSnapshot>;
  }
  autopilotStop(): Promise<AutopilotSnapshot> {
    return call(this.socket, 'POST', '/api/v1/autopilot/stop', {}) as Promise<AutopilotSnapshot>;
  }
  autopilotRefresh(): Promise<{ queued: boolean; coalesced: boolean }> {
    return call(this.socket, 'POST', '/api/v1/autopilot/refresh', {}) as Promise<{ queued: boolean; coalesced: boolean }>;
  }
  launchIssue(issueId: string, request: { attempts?: number; options?: Partial<LaunchOptions>; env?: Record<string, string>; credentials?: TrackerCredentials } = {}): Promise<TaskSnapshot> {
    return call(this.socket, 'POST', `/api/v1/autopilot/issues/${encodeURIComponent(issueId)}/launch`, request, 120_000) as Promise<TaskSnapshot>;
  }
  /** Symphony SPEC §13.7 `GET /api/v1/state`. */
  state(): Promise<Record<string, unknown>> {
    return call(this.socket, 'GET', '/api/v1/state') as Promise<Record<string, unknown>>;
  }

  onSnapshot(listener: (s: Snapshot) => void): { dispose(): void } {
    this.snapshotListeners.add(listener);
    this.openStream();
    // A late subscriber gets the current state at once instead of waiting for the next change.
    const latest = this.latest;
    if (latest) queueMicrotask(() => this.snapshotListeners.has(listener) && listener(latest));
    return { dispose: () => this.snapshotListeners.delete(listener) };
  }

  onDisconnect(listener: (err?: Error) => void): { dispose(): void } {
    this.disconnectListeners.add(listener);
    return { dispose: () => this.disconnectListeners.delete(listener) };
  }

  close(): void {
    this.closed = true;
    this.stream?.destroy();
    this.stream = null;
  }

  private openStream(): void {
    if (this.stream || this.closed) return;
    const req = httpRequest({ socketPath: this.socket, method: 'GET', path: '/api/v1/events' }, (res) => {
      this.stream = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          try {
            const snap = JSON.parse(data) as Snapshot;
            this.latest = snap;
            for (const l of [...this.snapshotListeners]) l(snap);
          } catch {
            // a torn frame: the next snapshot is complete anyway
          }
        }
      });
      res.on('close', () => this.dropped());
    });
    req.on('error', (err) => this.dropped(err));
    req.end();
  }

  private dropped(err?: Error): void {
    this.stream = null;
    if (this.closed) return;
    this.closed = true;
    for (const l of this.disconnectListeners) l(err);
  }
}
