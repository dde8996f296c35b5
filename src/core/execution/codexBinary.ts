// Finds the Codex CLI (setting → QUARTET_CODEX → PATH → the repo's node_modules/.bin → Quartet's own pinned copy) and preflights it.

import { execa } from 'execa';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, isAbsolute, basename } from 'node:path';

export type CodexResolution = { ok: true; path: string; version: string } | { ok: false; error: string };

export const CODEX_INSTALL_HINT =
  'Choose the codex binary (setting quartet.codex.path, or QUARTET_CODEX), or install it with `npm install -g @openai/codex@0.169.0`.';

export interface CodexLookup {
  configured?: string | null;
  env: NodeJS.ProcessEnv;
  repo?: string | null;
  /**
   * Tried last: the codex pinned next to Quartet itself (its checkout's or its extension folder's
   * node_modules/.bin). VS Code's server hands the extension host a login shell's PATH, which lacks
   * the node_modules/.bin that `npm start` put on the launcher's PATH.
   */
  fallbacks?: readonly string[];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && executable(candidate)) return candidate;
  }
  return null;
}

/** Candidate paths in resolution order, without running anything. */
export function codexCandidates(opts: CodexLookup): string[] {
  const out: string[] = [];
  if (opts.configured) out.push(opts.configured);
  if (opts.env.QUARTET_CODEX) out.push(opts.env.QUARTET_CODEX);
  const fromPath = onPath('codex', opts.env);
  if (fromPath) out.push(fromPath);
  if (opts.repo) out.push(join(opts.repo, 'node_modules', '.bin', 'codex'));
  for (const fallback of opts.fallbacks ?? []) if (!out.includes(fallback)) out.push(fallback);
  return out;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; result: Promise<CodexResolution> }>();

/**
 * Resolves and runs `codex --version`; the error text says how to install it. Successful answers are
 * cached for a minute: a launch of four attempts would otherwise pay for five `--version` runs.
 */
export function resolveCodexBinary(opts: CodexLookup): Promise<CodexResolution> {
  const key = JSON.stringify([
    opts.configured ?? null,
    opts.env.QUARTET_CODEX ?? null,
    opts.env.PATH ?? null,
    opts.repo ?? null,
    opts.fallbacks ?? [],
  ]);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.result;
  const result = resolveNow(opts);
  cache.set(key, { at: Date.now(), result });
  void result.then((r) => {
    if (!r.ok) cache.delete(key); // a fresh install must be noticed at once
  });
  return result;
}

async function resolveNow(opts: CodexLookup): Promise<CodexResolution> {
  const tried: string[] = [];
  for (const candidate of codexCandidates(opts)) {
    const path = isAbsolute(candidate) ? candidate : (onPath(candidate, opts.env) ?? candidate);
    tried.push(path);
    if (!existsSync(path)) continue;
    const r = await execa(path, ['--version'], {
      env: opts.env,
      extendEnv: false,
      reject: false,
      timeout: 20_000,
      stdin: 'ignore',
    });
    if (r.exitCode === 0) return { ok: true, path, version: String(r.stdout).trim() };
  }
  const where = tried.length ? ` (tried ${tried.join(', ')})` : ' (not on PATH)';
  return { ok: false, error: `Codex CLI not found${where}. ${CODEX_INSTALL_HINT}` };
}

/** Splits a command line like a POSIX shell would for simple quoting ('…', "…", backslash). */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
    }
  }
  if (quote) throw new Error(`unterminated quote in command: ${command}`);
  if (has || cur) out.push(cur);
  return out;
}

/** argv for a configured Codex command, with a leading bare `codex` replaced by the resolved binary. */
export function codexArgv(command: string, resolvedCodex: string | null): string[] {
  const argv = splitCommand(command);
  if (argv.length === 0) throw new Error('the Codex command is empty');
  if (resolvedCodex && basename(argv[0] as string) === 'codex' && !isAbsolute(argv[0] as string))
    argv[0] = resolvedCodex;
  return argv;
}
