// Puts a stable `codex-linux-sandbox` alias on the PATH of every Codex process Quartet starts, so concurrent starts cannot lose it.

import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  readlinkSync,
  realpathSync,
  renameSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';

/**
 * Why: at every start, Codex (0.169) makes a PATH alias `codex-linux-sandbox` → itself in a fresh directory
 * under CODEX_HOME/tmp/arg0, and sweeps the stale ones, taking each one's lock. Two Codex processes starting
 * together race there: one's sweep holds the other's new lock, which then "proceeds, even though we could not
 * create PATH aliases: operation would block", and every sandboxed command of that process fails with
 * `bwrap: execvp codex-linux-sandbox: No such file or directory` (an attempt that edits nothing, a check that
 * fails for no reason). Measured here: 2 of 112 concurrent `codex sandbox` runs without the alias, 0 of 80 with it.
 * bwrap finds the helper by name on PATH, so a fixed alias behind Codex's own one makes the race harmless.
 */
const HELPER = 'codex-linux-sandbox';

const TRIPLES: Readonly<Record<string, string>> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
};

function isElf(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === '\x7fELF';
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The native binary behind a codex command: the file itself when it is one, or, for npm's `codex.js` launcher,
 * the platform package's `vendor/<triple>/bin/codex` that the launcher runs. Null when neither is found.
 */
export function nativeCodexBinary(codexPath: string): string | null {
  let real: string;
  try {
    real = realpathSync(codexPath);
  } catch {
    return null;
  }
  // Only a binary named like Codex: a custom command's `node` or `sh` must never become the sandbox helper.
  if (isElf(real)) return /^codex/.test(basename(real)) ? real : null;
  const triple = TRIPLES[`${process.platform}-${process.arch}`];
  if (!triple || basename(real) !== 'codex.js') return null;
  const packageRoot = dirname(dirname(real));
  const candidates = [join(packageRoot, 'vendor', triple, 'bin', 'codex')];
  try {
    const platformPackage = createRequire(join(packageRoot, 'package.json')).resolve(
      `@openai/codex-${process.platform}-${process.arch}/package.json`,
    );
    candidates.unshift(join(dirname(platformPackage), 'vendor', triple, 'bin', 'codex'));
  } catch {
    // not installed as a separate package: the vendor folder inside @openai/codex is the other layout
  }
  return candidates.find((c) => isElf(c)) ?? null;
}

/** Where the alias lives: outside every directory a sandboxed command may write (the worktree, temp dirs). */
function helperDir(native: string, env: Record<string, string | undefined>): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  const key = createHash('sha256').update(native).digest('hex').slice(0, 16);
  return join(cache, 'quartet', 'sandbox-helper', key);
}

const made = new Map<string, string | null>();

/** The directory holding `codex-linux-sandbox` → the native binary (made once, atomically); null if it cannot be. */
export function sandboxHelperDir(codexPath: string, env: Record<string, string | undefined>): string | null {
  if (process.platform !== 'linux') return null;
  const key = `${codexPath}\0${env.XDG_CACHE_HOME ?? ''}\0${env.HOME ?? ''}`;
  if (made.has(key)) return made.get(key) ?? null;
  const native = nativeCodexBinary(codexPath);
  let dir: string | null = null;
  if (native) {
    try {
      dir = helperDir(native, env);
      const link = join(dir, HELPER);
      if (!existsSync(link) || readlinkSync(link) !== native) {
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        const tmp = `${link}.${process.pid}.${Date.now()}`;
        symlinkSync(native, tmp);
        renameSync(tmp, link); // atomic: a concurrent Codex start sees the old alias or the new one
      }
    } catch {
      dir = null;
    }
  }
  made.set(key, dir);
  return dir;
}

/** `env` with the helper's directory after the existing PATH entries of Codex's own alias (which Codex prepends). */
export function withSandboxHelper<E extends Record<string, string | undefined>>(codexPath: string, env: E): E {
  const dir = sandboxHelperDir(codexPath, env);
  if (!dir) return env;
  const parts = (env.PATH ?? '').split(delimiter).filter((p) => p && p !== dir);
  return { ...env, PATH: [...parts, dir].join(delimiter) };
}
