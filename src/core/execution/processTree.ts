// Process hygiene: find every descendant of a process (and every process tagged with an attempt) and end them.

import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of `pid` from /proc, or null when it is gone (Linux; elsewhere returns null). */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** Every live descendant of `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Pids whose environment has `name=value`: finds processes that escaped their group or were reparented. */
export function pidsWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      if (env.includes(needle)) out.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** Every process carrying `name=…` in its environment, grouped by value (one pass over /proc). */
export function pidsByEnvValue(name: string): Map<string, number[]> {
  const prefix = `${name}=`;
  const out = new Map<string, number[]>();
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    try {
      const entry = readFileSync(`/proc/${pid}/environ`, 'latin1')
        .split('\0')
        .find((e) => e.startsWith(prefix));
      if (entry === undefined) continue;
      const value = entry.slice(prefix.length);
      out.set(value, [...(out.get(value) ?? []), pid]);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Ends a process group, every descendant of its leader, and every process tagged with `tag`:
 * SIGTERM first, SIGKILL after `graceMs` for whatever is still alive.
 */
export async function killTree(
  rootPid: number | null,
  tag?: { name: string; value: string },
  graceMs = 2000,
): Promise<void> {
  const targets = new Set<number>();
  const collect = (): void => {
    if (rootPid) {
      targets.add(rootPid);
      for (const d of descendants(rootPid)) targets.add(d);
    }
    if (tag) for (const p of pidsWithEnv(tag.name, tag.value)) targets.add(p);
  };
  collect();
  if (rootPid) signal(-rootPid, 'SIGTERM');
  for (const p of targets) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && [...targets].some(isAlive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  collect();
  if (rootPid) signal(-rootPid, 'SIGKILL');
  for (const p of targets) if (isAlive(p)) signal(p, 'SIGKILL');
  // SIGKILL is delivered, not instant: return only once they are really gone, so "nothing left" holds.
  const killDeadline = Date.now() + 2000;
  while (Date.now() < killDeadline && [...targets].some(isAlive)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
