// Keeps one live SupervisorClient for the repository: connects, forwards snapshots, reconnects when it drops.

import { SupervisorClient } from '../core/client/supervisorClient';
import type { SupervisorSettings } from '../core/contract/settings';
import type { Snapshot } from '../shared/model';
import { Disposable, DisposableStore, toDisposable } from './lifecycle';
import type { ErrorReporter, QuartetLog } from './logging';
import type { SnapshotStore } from './snapshotStore';

const RECONNECT_BASE_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const RECONNECT_ERROR_KEY = 'supervisor/reconnect';

export class NotConnectedError extends Error {
  constructor() {
    super(
      "Quartet is not connected to this repository's supervisor yet; try again in a moment or run Quartet: Refresh.",
    );
    this.name = 'NotConnectedError';
  }
}

export interface ConnectionOptions {
  repo: string;
  supervisorEntry: string;
  /** Read at every (re)connect: the supervisor a reconnect starts gets the current environment. */
  env: () => Record<string, string>;
  settings: () => SupervisorSettings;
  store: SnapshotStore;
  log: QuartetLog;
  errors: ErrorReporter;
}

export class SupervisorConnection extends Disposable {
  private client: SupervisorClient | undefined;
  private readonly clientScope = this._register(new DisposableStore());
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly opts: ConnectionOptions) {
    super();
    this._register(toDisposable(() => clearTimeout(this.reconnectTimer)));
  }

  get repo(): string {
    return this.opts.repo;
  }

  get isConnected(): boolean {
    return this.client !== undefined;
  }

  /** The live client, or a NotConnectedError that commands show as-is. */
  requireClient(): SupervisorClient {
    if (!this.client) throw new NotConnectedError();
    return this.client;
  }

  /** First connection; throws so the caller can show the error state. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Pushes the current settings; a failure is reported but never breaks the connection. */
  async configure(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.configure(this.opts.settings());
    } catch (err) {
      this.opts.errors.report('could not apply the Quartet settings to the supervisor', err);
    }
  }

  /** Reconnects at once if the connection is down, else reloads the snapshot (Refresh / Try Again). */
  async resync(): Promise<void> {
    if (this.isDisposed) return;
    const client = this.client;
    if (!client) {
      clearTimeout(this.reconnectTimer);
      await this.connect();
      return;
    }
    this.accept(client, await client.snapshot());
  }

  private async connect(): Promise<void> {
    const { repo, supervisorEntry, log } = this.opts;
    log.info(`connecting to the supervisor of ${repo}`);
    const client = await SupervisorClient.connect({
      repo,
      supervisorEntry,
      env: this.opts.env(),
      log: (line) => log.info(`[client] ${line}`),
    });
    if (this.isDisposed) {
      client.close();
      return;
    }
    this.clientScope.clear();
    this.client = client;
    this.failures = 0;
    this.opts.errors.forget(RECONNECT_ERROR_KEY);
    this.clientScope.add(toDisposable(() => client.close()));
    this.clientScope.add(client.onSnapshot((s) => this.accept(client, s)));
    this.clientScope.add(client.onDisconnect((err) => this.onDisconnect(client, err)));
    log.info(
      `connected to the supervisor of ${repo} (${client.handshake.action}, pid ${client.handshake.supervisor.pid ?? '?'}, build ${client.handshake.supervisor.stamp?.buildId ?? 'from before version checks'})`,
    );
    // Kept: an older build still runs attempts; it restarts once they end, this connection drops and the reconnect clears it.
    this.opts.store.setNotice(client.handshake.warning ?? undefined);
    await this.configure();
    try {
      // Don't wait for the first push to draw the tree.
      this.accept(client, await client.snapshot());
    } catch (err) {
      log.error('could not read the first snapshot (waiting for the pushed one)', err);
    }
  }

  /** Ignores snapshots of a replaced client and ones older than what the view already shows. */
  private accept(client: SupervisorClient, snapshot: Snapshot): void {
    if (client !== this.client) return;
    const current = this.opts.store.current;
    if (current && current.repo === snapshot.repo && snapshot.generatedAt < current.generatedAt) return;
    this.opts.store.set(snapshot);
  }

  private onDisconnect(client: SupervisorClient, err?: Error): void {
    if (client !== this.client || this.isDisposed) return;
    this.client = undefined;
    this.clientScope.clear();
    this.opts.log.warn(
      `lost the supervisor connection${err ? `: ${err.message}` : ''}; reconnecting (this restarts the supervisor if it died)`,
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.isDisposed) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.failures);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.failures++;
        this.opts.errors.report('could not reconnect to the Quartet supervisor', err, { key: RECONNECT_ERROR_KEY });
        this.scheduleReconnect();
      });
    }, delay);
  }
}
