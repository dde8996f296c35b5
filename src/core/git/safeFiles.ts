// Reading and writing files inside a worktree an agent controls: regular files only, sizes capped, no link ever followed.

import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';

/** Why a file was refused; `missing` is the only one a caller may treat as "not there". */
export type UnsafeFileReason = 'missing' | 'symlink' | 'not_regular' | 'too_large' | 'outside';

export class UnsafeFileError extends Error {
  constructor(
    message: string,
    readonly reason: UnsafeFileReason,
    readonly path: string,
  ) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

/** Default cap for files Quartet reads from a worktree (workflow, skills, conflict files): text a person could review. */
export const DEFAULT_MAX_READ_BYTES = 4 * 1024 * 1024;

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw err;
  }
}

/**
 * Reads `path` only if it is a regular file of at most `maxBytes`. O_NONBLOCK keeps a FIFO from
 * blocking the open, O_NOFOLLOW refuses a link swapped in after the lstat, fstat checks what was opened.
 */
export function readRegularFile(path: string, opts: { maxBytes?: number } = {}): Buffer {
  const max = opts.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  const st = lstatOrNull(path);
  if (!st) throw new UnsafeFileError(`${path} does not exist`, 'missing', path);
  if (st.isSymbolicLink())
    throw new UnsafeFileError(
      `${path} is a symbolic link; Quartet reads only regular files from a worktree`,
      'symlink',
      path,
    );
  if (!st.isFile())
    throw new UnsafeFileError(`${path} is not a regular file (a folder, FIFO, socket or device)`, 'not_regular', path);
  if (st.size > max)
    throw new UnsafeFileError(`${path} is ${st.size} bytes, over the ${max}-byte limit`, 'too_large', path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UnsafeFileError(`${path} became a symbolic link`, 'symlink', path);
    if (code === 'ENOENT') throw new UnsafeFileError(`${path} does not exist`, 'missing', path);
    throw err;
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw new UnsafeFileError(`${path} is not a regular file`, 'not_regular', path);
    // Read at most max + 1 bytes whatever fstat says: the file may grow while we read.
    const buf = Buffer.alloc(Math.min(now.size, max) + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, got);
    if (got > max) throw new UnsafeFileError(`${path} grew over the ${max}-byte limit`, 'too_large', path);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFile`, or null when the file does not exist (every other refusal still throws). */
export function readRegularFileIfExists(path: string, opts: { maxBytes?: number } = {}): Buffer | null {
  try {
    return readRegularFile(path, opts);
  } catch (err) {
    if (err instanceof UnsafeFileError && err.reason === 'missing') return null;
    throw err;
  }
}

/** The components of a relative path inside `root`; refuses absolute paths and `..`. */
function partsOf(root: string, rel: string): string[] {
  const clean = normalize(rel);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`))
    throw new UnsafeFileError(`refusing ${rel}: not inside ${root}`, 'outside', join(root, rel));
  return clean.split(sep).filter((p) => p && p !== '.');
}

/** The first existing symbolic link among the components of `rel` under `root` (root itself is trusted), or null. */
export function symlinkUnder(root: string, rel: string): string | null {
  let at = root;
  for (const part of partsOf(root, rel)) {
    at = join(at, part);
    const st = lstatOrNull(at);
    if (!st) return null;
    if (st.isSymbolicLink()) return at;
  }
  return null;
}

/** Throws when any component of `rel` under `root` is a symbolic link. */
export function assertNoSymlinkUnder(root: string, rel: string): void {
  const link = symlinkUnder(root, rel);
  if (link) throw new UnsafeFileError(`refusing ${join(root, rel)}: ${link} is a symbolic link`, 'symlink', link);
}

/** Creates the folders of `rel` under `root` one by one, refusing a link or a non-folder on the way. */
export function mkdirNoFollow(root: string, rel: string): string {
  let at = root;
  for (const part of partsOf(root, rel)) {
    at = join(at, part);
    const st = lstatOrNull(at);
    if (!st) mkdirSync(at);
    else if (st.isSymbolicLink()) throw new UnsafeFileError(`refusing ${at}: it is a symbolic link`, 'symlink', at);
    else if (!st.isDirectory()) throw new UnsafeFileError(`refusing ${at}: it is not a folder`, 'not_regular', at);
  }
  return at;
}

/** Opens `root/rel` for writing (created, truncated) without following a link in any component; must be a regular file. */
function openNoFollowForWrite(root: string, rel: string, mode: number): number {
  const parts = partsOf(root, rel);
  const name = parts.pop();
  if (!name) throw new UnsafeFileError(`refusing to write ${root} itself`, 'not_regular', root);
  const target = join(mkdirNoFollow(root, parts.join(sep)), name);
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new UnsafeFileError(`refusing to write ${target}: it is a symbolic link`, 'symlink', target);
    if (code === 'ENXIO' || code === 'EISDIR')
      throw new UnsafeFileError(`refusing to write ${target}: it is not a regular file`, 'not_regular', target);
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile())
      throw new UnsafeFileError(`refusing to write ${target}: it is not a regular file`, 'not_regular', target);
    // Truncate only after fstat said regular: O_TRUNC at open would act on a device before the check.
    ftruncateSync(fd, 0);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Writes `data` to `root/rel` without following a link in any component; an existing target must be a regular file. */
export function writeFileNoFollow(root: string, rel: string, data: string | Buffer, mode = 0o644): string {
  const fd = openNoFollowForWrite(root, rel, mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off, off);
  } finally {
    closeSync(fd);
  }
  return join(root, rel);
}

/** Streams the regular file `src` (never a link, FIFO or device) into `root/rel`, written through no link. */
function copyFileNoFollow(src: string, root: string, rel: string, mode: number): void {
  let from: number;
  try {
    from = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      throw new UnsafeFileError(`${src} became a symbolic link`, 'symlink', src);
    throw err;
  }
  try {
    if (!fstatSync(from).isFile()) throw new UnsafeFileError(`${src} is not a regular file`, 'not_regular', src);
    const to = openNoFollowForWrite(root, rel, mode);
    try {
      const buf = Buffer.alloc(1 << 20);
      for (
        let pos = 0, n = readSync(from, buf, 0, buf.length, 0);
        n > 0;
        pos += n, n = readSync(from, buf, 0, buf.length, pos)
      ) {
        for (let off = 0; off < n;) off += writeSync(to, buf, off, n - off, pos + off);
      }
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
}

/** Copies the regular files of `src` (links and special files skipped) to `root/rel`, never through a link. */
export function copyTreeNoFollow(src: string, root: string, rel: string): string[] {
  const copied: string[] = [];
  const st = lstatOrNull(src);
  if (!st || st.isSymbolicLink()) return copied;
  if (st.isFile()) {
    copyFileNoFollow(src, root, rel, st.mode & 0o777);
    copied.push(rel);
  } else if (st.isDirectory()) {
    mkdirNoFollow(root, rel);
    for (const name of readdirSync(src).sort())
      copied.push(...copyTreeNoFollow(join(src, name), root, join(rel, name)));
  }
  return copied;
}

/** Removes `root/rel` after checking no folder on the way is a link (a link as the last part is removed, not followed). */
export function removeNoFollow(root: string, rel: string): void {
  const parts = partsOf(root, rel);
  if (!parts.length) throw new UnsafeFileError(`refusing to remove ${root} itself`, 'outside', root);
  assertNoSymlinkUnder(root, parts.slice(0, -1).join(sep));
  rmSync(join(root, ...parts), { recursive: true, force: true });
}
