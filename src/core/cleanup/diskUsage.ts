// Disk usage of a folder as `du` counts it (allocated blocks), without following symlinks.

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes allocated under `path` (0 when it does not exist); unreadable entries are skipped, not fatal. */
export async function diskUsage(path: string): Promise<number> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return 0;
  }
  // `blocks` is what the file really occupies (sparse files, small files rounded up), like `du`.
  const own = typeof st.blocks === 'number' && st.blocks > 0 ? st.blocks * 512 : st.size;
  if (!st.isDirectory()) return own;
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    return own;
  }
  let total = own;
  for (const name of names) total += await diskUsage(join(path, name));
  return total;
}

/** `1.2 MB`-style size for pickers and CLI output. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
