// Typed client of a repository's supervisor over its Unix socket; connects through the handshake (connectSupervisor.ts).

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';
import type { JournalRecord } from '../../shared/events';
import type {
  AnswerDecision,
  TrackerCredentials,
  FollowUpResult,
  DeletedTask,
  CleanupPlan,
  CleanupResult,
} from '../contract/replies';
import type {
  LandOptions,
  ReworkOptions,
  ReworkResult,
  TaskScore,
  UndoLandResult,
  LandSkillsResult,
} from '../contract/land';
import type { LaunchOptions, LaunchRequest } from '../contract/launch';
import type { QuartetApi } from '../contract/quartetApi';
import type { SupervisorSettings } from '../contract/settings';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import { supervisorPaths, type SupervisorPaths } from '../git/supervisorPaths';
import type { DistillReply, Decision } from '../contract/distill';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { SupervisorHello } from '../contract/hello';
import { busyReport, isBusy } from '../contract/busy';
import { BUILD_HEADERS, callRoute, notDelivered } from './transport';
import { routeRequest, type RouteArgs, type RouteRequest } from './routeRequest';
import type { Diagnostics, JournalPage, RouteName, Routes } from '../contract/routes';
import type { ReplyOf } from '../contract/route';
import { connectSupervisor, type ConnectOptions, type HandshakeOutcome } from './connectSupervisor';
import { SnapshotMirror } from './snapshotMirror';

interface Listener<T> {
  (value: T): void;
}

export class SupervisorClient implements QuartetApi {
  private snapshotListeners = new Set<Listener<Snapshot>>();
  private disconnectListeners = new Set<Listener<Error | undefined>>();
  private stream: IncomingMessage | null = null;
  /**
   * The event stream's request, set when it is sent: two listeners subscribing before the first response must not
   * open two streams (the first would outlive `close()` and the supervisor would never see its last client leave).
   */
  private streamRequest: ClientRequest | null = null;
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
  private async call<T>(r: RouteRequest, send: (socket: string) => Promise<T>): Promise<T> {
    try {
      return await send(this.socket);
    } catch (err) {
      if (this.outcome.action !== 'keep' || !notDelivered(err)) throw err;
      await this.rehandshake();
      return send(this.socket);
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

  /** One call of the contract's route table; its reply type comes from the same table. */
  private route<K extends RouteName>(name: K, ...[input]: RouteArgs<K>): Promise<ReplyOf<Routes[K]>> {
    const r = routeRequest(name, input);
    return this.call(r, (socket) => callRoute(socket, name, r));
  }

  /** `GET /api/v1/hello`: the supervisor's build, pid, start time and whether it is busy. */
  hello(): Promise<SupervisorHello> {
    return this.route('hello');
  }
  snapshot(): Promise<Snapshot> {
    return this.route('snapshot');
  }
  launch(request: LaunchRequest): Promise<TaskSnapshot> {
    return this.route('launch', { body: request });
  }
  async stop(attemptId: string): Promise<void> {
    await this.route('stop', { params: { id: attemptId } });
  }
  async retry(attemptId: string): Promise<void> {
    await this.route('retry', { params: { id: attemptId } });
  }
  land(attemptId: string, options: LandOptions = {}): Promise<LandProgress> {
    return this.route('land', { params: { id: attemptId }, body: options });
  }
  resolve(attemptId: string): Promise<LandProgress> {
    return this.route('resolve', { params: { id: attemptId } });
  }
  followUp(attemptId: string, prompt: string, reason: string): Promise<FollowUpResult> {
    return this.route('followUp', { params: { id: attemptId }, body: { prompt, reason } });
  }
  rework(attemptId: string, reason: string, options: ReworkOptions = {}): Promise<ReworkResult> {
    return this.route('rework', {
      params: { id: attemptId },
      body: { reason, ...(options.github ? { github: options.github } : {}) },
    });
  }
  undoLand(taskId: string): Promise<UndoLandResult> {
    return this.route('undoLand', { params: { id: taskId } });
  }
  deleteTask(taskId: string): Promise<DeletedTask> {
    return this.route('deleteTask', { params: { id: taskId } });
  }
  score(taskId: string): Promise<TaskScore> {
    return this.route('score', { params: { id: taskId } });
  }
  /** Runs one distill session over the repository's history (may take minutes with a real model). */
  distill(options: { codexCommand?: string; env?: Record<string, string> } = {}): Promise<DistillReply> {
    return this.route('distill', { body: options });
  }
  decideProposals(reviewId: string, decisions: Decision[]): Promise<DistillReviewView> {
    return this.route('decideProposals', { body: { reviewId, decisions } });
  }
  skills(): Promise<SkillsOverview> {
    return this.route('skills');
  }
  landSkills(branch: string): Promise<LandSkillsResult> {
    return this.route('landSkills', { body: { branch } });
  }
  async resume(attemptId: string): Promise<void> {
    await this.route('resume', { params: { id: attemptId } });
  }
  async answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void> {
    await this.route('answer', { params: { id: attemptId }, body: { decision, text } });
  }
  async journal(attemptId: string, from = 0): Promise<JournalRecord[]> {
    const reply = await this.route('journal', { params: { id: attemptId }, query: { from: String(from) } });
    return Array.isArray(reply) ? reply : reply.records;
  }

  /** One page of at most `maxBytes` journal bytes from `from`; `next` is where the following page starts (null: the end). */
  async journalPage(attemptId: string, from = 0, maxBytes = 4 * 1024 * 1024): Promise<JournalPage> {
    const reply = await this.route('journal', {
      params: { id: attemptId },
      query: { from: String(from), maxBytes: String(maxBytes) },
    });
    return Array.isArray(reply) ? { records: reply, next: null } : reply;
  }

  /** Every record from `from`, page by page (for tools and tests; the panel pumps one page per poll). */
  async journalAll(attemptId: string, from = 0): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for (let at: number | null = from; at !== null;) {
      const page: JournalPage = await this.journalPage(attemptId, at);
      out.push(...page.records);
      at = page.next;
    }
    return out;
  }
  async configure(settings: Partial<SupervisorSettings>): Promise<void> {
    await this.route('configure', { body: settings });
  }
  cleanupPlan(): Promise<CleanupPlan> {
    return this.route('cleanupPlan');
  }
  cleanup(ids: string[]): Promise<CleanupResult> {
    return this.route('cleanup', { body: { ids } });
  }
  /** The supervisor's pid, live runners and held port blocks (bench, tests). */
  diagnostics(): Promise<Diagnostics> {
    return this.route('diagnostics');
  }
  /** Asks the supervisor to stop its attempts and exit (tests, `quartet supervisor stop`). */
  async shutdown(): Promise<void> {
    // Never through the handshake again: shutting down must not start a supervisor first.
    await callRoute(this.socket, 'shutdown', routeRequest('shutdown'));
  }
  autopilotStart(options: { once?: boolean; credentials?: TrackerCredentials } = {}): Promise<AutopilotSnapshot> {
    return this.route('autopilotStart', { body: options });
  }
  autopilot(): Promise<AutopilotSnapshot> {
    return this.route('autopilot');
  }
  autopilotStop(): Promise<AutopilotSnapshot> {
    return this.route('autopilotStop');
  }
  autopilotRefresh(): Promise<{ queued: boolean; coalesced: boolean }> {
    return this.route('autopilotRefresh');
  }
  launchIssue(
    issueId: string,
    request: {
      attempts?: number;
      options?: Partial<LaunchOptions>;
      env?: Record<string, string>;
      credentials?: TrackerCredentials;
    } = {},
  ): Promise<TaskSnapshot> {
    return this.route('launchIssue', { params: { id: issueId }, body: request });
  }
  /** Symphony SPEC §13.7 `GET /api/v1/state`. */
  state(): Promise<Record<string, unknown>> {
    return this.route('state');
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
    this.streamRequest?.destroy();
    this.stream = null;
    this.streamRequest = null;
  }

  private openStream(): void {
    if (this.streamRequest || this.closed) return;
    const mirror = new SnapshotMirror({
      fetchFull: () => this.route('versionedSnapshot'),
      publish: (snap) => {
        this.latest = snap;
        this.makeWayIfLegacyIdle(snap);
        for (const l of [...this.snapshotListeners]) l(snap);
      },
      log: this.opts.log,
    });
    // `deltas=1`: a full snapshot, then only what changed; a supervisor from before deltas ignores it and sends snapshots.
    const req = httpRequest(
      { socketPath: this.socket, method: 'GET', path: '/api/v1/events?deltas=1', headers: BUILD_HEADERS },
      (res) => {
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
      },
    );
    this.streamRequest = req;
    req.on('error', (err) => this.dropped(err));
    req.end();
  }

  /**
   * A kept supervisor from before the handshake never learns that it is outdated: once its snapshot shows
   * nothing running, ask it to make way; the stream then drops and the window reconnects to its own build.
   * That old a supervisor ignores `ifIdle`: work started in the same instant would end interrupted (resumable).
   */
  private makeWayIfLegacyIdle(s: Snapshot): void {
    if (
      this.outcome.action !== 'keep' ||
      this.outcome.supervisor.stamp !== null ||
      this.askedLegacyRestart ||
      isBusy(busyReport(s))
    )
      return;
    this.askedLegacyRestart = true;
    this.opts.log?.('the older supervisor is idle now: asking it to make way for this build');
    void callRoute(this.socket, 'shutdown', routeRequest('shutdown', { body: { ifIdle: true } })).catch(() => {
      this.askedLegacyRestart = false;
    });
  }

  private dropped(err?: Error): void {
    this.stream = null;
    this.streamRequest = null;
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
