// Health of one worker host in a single ssh round trip: reachable, git and codex with versions, root writable, free disk.

import { remotePathWord, shellWord } from './remoteShell';
import { runSsh, sshFailure, type SshSettings } from './ssh';
import type { WorkerHost } from './workerConfig';

export interface HostHealth {
  host: string;
  /** Everything an attempt needs is there (no `problems`). */
  ok: boolean;
  /** ssh connected and ran the probe. */
  reachable: boolean;
  /** ssh's own error when unreachable (refused, timed out, auth, host key). */
  error: string | null;
  git: string | null;
  codex: string | null;
  /** The worktree root as configured, and as the host's shell expanded it. */
  worktreeRoot: string;
  resolvedRoot: string | null;
  writable: boolean;
  freeBytes: number | null;
  /** The login PATH there: what to fix when a tool is missing. */
  remotePath: string | null;
  /** Each thing that would stop an attempt from running there, in words a person can act on. */
  problems: string[];
  /** Worth knowing, not blocking: e.g. another Codex version than this machine's (its protocol may differ). */
  notes: string[];
  elapsedMs: number;
}

/** Below this, a worktree plus a build would likely fill the disk. */
export const MIN_FREE_BYTES = 1 << 30;

/**
 * The probe, run by `sh` whatever the login shell is. Records are `key=value` ended by NUL: a root or
 * an error may hold newlines. It never stops early, so one round trip reports every problem.
 */
export function probeScript(worktreeRoot: string): string {
  return [
    `root=${remotePathWord(worktreeRoot)}`,
    `out() { printf '%s=%s\\0' "$1" "$2"; }`,
    'out path "$PATH"',
    'out root "$root"',
    'if v=$(git --version 2>&1); then out git "$v"; else out git! "$v"; fi',
    'if command -v codex >/dev/null 2>&1; then',
    // stdout only: Codex may print warnings on stderr before its version; on failure, its last words.
    '  if v=$(codex --version 2>/dev/null </dev/null); then out codex "$(printf %s "$v" | head -n 1)";',
    '  else out codex! "$(codex --version 2>&1 </dev/null | tail -n 1)"; fi',
    'else out codex! "codex is not on PATH"; fi',
    'probe="$root/.quartet-probe-$$"',
    'if e=$(mkdir -p -- "$root" 2>&1 && : > "$probe" 2>&1 && rm -f -- "$probe" 2>&1); then out writable yes; else out writable! "$e"; fi',
    'if [ -d "$root" ]; then out freeKiB "$(df -Pk -- "$root" 2>/dev/null | awk \'NR==2 {print $4}\')"; fi',
    'out done yes',
  ].join('\n');
}

export function parseProbe(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rec of stdout.split('\0')) {
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
  }
  return out;
}

export async function preflightHost(
  worker: WorkerHost,
  settings: SshSettings,
  opts: { timeoutMs?: number; localCodexVersion?: string | null } = {},
): Promise<HostHealth> {
  const started = Date.now();
  const base: HostHealth = {
    host: worker.host,
    ok: false,
    reachable: false,
    error: null,
    git: null,
    codex: null,
    worktreeRoot: worker.worktreeRoot,
    resolvedRoot: null,
    writable: false,
    freeBytes: null,
    remotePath: null,
    problems: [],
    notes: [],
    elapsedMs: 0,
  };
  const r = await runSsh(worker.host, `sh -c ${shellWord(probeScript(worker.worktreeRoot))}`, settings, {
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
  base.elapsedMs = Date.now() - started;
  const rec = parseProbe(r.stdout);
  if (r.code !== 0 || rec.get('done') !== 'yes') {
    base.error =
      r.code === 255 || r.timedOut || !rec.has('done') ? sshFailure(r) : `the probe failed: ${sshFailure(r)}`;
    base.problems.push(`cannot reach ${worker.host} over ssh: ${base.error}`);
    return base;
  }
  base.reachable = true;
  base.remotePath = rec.get('path') ?? null;
  base.resolvedRoot = rec.get('root') ?? null;
  base.git = rec.get('git') ?? null;
  base.codex = rec.get('codex') ?? null;
  base.writable = rec.get('writable') === 'yes';
  const kib = Number(rec.get('freeKiB'));
  base.freeBytes = rec.get('freeKiB') && Number.isFinite(kib) ? kib * 1024 : null;
  if (!base.git) base.problems.push(`git is missing on ${worker.host}: ${oneLine(rec.get('git!'))}`);
  if (!base.codex)
    base.problems.push(
      `codex is missing on ${worker.host}: ${oneLine(rec.get('codex!'))} (login PATH there: ${base.remotePath ?? '?'})`,
    );
  if (!base.writable)
    base.problems.push(
      `worktree root ${worker.worktreeRoot} is not writable on ${worker.host}: ${oneLine(rec.get('writable!'))}`,
    );
  if (base.freeBytes !== null && base.freeBytes < MIN_FREE_BYTES)
    base.problems.push(
      `only ${Math.round(base.freeBytes / 2 ** 20)} MiB free under ${worker.worktreeRoot} on ${worker.host}`,
    );
  if (base.codex && opts.localCodexVersion && base.codex !== opts.localCodexVersion)
    base.notes.push(`${base.codex} there, ${opts.localCodexVersion} here: the app-server protocol may differ`);
  base.ok = base.problems.length === 0;
  return base;
}

function oneLine(s: string | undefined): string {
  const t = (s ?? '').trim().split('\n').pop() ?? '';
  return t.length > 200 ? `${t.slice(0, 200)}…` : t || 'no output';
}
