// Test support: `quartet autopilot` attached as a separate process, and a grep of a folder for a leaked secret.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './repoHarness';

export interface AttachedCli {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms: number): Promise<void>;
  exit: Promise<number | null>;
}

/** Runs `dist/cli.js args` with `env`, collecting stdout + stderr. */
export function attachCli(args: string[], env: Record<string, string>): AttachedCli {
  const child = spawn(process.execPath, [join(DIST, 'cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    async waitFor(re, ms) {
      const end = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`no ${re} in CLI output:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exit,
  };
}

/** Every file under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesContaining(p, needle));
    else if (st.isFile() && st.size < 64 * 1024 * 1024 && readFileSync(p).includes(needle)) out.push(p);
  }
  return out;
}
