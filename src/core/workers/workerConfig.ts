// Worker hosts from the `quartet.workers` setting or WORKFLOW.md `worker:` (SPEC Appendix A), validated with errors that name the entry.

import { invalidHost } from './remoteShell';

export interface WorkerHost {
  /** An ssh destination as the user's ssh config understands it (`user@build-1`, an alias, `ssh://host:2222`). */
  host: string;
  /** Attempts at once on this host; null: only the global limit applies. */
  capacity: number | null;
  /** Where its worktrees go, on that host: absolute, or `~/…` (that host's home). */
  worktreeRoot: string;
  source: 'setting' | 'workflow';
}

/** WORKFLOW.md `worker:` as read (SPEC Appendix A keys). */
export interface WorkflowWorkerSettings {
  sshHosts: string[];
  maxConcurrentAgentsPerHost: number | null;
  /** `workspace.root` as written when it names a path on a remote host (`~/…` or absolute); else null. */
  remoteRoot: string | null;
}

export const DEFAULT_REMOTE_ROOT = '~/.quartet/worktrees';
const MAX_CAPACITY = 64;

export class WorkerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

/** Why `root` cannot be a worktree root on a host, or null. */
export function invalidRemoteRoot(root: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(root)) return 'it contains a control character (a newline, a NUL…)';
  if (root !== '~' && !root.startsWith('~/') && !root.startsWith('/'))
    return 'it must be absolute or start with ~/ (the home on that host)';
  if (root.split('/').includes('..')) return 'it must not contain ".."';
  return null;
}

const KEYS = ['host', 'capacity', 'worktreeRoot'];

/** The `quartet.workers` setting: `[{host, capacity?, worktreeRoot?}]`. Throws on the first bad entry, naming it. */
export function parseWorkersSetting(raw: unknown, name = 'quartet.workers'): WorkerHost[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new WorkerConfigError(`${name} must be a list of {host, capacity, worktreeRoot} (got ${typeof raw})`);
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const at = `${name}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new WorkerConfigError(`${at} must be an object like {"host": "user@build-1", "capacity": 4}`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !KEYS.includes(k));
    if (unknown.length)
      throw new WorkerConfigError(
        `${at} has unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${KEYS.join(', ')})`,
      );
    if (typeof e.host !== 'string')
      throw new WorkerConfigError(`${at}.host must be an ssh destination such as "user@build-1"`);
    const host = e.host.trim();
    const bad = invalidHost(host);
    if (bad) throw new WorkerConfigError(`${at}.host: ${bad}`);
    if (seen.has(host)) throw new WorkerConfigError(`${at}.host: ${host} is listed twice`);
    seen.add(host);
    return {
      host,
      capacity: capacity(e.capacity, `${at}.capacity`),
      worktreeRoot: root(e.worktreeRoot, `${at}.worktreeRoot`),
      source: 'setting' as const,
    };
  });
}

function capacity(v: unknown, at: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_CAPACITY)
    throw new WorkerConfigError(`${at} must be a whole number from 1 to ${MAX_CAPACITY} (got ${JSON.stringify(v)})`);
  return v;
}

function root(v: unknown, at: string): string {
  if (v === undefined || v === null || v === '') return DEFAULT_REMOTE_ROOT;
  if (typeof v !== 'string')
    throw new WorkerConfigError(`${at} must be a path on that host (got ${JSON.stringify(v)})`);
  const why = invalidRemoteRoot(v.trim());
  if (why) throw new WorkerConfigError(`${at} ${JSON.stringify(v)}: ${why}`);
  return v.trim();
}

export function workflowWorkers(w: WorkflowWorkerSettings): WorkerHost[] {
  return w.sshHosts.map((host) => ({
    host,
    capacity: w.maxConcurrentAgentsPerHost,
    worktreeRoot: w.remoteRoot ?? DEFAULT_REMOTE_ROOT,
    source: 'workflow' as const,
  }));
}

/**
 * The hosts in effect: the user's setting, when set, replaces WORKFLOW.md's list (a setting beats the
 * repository, as everywhere in Quartet); otherwise the workflow's. An empty list: everything runs locally.
 */
export function effectiveWorkers(setting: WorkerHost[] | null, workflow: WorkflowWorkerSettings | null): WorkerHost[] {
  if (setting && setting.length) return setting;
  return workflow ? workflowWorkers(workflow) : [];
}
