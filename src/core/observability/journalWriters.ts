// Journal writers holding records not yet on disk, by path: whoever reads or opens a journal flushes them first.

/** What a writer with buffered records offers: writing them now, synchronously. */
export interface BufferedWriter {
  flush(): void;
}

const writers = new Map<string, Set<BufferedWriter>>();
let exitHooked = false;

/** A writer buffers records for `path`; they are flushed before any read of it and when the process exits. */
export function registerWriter(path: string, writer: BufferedWriter): void {
  let set = writers.get(path);
  if (!set) writers.set(path, (set = new Set()));
  set.add(writer);
  if (exitHooked) return;
  exitHooked = true;
  // An uncaught error or process.exit still runs 'exit' handlers: buffered records reach the file then too.
  process.on('exit', flushAllWriters);
}

export function unregisterWriter(path: string, writer: BufferedWriter): void {
  const set = writers.get(path);
  if (!set) return;
  set.delete(writer);
  if (!set.size) writers.delete(path);
}

/** Writes what every writer of `path` buffered, so a read sees every record journaled so far. */
export function flushWriters(path: string): void {
  const set = writers.get(path);
  if (set) for (const w of [...set]) w.flush();
}

export function flushAllWriters(): void {
  for (const set of [...writers.values()]) for (const w of [...set]) w.flush();
}
