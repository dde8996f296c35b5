// SPEC §5.3 core keys (tracker, polling, workspace, hooks, agent, codex; worker from Appendix A) with the spec's defaults (§6.4).

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configError } from './errors';
import { envRef, isMap, type ConfigReader, type RawMap } from './values';
import type { AgentSettings, CodexSettings, HookSettings, TrackerSettings } from './types';
import { invalidHost } from '../workers/remoteShell';
import { invalidRemoteRoot, type WorkflowWorkerSettings } from '../workers/workerConfig';

export const CORE_KEYS = ['tracker', 'polling', 'workspace', 'hooks', 'agent', 'codex', 'worker', 'server'] as const;

/** Flat tracker keys of earlier SPEC drafts (Linear): accepted and moved under `provider`. */
const LEGACY_TRACKER_KEYS = ['api_key', 'endpoint', 'project_slug'];

export function readTracker(r: ConfigReader, root: RawMap): TrackerSettings {
  const t = r.section(root, 'tracker', 'tracker');
  const providerRaw = r.section(t, 'provider', 'tracker.provider');
  const provider: RawMap = { ...providerRaw };
  for (const k of LEGACY_TRACKER_KEYS) {
    if (t[k] === undefined || provider[k] !== undefined) continue;
    provider[k] = t[k];
    r.notes.push(`tracker.${k} is the old location; read as tracker.provider.${k}`);
  }
  for (const k of Object.keys(provider)) r.present.add(`tracker.provider.${k}`);
  const providerEnvRefs: Record<string, string> = {};
  const resolved = resolveEnvRefs(provider, '', r.env, providerEnvRefs) as RawMap;
  const tracker: TrackerSettings = {
    kind: r.str(t, 'kind', 'tracker.kind', { blankIsNull: true })?.trim() ?? null,
    provider: resolved,
    providerEnvRefs,
    requiredLabels: r.strings(t, 'required_labels', 'tracker.required_labels') ?? [],
    activeStates: r.strings(t, 'active_states', 'tracker.active_states'),
    terminalStates: r.strings(t, 'terminal_states', 'tracker.terminal_states'),
  };
  r.unknownKeys(t, 'tracker', [
    'kind',
    'provider',
    'required_labels',
    'active_states',
    'terminal_states',
    ...LEGACY_TRACKER_KEYS,
  ]);
  return tracker;
}

/** Whole-string `$VAR` values anywhere in the provider map become the variable's value; unset or empty → null (missing). */
function resolveEnvRefs(v: unknown, at: string, env: NodeJS.ProcessEnv, refs: Record<string, string>): unknown {
  if (typeof v === 'string') {
    const name = envRef(v);
    if (!name) return v;
    refs[at] = name;
    return env[name] ? env[name] : null;
  }
  if (Array.isArray(v)) return v.map((x, i) => resolveEnvRefs(x, `${at}[${i}]`, env, refs));
  if (isMap(v))
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, resolveEnvRefs(x, at ? `${at}.${k}` : k, env, refs)]),
    );
  return v;
}

export function readPolling(r: ConfigReader, root: RawMap): { intervalMs: number } {
  const p = r.section(root, 'polling', 'polling');
  r.unknownKeys(p, 'polling', ['interval_ms']);
  return { intervalMs: r.int(p, 'interval_ms', 'polling.interval_ms', 30_000, { min: 1 }) };
}

/** SPEC §13.7 extension: `server.port` starts the HTTP API (`quartet serve`; its `--port` wins); null = not set. */
export function readServer(r: ConfigReader, root: RawMap): { port: number | null } {
  const sv = r.section(root, 'server', 'server');
  r.unknownKeys(sv, 'server', ['port']);
  return {
    port:
      sv.port === undefined || sv.port === null ? null : r.int(sv, 'port', 'server.port', 0, { min: 0, max: 65535 }),
  };
}

export function readWorkspace(r: ConfigReader, root: RawMap): { root: string } {
  const w = r.section(root, 'workspace', 'workspace');
  r.unknownKeys(w, 'workspace', ['root']);
  return { root: r.path(w, 'root', 'workspace.root', join(tmpdir(), 'symphony_workspaces')) };
}

export function readHooks(r: ConfigReader, root: RawMap): HookSettings {
  const h = r.section(root, 'hooks', 'hooks');
  r.unknownKeys(h, 'hooks', ['after_create', 'before_run', 'after_run', 'before_remove', 'timeout_ms']);
  const script = (k: string): string | null => r.str(h, k, `hooks.${k}`, { blankIsNull: true });
  return {
    afterCreate: script('after_create'),
    beforeRun: script('before_run'),
    afterRun: script('after_run'),
    beforeRemove: script('before_remove'),
    timeoutMs: r.int(h, 'timeout_ms', 'hooks.timeout_ms', 60_000, { min: 1 }),
  };
}

export function readAgent(r: ConfigReader, root: RawMap): AgentSettings {
  const a = r.section(root, 'agent', 'agent');
  r.unknownKeys(a, 'agent', [
    'max_concurrent_agents',
    'max_turns',
    'max_retry_backoff_ms',
    'max_concurrent_agents_by_state',
  ]);
  const byState: Record<string, number> = {};
  const limits = r.section(a, 'max_concurrent_agents_by_state', 'agent.max_concurrent_agents_by_state');
  if (Object.keys(limits).length) r.present.add('agent.max_concurrent_agents_by_state');
  for (const [state, limit] of Object.entries(limits)) {
    const n = typeof limit === 'string' && /^\d+$/.test(limit.trim()) ? Number(limit) : limit;
    // SPEC §5.3.5: invalid entries are ignored, not fatal.
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || !state.trim()) {
      r.notes.push(
        `agent.max_concurrent_agents_by_state.${state} ignored: expected a positive integer (got ${JSON.stringify(limit)})`,
      );
      continue;
    }
    byState[state.trim().toLowerCase()] = n;
  }
  return {
    maxConcurrentAgents: r.int(a, 'max_concurrent_agents', 'agent.max_concurrent_agents', 10, { min: 1 }),
    maxTurns: r.int(a, 'max_turns', 'agent.max_turns', 20, { min: 1 }),
    maxRetryBackoffMs: r.int(a, 'max_retry_backoff_ms', 'agent.max_retry_backoff_ms', 300_000, { min: 0 }),
    maxConcurrentAgentsByState: byState,
  };
}

export function readCodex(r: ConfigReader, root: RawMap): CodexSettings {
  const c = r.section(root, 'codex', 'codex');
  r.unknownKeys(c, 'codex', [
    'command',
    'approval_policy',
    'thread_sandbox',
    'turn_sandbox_policy',
    'turn_timeout_ms',
    'read_timeout_ms',
    'stall_timeout_ms',
  ]);
  const policy = c.turn_sandbox_policy;
  if (policy !== undefined && policy !== null && !(isMap(policy) && typeof policy.type === 'string')) {
    throw configError(
      'codex.turn_sandbox_policy',
      'a Codex SandboxPolicy map with a "type" (e.g. {type: workspaceWrite, networkAccess: true})',
      policy,
    );
  }
  if (isMap(policy)) r.present.add('codex.turn_sandbox_policy');
  return {
    command: r.str(c, 'command', 'codex.command') ?? 'codex app-server',
    // Quartet drives Codex with these two; others (untrusted, granular maps) would change its approval handling silently.
    approvalPolicy: r.oneOf(c, 'approval_policy', 'codex.approval_policy', ['never', 'on-request'] as const, null),
    threadSandbox: r.oneOf(
      c,
      'thread_sandbox',
      'codex.thread_sandbox',
      ['read-only', 'workspace-write', 'danger-full-access'] as const,
      null,
    ),
    turnSandboxPolicy: isMap(policy) ? policy : null,
    turnTimeoutMs: r.int(c, 'turn_timeout_ms', 'codex.turn_timeout_ms', 3_600_000, { min: 1 }),
    readTimeoutMs: r.int(c, 'read_timeout_ms', 'codex.read_timeout_ms', 5_000, { min: 1 }),
    stallTimeoutMs: r.int(c, 'stall_timeout_ms', 'codex.stall_timeout_ms', 300_000),
  };
}

/** SPEC Appendix A: `worker.ssh_hosts` and `worker.max_concurrent_agents_per_host`; `workspace.root` as written is the root on those hosts. */
export function readWorker(r: ConfigReader, root: RawMap): WorkflowWorkerSettings {
  const w = r.section(root, 'worker', 'worker');
  r.unknownKeys(w, 'worker', ['ssh_hosts', 'max_concurrent_agents_per_host']);
  const hosts = (r.strings(w, 'ssh_hosts', 'worker.ssh_hosts') ?? []).map((h) => h.trim());
  hosts.forEach((h, i) => {
    const bad = invalidHost(h);
    if (bad) throw configError(`worker.ssh_hosts[${i}]`, `an ssh destination (${bad})`, h);
    if (hosts.indexOf(h) !== i) throw configError(`worker.ssh_hosts[${i}]`, 'each host once', h);
  });
  const cap =
    w.max_concurrent_agents_per_host === undefined
      ? null
      : r.int(w, 'max_concurrent_agents_per_host', 'worker.max_concurrent_agents_per_host', 1, { min: 1, max: 64 });
  // The local reader already expanded `~` here; a worker needs the text as written, expanded on that host.
  const ws = isMap(root.workspace) ? root.workspace.root : undefined;
  const written = typeof ws === 'string' ? ws.trim() : '';
  const remoteRoot = hosts.length && written && !invalidRemoteRoot(written) ? written : null;
  if (hosts.length && written && !remoteRoot)
    r.notes.push(
      `workspace.root ${JSON.stringify(written)} cannot be a root on worker hosts (${invalidRemoteRoot(written)}); they use ~/.quartet/worktrees`,
    );
  return { sshHosts: hosts, maxConcurrentAgentsPerHost: cap, remoteRoot };
}
