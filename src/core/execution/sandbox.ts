// Runs what Quartet executes on an attempt's behalf (checks, hooks) inside Codex's own sandbox, with a minimal environment.

import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCodexBinary } from './codexBinary';
import { withSandboxHelper } from './sandboxHelper';

/**
 * The only variables a sandboxed check or hook gets from the attempt's environment: enough to find
 * `node`/`npm` and behave like a CI run, never a token (`*_TOKEN`, `*_KEY`, `SSH_AUTH_SOCK`, cloud
 * credentials…). CODEX_HOME goes to `codex sandbox` so it finds the person's config; TMPDIR is
 * replaced by a fresh directory per run.
 */
export const SANDBOX_ENV_KEYS = [
  'PATH',
  'HOME',
  'CODEX_HOME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TERM',
  'NODE_OPTIONS',
] as const;
/** Fixed values on top: a check is a non-interactive CI run. */
export const SANDBOX_ENV_FIXED: Readonly<Record<string, string>> = {
  CI: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  NO_UPDATE_NOTIFIER: '1',
  npm_config_update_notifier: 'false',
};

/** The attempt's environment reduced to SANDBOX_ENV_KEYS + SANDBOX_ENV_FIXED (+ `extra`, e.g. the attempt tag). */
export function minimalEnv(
  env: Record<string, string | undefined>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of SANDBOX_ENV_KEYS) {
    const v = env[key];
    if (typeof v === 'string') out[key] = v;
  }
  return { ...out, ...SANDBOX_ENV_FIXED, ...extra };
}

/**
 * Permission profile "quartet-checks", declared on the command line so the person's config.toml stays
 * untouched: `:workspace` (writes only in the worktree and temp dirs) plus a network that only reaches
 * the sandbox's own loopback. Measured with 0.169.0 (docs/security.md §2): with the `network_proxy`
 * feature, commands run in their own network namespace: a test server can listen on and connect to
 * 127.0.0.1 inside, while the host's loopback services, the LAN and Unix sockets (EPERM) stay out of
 * reach, and the proxy allows no domain. `allow_local_binding` puts 127.0.0.1 in NO_PROXY so a test
 * suite's own localhost requests go direct; the proxy still refuses local addresses (no allowlist).
 */
export const LOOPBACK_PROFILE = 'quartet-checks';
/** The profile's declaration and selection as Codex config overrides (also given to the agent's `codex app-server`). */
export const PROFILE_CONFIG_ARGS: readonly string[] = [
  '--enable',
  'network_proxy',
  '-c',
  `permissions.${LOOPBACK_PROFILE}.extends=":workspace"`,
  '-c',
  `permissions.${LOOPBACK_PROFILE}.network.enabled=true`,
  '-c',
  `permissions.${LOOPBACK_PROFILE}.network.mode="limited"`,
  '-c',
  `permissions.${LOOPBACK_PROFILE}.network.allow_local_binding=true`,
  // Codex refuses [permissions] profiles without a default; the explicit -P below is what applies.
  '-c',
  `default_permissions="${LOOPBACK_PROFILE}"`,
];
const LOOPBACK_ARGS = [...PROFILE_CONFIG_ARGS, '-P', LOOPBACK_PROFILE];

/**
 * The agent's `codex app-server` argv with the same profile: inserted after `app-server` when the attempt
 * uses `workspace-write` and the probe found the profile usable; null: leave the argv (and the thread's
 * legacy `sandbox`) as they are. Codex applies a profile only when `thread/start` carries no `sandbox`.
 */
export function withAgentProfile(argv: string[], sandboxMode: string, plan: SandboxPlan | null): string[] | null {
  if (sandboxMode !== 'workspace-write' || argv[1] !== 'app-server') return null;
  if (plan?.kind !== 'sandboxed' || plan.sandbox.profile !== LOOPBACK_PROFILE) return null;
  return [...argv.slice(0, 2), ...PROFILE_CONFIG_ARGS, ...argv.slice(2)];
}
/** The fallback when the loopback profile cannot start (no network namespaces): no network at all. */
const WORKSPACE_ARGS = ['-P', ':workspace'];

export interface Sandbox {
  codex: string;
  /** `quartet-checks` (loopback only) or `:workspace` (no network). */
  profile: string;
  /** Arguments between `codex sandbox` and `-C`. */
  args: string[];
}

export type SandboxPlan =
  | { kind: 'sandboxed'; sandbox: Sandbox }
  /** The person's machine setting allows running without it (the sandbox is unavailable). */
  | { kind: 'unsandboxed'; why: string }
  | { kind: 'unavailable'; why: string };

const PROBE_TIMEOUT_MS = 30_000;
const FAILURE_CACHE_MS = 60_000;
const probes = new Map<string, { at: number; result: Promise<Sandbox | string> }>();

/** A fresh TMPDIR for one sandboxed run. Codex also refuses a CODEX_HOME inside TMPDIR, which a fresh directory never contains. */
export function withSandboxTmp<T>(run: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), 'quartet-sbx-'));
  return run(tmp).finally(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));
}

/** argv (file + args) that runs `command` under the sandbox in `cwd`, and the environment `codex sandbox` gets. */
export function sandboxArgv<E extends Record<string, string | undefined>>(
  s: Sandbox,
  cwd: string,
  command: string[],
  env: E,
): { file: string; args: string[]; env: E } {
  return {
    file: s.codex,
    args: ['sandbox', ...s.args, '-C', cwd, '--', ...command],
    env: withSandboxHelper(s.codex, env),
  };
}

async function probeOnce(codex: string, env: Record<string, string>): Promise<Sandbox | string> {
  const errors: string[] = [];
  for (const [profile, args] of [
    [LOOPBACK_PROFILE, LOOPBACK_ARGS],
    [':workspace', WORKSPACE_ARGS],
  ] as const) {
    const s: Sandbox = { codex, profile, args: [...args] };
    const r = await withSandboxTmp((tmp) => {
      const { file, args: argv, env: runEnv } = sandboxArgv(s, tmp, ['sh', '-c', 'exit 0'], { ...env, TMPDIR: tmp });
      return execa(file, argv, {
        cwd: tmp,
        env: runEnv,
        extendEnv: false,
        reject: false,
        timeout: PROBE_TIMEOUT_MS,
        stdin: 'ignore',
        all: true,
      });
    });
    if (r.exitCode === 0) return s;
    const why = String(r.all ?? r.message ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^\d+: |^Stack backtrace:|^WARNING: proceeding/.test(l))
      .slice(-2)
      .join(' / ');
    errors.push(`${profile}: ${why || (r.timedOut ? 'timed out' : `exit ${r.exitCode ?? '?'}`)}`);
  }
  return `\`codex sandbox\` failed its self-test (${errors.join('; ')})`;
}

/**
 * Which sandbox to run in, probed once per supervisor (`codex sandbox … -- sh -c 'exit 0'` for each profile)
 * with the same Codex binary and CODEX_HOME as the attempt. `allowUnsandboxed`: the person's machine
 * setting `quartet.checks.allowUnsandboxed`, used only when the sandbox is unavailable.
 */
export async function sandboxPlan(
  env: Record<string, string>,
  repo: string,
  allowUnsandboxed: boolean,
): Promise<SandboxPlan> {
  const codex = await resolveCodexBinary({ env, repo });
  let found: Sandbox | string;
  if (!codex.ok) found = codex.error;
  else {
    const probeEnv = minimalEnv(env);
    const key = JSON.stringify([codex.path, probeEnv.CODEX_HOME ?? null, probeEnv.HOME ?? null]);
    let hit = probes.get(key);
    if (!hit || (Date.now() - hit.at > FAILURE_CACHE_MS && typeof (await hit.result) === 'string')) {
      hit = { at: Date.now(), result: probeOnce(codex.path, probeEnv) };
      probes.set(key, hit);
    }
    found = await hit.result;
  }
  if (typeof found !== 'string') return { kind: 'sandboxed', sandbox: found };
  return allowUnsandboxed ? { kind: 'unsandboxed', why: found } : { kind: 'unavailable', why: found };
}

/** The one line a check or hook result shows when nothing ran because the sandbox is unavailable. */
export function notRunMessage(why: string): string {
  return `not run: the sandbox is unavailable (${why}); set quartet.checks.allowUnsandboxed to run checks and hooks without it`;
}
