// The worker hosts the supervisor places attempts on: their settings, health (preflight) and what each runs now.

import type { WorkerView } from '../../shared/model';
import { preflightHost } from './preflight';
import { LOCAL_HOST, type HostSlot } from './placement';
import { defaultSshSettings, type SshSettings } from './ssh';
import type { WorkerHost } from './workerConfig';

/** After a host dropped or failed its preflight: how long until it is probed again. */
export const RECHECK_MS = 30_000;

interface Health {
  healthy: boolean;
  problem: string | null;
  probing: boolean;
  timer: NodeJS.Timeout | null;
}

export interface WorkerPoolDeps {
  env: NodeJS.ProcessEnv;
  /** A host became usable (or not): placement may change. */
  onChange(): void;
  log(line: string): void;
}

export class WorkerPool {
  private hosts: WorkerHost[] = [];
  private sshConfig: string | null = null;
  private sshSettings: SshSettings | null = null;
  private readonly health = new Map<string, Health>();

  constructor(private readonly deps: WorkerPoolDeps) {}

  /** Replaces the host list (the `quartet.workers` setting); new hosts are probed before they take work. */
  configure(hosts: WorkerHost[], sshConfig: string | null): void {
    if (sshConfig !== this.sshConfig) this.sshSettings = null;
    this.sshConfig = sshConfig;
    this.hosts = hosts;
    for (const [h, v] of this.health)
      if (!hosts.some((w) => w.host === h)) {
        if (v.timer) clearTimeout(v.timer);
        this.health.delete(h);
      }
    for (const w of hosts) if (!this.health.has(w.host)) void this.probe(w.host);
  }

  get configured(): readonly WorkerHost[] {
    return this.hosts;
  }

  worker(host: string): WorkerHost | undefined {
    return this.hosts.find((w) => w.host === host);
  }

  settings(): SshSettings {
    const defaults = (): SshSettings => defaultSshSettings(this.deps.env);
    this.sshSettings ??= { ...defaults(), ...(this.sshConfig ? { configFile: this.sshConfig } : {}) };
    return this.sshSettings;
  }

  healthy(host: string): boolean {
    return this.health.get(host)?.healthy === true;
  }

  /** The connection dropped under a running attempt: the host takes nothing until a preflight passes again. */
  lost(host: string, why: string): void {
    const h = this.health.get(host);
    if (!h) return;
    h.healthy = false;
    h.problem = why;
    this.deps.log(`worker ${host} lost: ${why}`);
    this.recheckLater(host);
    this.deps.onChange();
  }

  /** This machine (capacity `localCapacity`) first, then each host; `running(host)` counts its active attempts. */
  slots(localCapacity: number, running: (host: string) => number): HostSlot[] {
    return [
      { host: LOCAL_HOST, capacity: localCapacity, running: running(LOCAL_HOST), healthy: true },
      ...this.hosts.map((w) => ({
        host: w.host,
        capacity: w.capacity,
        running: running(w.host),
        healthy: this.healthy(w.host),
      })),
    ];
  }

  views(running: (host: string) => number): WorkerView[] {
    return this.hosts.map((w) => ({
      host: w.host,
      capacity: w.capacity,
      running: running(w.host),
      healthy: this.healthy(w.host),
      problem: this.health.get(w.host)?.problem ?? (this.healthy(w.host) ? null : 'preflight running'),
    }));
  }

  private async probe(host: string): Promise<void> {
    const h: Health = this.health.get(host) ?? { healthy: false, problem: null, probing: false, timer: null };
    this.health.set(host, h);
    const worker = this.worker(host);
    if (h.probing || !worker) return;
    h.probing = true;
    try {
      const r = await preflightHost(worker, this.settings());
      h.healthy = r.ok;
      h.problem = r.ok ? null : r.problems.join('; ');
      this.deps.log(`worker ${host} preflight: ${r.ok ? `ok (${r.codex ?? '?'})` : h.problem}`);
    } catch (err) {
      h.healthy = false;
      h.problem = (err as Error).message;
    } finally {
      h.probing = false;
    }
    if (this.health.get(host) !== h) return;
    if (!h.healthy) this.recheckLater(host);
    this.deps.onChange();
  }

  private recheckLater(host: string): void {
    const h = this.health.get(host);
    if (!h || h.timer) return;
    h.timer = setTimeout(() => {
      h.timer = null;
      void this.probe(host);
    }, RECHECK_MS);
    h.timer.unref();
  }

  dispose(): void {
    for (const h of this.health.values()) if (h.timer) clearTimeout(h.timer);
    this.health.clear();
  }
}
