// Typed client of a repository's supervisor over its Unix socket; connects through the handshake (connectSupervisor.ts).

import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';
import type { JournalRecord } from '../../shared/events';
import type { AnswerDecision, LandOptions, LaunchOptions, LaunchRequest, QuartetApi, ReworkOptions, ReworkResult, SupervisorSettings, TaskScore } from './api';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import type { TrackerCredentials } from '../tracker/credentials';
import { supervisorPaths, type SupervisorPaths } from '../supervisor/paths';
import type { FollowUpResult } from '../orchestrator/followUp';
import type { DeletedTask } from '../orchestrator/deleteTask';
import type { UndoLandResult } from '../land/undoLand';
import type { DistillReply } from '../distill/distillService';
import type { Decision } from '../distill/review';
import type { LandSkillsResult } from '../skills/landSkills';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { CleanupPlan } from '../cleanup/plan';
import type { CleanupResult } from '../orchestrator/cleanup';
import type { SupervisorHello } from '../supervisor/supervisorIdentity';
import { busyReport, isBusy } from '../supervisor/busy';
import { BUILD_HEADERS, call as send, notDelivered } from './transport';
import { connectSupervisor, type ConnectOptions, type HandshakeOutcome } from './connectSupervisor';
import { SnapshotMirror } from './snapshotMirror';
import type { VersionedSnapshot } from '../../shared/snapshotDelta';

interface Listener<T> {
  (value: T): void;
}

export class SupervisorClient implements QuartetApi {
  private snapshotListeners = new Set<Listener<Snapshot>>();
  private disconnectListeners = new Set<Listener<Error | undefined>>();
  private stream: IncomingMessage | null = null;
  private closed = false;
  private latest: Snapshot | null = null;

  /** One handshake at a time: calls that find the outdated supervisor gone share it. */
  private reconnecting: Promise<void> | null = null;
  /** A supervisor from before the handshake was asked to make way once (it cannot restart by itself). */
  private askedLegacyRestart = false;

  private constructor(
    private readonly paths: SupervisorPaths,
    readonly repo: string,
    private readonly opts: ConnectOptions,
    private outcome: HandshakeOutcome,
  ) {}

  get socket(): string {
    return this.paths.socket;
  }

  /** How this client came to its supervisor (used, kept, started, replaced) and the warning to show while an older one is kept. */
  get handshake(): HandshakeOutcome {
    return this.outcome;
  }

  static async connect(opts: ConnectOptions): Promise<SupervisorClient> {
    const paths = await supervisorPaths(opts.repo);
    return new SupervisorClient(paths, opts.repo, opts, await connectSupervisor(opts, paths));
  }

  /**
   * A call; when the older supervisor this client kept has made way (it restarts once idle), the request
   * never reached anyone: hand-shake again (which starts this client's build) and send it once more.
   */
  private async call(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<unknown> {
    try {
      return await send(this.socket, method, path, body, timeoutMs);
    } catch (err) {
      if (this.outcome.action !== 'keep' || !notDelivered(err)) throw err;
      await this.rehandshake();
      return send(this.socket, method, path, body, timeoutMs);
    }
  }

  private rehandshake(): Promise<void> {
    this.reconnecting ??= connectSupervisor(this.opts, this.paths)
      .then((o) => {
        this.outcome = o;
        this.askedLegacyRestart = false;
      })
      .finally(() => (this.reconnecting = null));
    return this.reconnecting;
  }

  /** `GET /api/v1/hello`: the supervisor's build, pid, start time and whether it is busy. */
  hello(): Promise<SupervisorHello> {
    return this.call('GET', '/api/v1/hello') as Promise<SupervisorHello>;
  }

  snapshot(): Promise<Snapshot> {
    return this.call('GET', '/api/v1/snapshot') as Promise<Snapshot>;
  }
  launch(request: LaunchRequest): Promise<TaskSnapshot> {
    return this.call('POST', '/api/v1/tasks', request, 120_000) as Promise<TaskSnapshot>;
  }
  async stop(attemptId: string): Promise<void> {
    await this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/stop`, {});
  }
  async retry(attemptId: string): Promise<void> {
    await this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/retry`, {});
  }
  land(attemptId: string, options: LandOptions = {}): Promise<LandProgress> {
    // A local land may run the repo's checks: allow it the check timeout and then some. A PR land answers once started.
    return this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/land`, options, 30 * 60_000) as Promise<LandProgress>;
  }
  /** Resolve with agent, then land: an agent turn and the checks, so it may take a while. */
  resolve(attemptId: string): Promise<LandProgress> {
    return this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/resolve`, {}, 3 * 60 * 60_000) as Promise<LandProgress>;
  }
  followUp(attemptId: string, prompt: string, reason: string): Promise<FollowUpResult> {
    return this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/follow-up`, { prompt, reason }, 3 * 60 * 60_000) as Promise<FollowUpResult>;
  }
  rework(attemptId: string, reason: string, options: ReworkOptions = {}): Promise<ReworkResult> {
    return this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/rework`, { reason, ...(options.github ? { github: options.github } : {}) }, 120_000) as Promise<ReworkResult>;
  }
  undoLand(taskId: string): Promise<UndoLandResult> {
    return this.call('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/undo-land`, {}, 120_000) as Promise<UndoLandResult>;
  }
  deleteTask(taskId: string): Promise<DeletedTask> {
    return this.call('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/delete`, {}, 120_000) as Promise<DeletedTask>;
  }
  score(taskId: string): Promise<TaskScore> {
    return this.call('GET', `/api/v1/score/${encodeURIComponent(taskId)}`) as Promise<TaskScore>;
  }
  /** Runs one distill session over the repository's history (may take minutes with a real model). */
  distill(options: { codexCommand?: string; env?: Record<string, string> } = {}): Promise<DistillReply> {
    return this.call('POST', '/api/v1/distill', options, 15 * 60_000) as Promise<DistillReply>;
  }
  decideProposals(reviewId: string, decisions: Decision[]): Promise<DistillReviewView> {
    return this.call('POST', '/api/v1/distill/decide', { reviewId, decisions }, 120_000) as Promise<DistillReviewView>;
  }
  skills(): Promise<SkillsOverview> {
    return this.call('GET', '/api/v1/skills') as Promise<SkillsOverview>;
  }
  landSkills(branch: string): Promise<LandSkillsResult> {
    return this.call('POST', '/api/v1/skills/land', { branch }, 5 * 60_000) as Promise<LandSkillsResult>;
  }
  async resume(attemptId: string): Promise<void> {
    await this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/resume`, {});
  }
  async answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void> {
    await this.call('POST', `/api/v1/attempts/${encodeURIComponent(attemptId)}/answer`, { decision, text });
  }
  journal(attemptId: string, from = 0): Promise<JournalRecord[]> {
    return this.call('GET', `/api/v1/attempts/${encodeURIComponent(attemptId)}/journal?from=${from}`) as Promise<JournalRecord[]>;
  }

  /** One page of at most `maxBytes` journal bytes from `from`; `next` is where the following page starts (null: the end). */
  journalPage(attemptId: string, from = 0, maxBytes = 4 * 1024 * 1024): Promise<{ records: JournalRecord[]; next: number | null }> {
    return this.call('GET', `/api/v1/attempts/${encodeURIComponent(attemptId)}/journal?from=${from}&maxBytes=${maxBytes}`) as Promise<{ records: JournalRecord[]; next: number | null }>;
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
    await this.call('POST', '/api/v1/settings', settings);
  }
  cleanupPlan(): Promise<CleanupPlan> {
    // Sizes come from walking every worktree: allow a big repo's worth of time.
    return this.call('GET', '/api/v1/cleanup', undefined, 10 * 60_000) as Promise<CleanupPlan>;
  }
  cleanup(ids: string[]): Promise<CleanupResult> {
    return this.call('POST', '/api/v1/cleanup', { ids }, 30 * 60_000) as Promise<CleanupResult>;
  }
  /** The supervisor's pid, live runners and held port blocks (bench, tests). */
  diagnostics(): Promise<{ pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> }> {
    return this.call('GET', '/api/v1/diagnostics') as Promise<{ pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> }>;
  }
  /** Asks the supervisor to stop its attempts and exit (tests, `quartet supervisor stop`). */
  async shutdown(): Promise<void> {
    // Never through the handshake again: shutting down must not start a supervisor first.
    await send(this.socket, 'POST', '/api/v1/shutdown', {});
  }
  autopilotStart(options: { once?: boolean; credentials?: TrackerCredentials } = {}): Promise<AutopilotSnapshot> {
    // The first tick (startup cleanup, a poll, launches) may take a while against a real tracker.
    return this.call('POST', '/api/v1/autopilot/start', options, 5 * 60_000) as Promise<AutopilotSnapshot>;
  }
  autopilot(): Promise<AutopilotSnapshot> {
    return this.call('GET', '/api/v1/autopilot') as Promise<AutopilotSnapshot>;
  }
  autopilotStop(): Promise<AutopilotSnapshot> {
    return this.call('POST', '/api/v1/autopilot/stop', {}) as Promise<AutopilotSnapshot>;
  }
  autopilotRefresh(): Promise<{ queued: boolean; coalesced: boolean }> {
    return this.call('POST', '/api/v1/autopilot/refresh', {}) as Promise<{ queued: boolean; coalesced: boolean }>;
  }
  launchIssue(issueId: string, request: { attempts?: number; options?: Partial<LaunchOptions>; env?: Record<string, string>; credentials?: TrackerCredentials } = {}): Promise<TaskSnapshot> {
    return this.call('POST', `/api/v1/autopilot/issues/${encodeURIComponent(issueId)}/launch`, request, 120_000) as Promise<TaskSnapshot>;
  }
  /** Symphony SPEC §13.7 `GET /api/v1/state`. */
  state(): Promise<Record<string, unknown>> {
    return this.call('GET', '/api/v1/state') as Promise<Record<string, unknown>>;
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
    const mirror = new SnapshotMirror({
      fetchFull: () => send(this.socket, 'GET', '/api/v1/snapshot?versioned=1') as Promise<VersionedSnapshot>,
      publish: (snap) => {
        this.latest = snap;
        this.makeWayIfLegacyIdle(snap);
        for (const l of [...this.snapshotListeners]) l(snap);
      },
      log: this.opts.log,
    });
    // `deltas=1`: a full snapshot, then only what changed; a supervisor from before deltas ignores it and sends snapshots.
    const req = httpRequest({ socketPath: this.socket, method: 'GET', path: '/api/v1/events?deltas=1', headers: BUILD_HEADERS }, (res) => {
      this.stream = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const { event, data } = parseFrame(frame);
          if (!data) continue;
          try {
            mirror.accept(event, JSON.parse(data));
          } catch {
            // a torn frame: a delta after it shows a gap and resyncs
          }
        }
      });
      res.on('close', () => this.dropped());
    });
    req.on('error', (err) => this.dropped(err));
    req.end();
  }

  /**
   * A kept supervisor from before the handshake never learns that it is outdated: once its snapshot shows
   * nothing running, ask it to make way; the stream then drops and the window reconnects to its own build.
   * That old a supervisor ignores `ifIdle`: work started in the same instant would end interrupted (resumable).
   */
  private makeWayIfLegacyIdle(s: Snapshot): void {
    if (this.outcome.action !== 'keep' || this.outcome.supervisor.stamp !== null || this.askedLegacyRestart || isBusy(busyReport(s))) return;
    this.askedLegacyRestart = true;
    this.opts.log?.('the older supervisor is idle now: asking it to make way for this build');
    void send(this.socket, 'POST', '/api/v1/shutdown', { ifIdle: true }).catch(() => {
      this.askedLegacyRestart = false;
    });
  }

  private dropped(err?: Error): void {
    this.stream = null;
    if (this.closed) return;
    this.closed = true;
    for (const l of this.disconnectListeners) l(err);
  }
}

/** One SSE frame: its event name (default `message`) and its data lines joined. */
function parseFrame(frame: string): { event: string; data: string } {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return { event, data: data.join('\n') };
}
