// Runs one attempt's Codex session: start the app-server in the worktree, one turn, policy, timeouts, stop.

import type { AgentEvent } from '../../shared/events';
import type { PendingQuestion, Reason } from '../../shared/model';
import type { LaunchOptions } from '../contract/launch';
import { CodexClient, type JsonObject } from './codexClient';
import { codexArgv } from './codexBinary';
import { withAgentProfile, type SandboxPlan } from './sandbox';
import { normalizeNotification, turnErrorText } from './codexEvents';
import { triageServerRequest, type Decision } from './serverRequests';
import { fileChangePaths } from './approvalRules';
import { assertCwdIsWorktree } from '../git/pathSafety';
import { QuartetError } from './errors';
import type { CodexSpawn } from './codexSpawn';
import type { Journal } from '../observability/journal';
import type { DynamicToolSpec, ToolCallRecorder, ToolResult } from './dynamicTools';

export const QUARTET_VERSION = '0.1.0';
/** Env var tagging every process of an attempt, so stray descendants can be found and ended. */
export const ATTEMPT_TAG = 'QUARTET_ATTEMPT_ID';
/** How long a stopped turn may take to close after `turn/interrupt` before its processes are ended anyway. */
const INTERRUPT_GRACE_MS = 5000;

export interface RunnerHooks {
  onEvent(event: AgentEvent): void;
  /** Any message from Codex: the orchestrator's stall clock restarts. */
  onActivity(): void;
  onPending(question: PendingQuestion | null): void;
}

export interface RunnerInput {
  attemptId: string;
  worktree: string;
  worktreeRoot: string;
  developerInstructions: string | null;
  options: LaunchOptions;
  env: Record<string, string>;
  codexPath: string | null;
  /** The sandbox the probe found (execution/sandbox.ts): with the loopback profile the agent runs in it too. */
  sandboxPlan?: SandboxPlan | null;
  journal: Journal;
  hooks: RunnerHooks;
  maxLineBytes: number;
  /** Resume this thread (`thread/resume`, rollout on disk) instead of starting a new one. */
  resumeThreadId?: string | null;
  /** The prompt of the resumed thread's new turn (a follow-up); RESUME_PROMPT when absent. */
  resumePrompt?: string | null;
  /** Host-side tools (SPEC §10.5, the tracker's `github_api` / `linear_graphql`): advertised on thread/start, executed here. */
  tools?: AgentTools | null;
  /** The user's "always allow" command prefixes, read at each request so a settings change applies at once. */
  allowedCommandPrefixes?: () => readonly string[];
  /**
   * Run Codex on a worker host (src/core/workers/remoteSpawn.ts): the thread's cwd is the worktree there,
   * `codex` is the host's own (its PATH), `env` goes there, and the sandbox is Codex's own `sandbox` mode.
   */
  remote?: CodexSpawn | null;
}

/** Client-side dynamic tools of one Codex session: specs for thread/start and their host-side executor (never throws). */
export interface AgentTools {
  specs: DynamicToolSpec[];
  /** `record` journals each call, allowed or refused (docs/security.md §3). */
  execute(name: string, args: unknown, record?: ToolCallRecorder): Promise<ToolResult>;
}

/** What a resumed thread is told: it already has the task in its history. */
export const RESUME_PROMPT =
  'You were interrupted (Quartet restarted or you were stopped). Continue the task from the current state of the worktree; ' +
  'do not redo finished work. End with the same kind of final message: a commit subject line, a blank line, a short summary.';

export type RunOutcome =
  | { status: 'completed'; finalMessage: string | null; threadId: string }
  | { status: 'failed'; reason: Reason; message: string }
  | { status: 'stopped'; reason: Reason };

interface Waiting {
  id: string;
  reply(decision: Decision, text?: string): void;
}

export class AttemptRunner {
  private client: CodexClient | null = null;
  private threadId: string | null = null;
  private turnId: string | null = null;
  private finalMessage: string | null = null;
  private lastError: string | null = null;
  private stopReason: Reason | null = null;
  private waiting: Waiting | null = null;
  private turnTimer: NodeJS.Timeout | null = null;
  /** When Codex last sent anything (the turn timeout counts silence from here). */
  private lastOutputAt = 0;
  private settleTurn: ((o: RunOutcome) => void) | null = null;
  private pendingSeq = 0;
  /** Resolved when the current turn's `turn/completed` arrives (after an interrupt: Codex has stopped its tools). */
  private turnEnded: (() => void) | null = null;
  private turnOver = false;
  /** Paths of the fileChange items seen in this turn, by item id: a patch approval names its item, not its paths. */
  private readonly patchItems = new Map<string, string[] | null>();
  private readonly turnDone: Promise<RunOutcome>;
  private started: Promise<void> | null = null;
  /** Started with the loopback permission profile: the thread then carries no legacy `sandbox`. */
  private profiled = false;

  constructor(private readonly input: RunnerInput) {
    // Settled by whatever ends the session first — even a Codex exit during `start`, before `run` is called.
    this.turnDone = new Promise<RunOutcome>((resolve) => (this.settleTurn = resolve));
  }

  get pid(): number | null {
    return this.client?.pid ?? null;
  }

  /** The worktree as Codex sees it: its paths (approvals, file changes) are relative to this one. */
  private get codexWorktree(): string {
    return this.input.remote?.worktree ?? this.input.worktree;
  }

  /**
   * Spawns the app-server and completes `initialize`. Idempotent; the pipeline calls it as soon as the
   * worktree is registered, so Codex starts while the files are still being checked out: nothing of the
   * worktree is read before `thread/start`, which `run` sends once the worktree, skills and hooks are ready.
   */
  start(): Promise<void> {
    this.started ??= this.startNow();
    this.started.catch(() => undefined); // reported by `run`, or dropped with `dispose`
    return this.started;
  }

  /** Ends a session that was started but will never run (stopped or failed while the worktree was prepared). */
  async dispose(): Promise<void> {
    await this.client?.shutdown().catch(() => undefined);
  }

  private async startNow(): Promise<void> {
    const { worktree, worktreeRoot, options, journal } = this.input;
    const remote = this.input.remote ?? null;
    try {
      // A worker's worktree was made there under its root by src/core/workers (paths quoted in remoteShell).
      if (!remote) assertCwdIsWorktree(worktree, worktree, worktreeRoot);
    } catch (err) {
      throw new QuartetError((err as Error).message, 'invalid_workspace_cwd');
    }
    const plain = codexArgv(options.codexCommand, remote ? null : this.input.codexPath);
    // The same permission profile as the checks (loopback only); the thread then carries no legacy `sandbox`.
    // The probe ran here, not on the host: a worker's Codex gets the plain `sandbox` mode of the thread.
    const profiled = remote ? null : withAgentProfile(plain, options.sandbox, this.input.sandboxPlan ?? null);
    this.profiled = profiled !== null;
    this.client = new CodexClient(
      {
        argv: profiled ?? plain,
        cwd: worktree,
        env: this.input.env,
        maxLineBytes: this.input.maxLineBytes,
        readTimeoutMs: options.readTimeoutMs,
        tag: { name: ATTEMPT_TAG, value: this.input.attemptId },
        spawn: remote,
      },
      {
        onRaw: (dir, msg, text) => {
          journal.raw(dir, msg, text);
          if (dir === 'in') this.activity();
        },
        onNotification: (m, p) => this.onNotification(m, p),
        onServerRequest: (m, p) => this.onServerRequest(m, p),
        onMalformed: (reason, sample) => this.emit({ type: 'malformed', reason, sample }),
        onStderr: (text) => journal.event({ type: 'stderr', text: text.slice(0, 4000) }),
        onExit: (code, signal) => {
          this.emit({ type: 'process_exit', code, signal });
          this.finish(
            this.stopReason
              ? { status: 'stopped', reason: this.stopReason }
              : {
                  status: 'failed',
                  reason: 'codex_exit',
                  message: `Codex app-server exited (${signal ?? `code ${code}`})${this.lastError ? `: ${this.lastError}` : ''}`,
                },
          );
        },
      },
    );
    this.client.start();
    await this.client.request('initialize', {
      clientInfo: { name: 'quartet', title: 'Quartet', version: QUARTET_VERSION },
      capabilities: { experimentalApi: true },
    });
    this.client.notify('initialized');
  }

  /** One turn with `prompt` (ignored when resuming a thread: the resume prompt goes instead); starts Codex if `start` was not called. */
  async run(prompt: string): Promise<RunOutcome> {
    const { options } = this.input;
    const worktree = this.codexWorktree;
    try {
      await this.start();
      if (!this.client) throw new QuartetError('Codex did not start', 'codex_exit');
      const sandbox = this.profiled ? {} : { sandbox: options.sandbox };
      const resume = this.input.resumeThreadId;
      const started = resume
        ? await this.client.request('thread/resume', {
            threadId: resume,
            cwd: worktree,
            approvalPolicy: options.approvalPolicy,
            ...sandbox,
          })
        : await this.client.request('thread/start', {
            cwd: worktree,
            approvalPolicy: options.approvalPolicy,
            ...sandbox,
            ...(options.model ? { model: options.model } : {}),
            ...(this.input.developerInstructions ? { developerInstructions: this.input.developerInstructions } : {}),
            // A resumed thread keeps the tools it was started with (verified with 0.169.0); only the executor is needed then.
            ...(this.input.tools?.specs.length ? { dynamicTools: this.input.tools.specs } : {}),
          });
      const thread = (started.thread ?? {}) as JsonObject;
      this.threadId = String(thread.id ?? '');
      this.emit({
        type: 'session_started',
        threadId: this.threadId,
        model: typeof started.model === 'string' ? started.model : null,
        modelProvider: typeof started.modelProvider === 'string' ? started.modelProvider : null,
      });
      if (this.stopReason) return await this.stopNow();
      const turn = await this.client.request('turn/start', {
        threadId: this.threadId,
        input: [
          {
            type: 'text',
            text: resume ? (this.input.resumePrompt ?? RESUME_PROMPT) : prompt,
            text_elements: [],
          },
        ],
        ...(options.turnSandboxPolicy ? { sandboxPolicy: options.turnSandboxPolicy } : {}),
      });
      this.turnId = String(((turn.turn ?? {}) as JsonObject).id ?? '');
      this.armTurnTimer();
      if (this.stopReason) void this.stopNow();
      return await this.turnDone;
    } catch (err) {
      const reason = err instanceof QuartetError ? err.reason : 'codex_exit';
      if (this.stopReason) return { status: 'stopped', reason: this.stopReason };
      return { status: 'failed', reason, message: (err as Error).message };
    } finally {
      this.clearTurnTimer();
      if (this.waiting) this.input.hooks.onPending(null);
      this.waiting = null;
      await this.client?.shutdown().catch(() => undefined);
    }
  }

  /** Answers the pending question (approval or user input). Returns false when nothing is pending. */
  answer(decision: 'accept' | 'acceptForSession' | 'decline', text?: string): boolean {
    const w = this.waiting;
    if (!w) return false;
    this.waiting = null;
    w.reply(decision, text);
    return true;
  }

  /** Stop: interrupt the turn, then end the process group. Idempotent. */
  async stop(reason: Reason = 'stopped_by_user'): Promise<void> {
    if (this.stopReason) return;
    this.stopReason = reason;
    if (this.client) await this.stopNow();
  }

  private async stopNow(): Promise<RunOutcome> {
    const outcome: RunOutcome = { status: 'stopped', reason: this.stopReason ?? 'stopped_by_user' };
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.reply('cancel');
    }
    if (this.client && this.threadId && this.turnId && !this.client.hasExited && !this.turnOver) {
      const ended = new Promise<void>((resolve) => (this.turnEnded = resolve));
      await this.client
        .request('turn/interrupt', { threadId: this.threadId, turnId: this.turnId }, 3000)
        .catch(() => undefined);
      // Let Codex abort its own tools and close the turn (no kill mid-write); the process group goes after.
      await Promise.race([ended, new Promise((r) => setTimeout(r, INTERRUPT_GRACE_MS))]);
    }
    this.finish(outcome);
    // Close stdin (Codex exits on its own), then end the group and anything tagged with the attempt.
    await this.client?.shutdown();
    return outcome;
  }

  private emit(event: AgentEvent): void {
    this.input.journal.event(event);
    this.input.hooks.onEvent(event);
  }

  private activity(): void {
    this.input.hooks.onActivity();
    // Only noted: the armed timer looks at it when it fires (no timer re-armed per message of a busy turn).
    this.lastOutputAt = Date.now();
  }

  private armTurnTimer(): void {
    this.clearTurnTimer();
    if (this.waiting) return; // waiting on a person is not silence
    this.lastOutputAt = Date.now();
    this.waitForSilence(this.input.options.turnTimeoutMs);
  }

  private waitForSilence(ms: number): void {
    this.turnTimer = setTimeout(() => {
      const timeout = this.input.options.turnTimeoutMs;
      const quiet = Date.now() - this.lastOutputAt;
      if (quiet < timeout) return this.waitForSilence(timeout - quiet);
      // Settle first: the interrupt below would otherwise report a plain "stopped".
      this.finish({
        status: 'failed',
        reason: 'turn_timeout',
        message: `no Codex output for ${timeout} ms during the turn`,
      });
      this.stopReason = 'turn_timeout';
      void this.stopNow();
    }, ms);
  }

  private clearTurnTimer(): void {
    if (this.turnTimer) clearTimeout(this.turnTimer);
    this.turnTimer = null;
  }

  private finish(outcome: RunOutcome): void {
    const settle = this.settleTurn;
    this.settleTurn = null;
    settle?.(outcome);
  }

  private onNotification(method: string, params: JsonObject): void {
    this.notePatchItem(method, params);
    const event = normalizeNotification(method, params, this.codexWorktree);
    if (!event) return;
    if (event.type === 'agent_message' && event.text) this.finalMessage = event.text;
    if (event.type === 'error') this.lastError = turnErrorText(event.message);
    this.emit(event);
    if (event.type === 'turn_completed' && (!this.turnId || event.turnId === this.turnId)) this.onTurnCompleted(event);
  }

  private onTurnCompleted(event: Extract<AgentEvent, { type: 'turn_completed' }>): void {
    this.clearTurnTimer();
    this.turnOver = true;
    this.turnEnded?.();
    if (event.status === 'completed') {
      this.finish({ status: 'completed', finalMessage: this.finalMessage, threadId: this.threadId ?? '' });
    } else if (event.status === 'interrupted') {
      this.finish({ status: 'stopped', reason: this.stopReason ?? 'stopped_by_user' });
    } else {
      const message = turnErrorText(event.error ?? this.lastError ?? `turn ${event.status}`);
      this.finish({ status: 'failed', reason: 'model_error', message });
    }
  }

  /** `item/started` of a fileChange precedes its approval request; `patchUpdated` may revise the changes. */
  private notePatchItem(method: string, params: JsonObject): void {
    if (method === 'item/fileChange/patchUpdated')
      this.patchItems.set(String(params.itemId ?? ''), fileChangePaths(params.changes));
    if (method !== 'item/started' && method !== 'item/completed') return;
    const item = (params.item ?? {}) as JsonObject;
    if (item.type !== 'fileChange') return;
    if (method === 'item/completed') this.patchItems.delete(String(item.id ?? ''));
    else this.patchItems.set(String(item.id ?? ''), fileChangePaths(item.changes));
  }

  private onServerRequest(method: string, params: JsonObject): Promise<unknown> {
    // Executed host-side with the host's credentials; the result (never the credential) goes back to the model.
    if (method === 'item/tool/call' && this.input.tools) {
      return this.input.tools.execute(String(params.tool ?? ''), params.arguments, (c) =>
        this.emit({ type: 'tracker_tool', ...c }),
      );
    }
    const triage = triageServerRequest(method, params, {
      worktree: this.codexWorktree,
      autoApprove: this.input.options.autoApprove,
      allowedCommandPrefixes: this.input.allowedCommandPrefixes?.() ?? [],
      patchPaths: (itemId) => this.patchItems.get(itemId) ?? null,
    });
    if (triage.kind === 'reject') {
      this.emit({ type: 'warning', message: triage.message });
      return Promise.reject(new Error(triage.message));
    }
    const pendingId = `${this.input.attemptId}:${++this.pendingSeq}`;
    if (triage.kind === 'auto') {
      this.emit({
        type: 'approval_resolved',
        pendingId,
        decision: triage.decision,
        by: 'policy',
        ...(triage.rule ? { rule: triage.rule } : {}),
      });
      return Promise.resolve(triage.result);
    }
    if (this.stopReason) return Promise.resolve(triage.reply('cancel'));
    return new Promise((resolve) => {
      this.clearTurnTimer();
      this.waiting = {
        id: pendingId,
        reply: (decision, text) => {
          this.input.hooks.onPending(null);
          this.emit({ type: 'approval_resolved', pendingId, decision, by: decision === 'cancel' ? 'stop' : 'user' });
          resolve(triage.reply(decision, text));
          if (!this.stopReason) this.armTurnTimer();
        },
      };
      this.emit({
        type: 'approval_requested',
        pendingId,
        kind: triage.question.kind,
        summary: triage.question.summary,
      });
      this.input.hooks.onPending({ id: pendingId, ...triage.question });
    });
  }
}
