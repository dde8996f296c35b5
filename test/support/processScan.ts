// Every live process with its Quartet attempt tag and cwd, read straight from /proc — deliberately not through
// src/core/execution/processTree, so a broken product sweep cannot hide its own leak.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

export interface Proc {
  pid: number;
  cmd: string;
  tag: string | null;
  cwd: string | null;
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // exited, only not yet reaped
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const tag = env.find((e) => e.startsWith('QUARTET_ATTEMPT_ID='))?.slice('QUARTET_ATTEMPT_ID='.length) ?? null;
      let cwd: string | null = null;
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        cwd = null;
      }
      out.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(), tag, cwd });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** Processes of these attempts, or running anywhere under `worktreeRoot`. */
export function strayProcesses(worktreeRoot: string, ids: ReadonlySet<string>): Proc[] {
  const root = worktreeRoot + sep;
  return processes().filter((p) => (p.tag !== null && ids.has(p.tag)) || (p.cwd !== null && p.cwd.startsWith(root)));
}
