// JSON-RPC client of one `codex app-server` child over stdio JSONL: requests, notifications, server requests.

import { execa, type ResultPromise } from 'execa';
import { withSandboxHelper } from './sandboxHelper';
import { JsonlFramer } from './jsonlFramer';
import { CodexExitError, ReadTimeoutError, RpcError } from './errors';
import { killTree } from './processTree';
import type { CodexSpawn } from './codexSpawn';

export type JsonObject = Record<string, unknown>;

export interface CodexClientHandlers {
  /** Every raw message in either direction, for the journal (`text`: an incoming message's own JSON line). */
  onRaw(dir: 'in' | 'out', msg: unknown, text?: string): void;
  onNotification(method: string, params: JsonObject): void;
  /** Must resolve with the `result` to send back; a throw sends a JSON-RPC error instead. */
  onServerRequest(method: string, params: JsonObject, id: number | string): Promise<unknown>;
  onMalformed(reason: string, sample: string): void;
  onStderr(text: string): void;
  onExit(code: number | null, signal: string | null): void;
}

export interface CodexClientOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  maxLineBytes: number;
  readTimeoutMs: number;
  /** Tag put in the child's environment so stray descendants can be found later. */
  tag: { name: string; value: string };
  /** Started on a worker host over ssh instead of here (`argv`, `env` then describe the far side). */
  spawn?: CodexSpawn | null;
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class CodexClient {
  private child: ResultPromise | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private stderrTail = '';
  private exited: { code: number | null; signal: string | null } | null = null;
  private exitWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: CodexClientOptions,
    private readonly handlers: CodexClientHandlers,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get hasExited(): boolean {
    return this.exited !== null;
  }

  start(): void {
    const [codex, ...rest] = this.opts.argv;
    if (!codex) throw new Error('empty Codex command');
    const env = { ...this.opts.env, [this.opts.tag.name]: this.opts.tag.value };
    const { file, args, cwd, ...spec } = this.opts.spawn
      ? this.opts.spawn.spawn(this.opts.argv, env)
      : { file: codex, args: rest, cwd: this.opts.cwd, env: withSandboxHelper(codex, env) };
    const child = execa(file, args, {
      cwd,
      env: spec.env,
      extendEnv: false,
      // Own process group, so Stop can end Codex and every shell it started in one signal.
      detached: true,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: false,
      stripFinalNewline: false,
    });
    this.child = child;
    const framer = new JsonlFramer(this.opts.maxLineBytes, (m, text) => {
      if (m.ok) this.dispatch(m.value, text);
      else this.handlers.onMalformed(m.reason, m.sample);
    });
    child.stdout?.on('data', (c: Buffer) => framer.push(c));
    child.stdout?.on('end', () => framer.end());
    child.stderr?.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      this.stderrTail = (this.stderrTail + text).slice(-2000);
      this.handlers.onStderr(text);
    });
    child.stdin?.on('error', () => undefined);
    void child.then((r) => this.handleExit(r.exitCode ?? null, r.signal ?? null));
  }

  request(method: string, params: unknown, timeoutMs = this.opts.readTimeoutMs): Promise<JsonObject> {
    if (this.exited) return Promise.reject(new CodexExitError(this.exited.code, this.exited.signal, this.lastStderr()));
    const id = this.nextId++;
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ReadTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: (v) => resolve((v ?? {}) as JsonObject), reject, timer });
      this.send({ method, id, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  /** Closes stdin (a clean shutdown for the app-server), waits up to `graceMs`, then ends whatever of the tree is left. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.child) return;
    if (!this.exited) {
      this.child.stdin?.end();
      await this.waitExit(graceMs);
    }
    // Even after a clean exit: what the agent started in the background (a dev server, a watcher) must not outlive it.
    await this.kill();
  }

  /** Ends the app-server's process group, its descendants and anything carrying its tag. */
  async kill(): Promise<void> {
    // On a worker the group lives there: ending the local ssh client alone would leave it running.
    await this.opts.spawn?.killRemote();
    await killTree(this.pid, this.opts.tag);
    await this.waitExit(3000);
  }

  private waitExit(ms: number): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private send(msg: JsonObject): void {
    this.handlers.onRaw('out', msg);
    if (!this.child?.stdin || this.exited) return;
    this.child.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  private dispatch(value: unknown, text?: string): void {
    this.handlers.onRaw('in', value, text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.handlers.onMalformed('message is not a JSON object', JSON.stringify(value).slice(0, 200));
      return;
    }
    const msg = value as JsonObject;
    const method = typeof msg.method === 'string' ? msg.method : null;
    const hasId = typeof msg.id === 'number' || typeof msg.id === 'string';
    // Server requests carry both a method and an id; their ids overlap ours, so direction decides.
    if (method && hasId)
      return void this.answerServerRequest(method, (msg.params ?? {}) as JsonObject, msg.id as number | string);
    if (method) return this.handlers.onNotification(method, (msg.params ?? {}) as JsonObject);
    if (hasId) return this.settle(msg);
    this.handlers.onMalformed('message has neither method nor id', JSON.stringify(msg).slice(0, 200));
  }

  private settle(msg: JsonObject): void {
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    const error = msg.error as { code?: number; message?: string } | undefined;
    if (error) p.reject(new RpcError(p.method, error.code ?? -1, error.message ?? 'unknown error'));
    else p.resolve(msg.result);
  }

  private async answerServerRequest(method: string, params: JsonObject, id: number | string): Promise<void> {
    try {
      const result = await this.handlers.onServerRequest(method, params, id);
      this.send({ id, result });
    } catch (err) {
      this.send({ id, error: { code: -32603, message: (err as Error).message } });
    }
  }

  private handleExit(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    const err = new CodexExitError(code, signal, this.lastStderr());
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.handlers.onExit(code, signal);
    for (const w of this.exitWaiters.splice(0)) w();
  }

  private lastStderr(): string {
    const lines = this.stderrTail
      .trim()
      .split('\n')
      .filter((l) => !/WARNING: proceeding|bwrap|bubblewrap/i.test(l));
    return lines.slice(-3).join(' | ').slice(0, 500);
  }
}
