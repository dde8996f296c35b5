// One supervisor per repository: an exclusive lock file holding the owner's pid, taken over only from the dead.

import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { isAlive } from '../execution/processTree';

/** Takes the lock; returns false when a live process holds it. */
export function takeLock(path: string): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) return false;
      // The previous owner died without cleaning up: the lock is stale.
      try {
        unlinkSync(path);
      } catch {
        // another starter removed it first; loop and race fairly on 'wx'
      }
    }
  }
  return false;
}

export function releaseLock(path: string): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}
