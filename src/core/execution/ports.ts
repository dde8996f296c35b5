// Per-attempt port ranges: each running attempt gets its own block of free ports, released when it ends.

import { createServer } from 'node:net';

export interface PortBlock {
  first: number;
  count: number;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Hands out non-overlapping blocks above `start`, skipping blocks whose ports are taken by anyone. */
export class PortAllocator {
  private readonly held = new Map<string, PortBlock>();

  constructor(
    private readonly start = 41_000,
    private readonly size = 10,
    private readonly end = 60_000,
  ) {}

  async allocate(owner: string): Promise<PortBlock> {
    const existing = this.held.get(owner);
    if (existing) return existing;
    const busy = new Set<number>();
    for (let first = this.start; first + this.size <= this.end; first += this.size) {
      // Read the held blocks afresh each time: another allocation may have reserved one during our probe.
      if (busy.has(first) || [...this.held.values()].some((b) => b.first === first)) continue;
      // Reserve before the async probe so concurrent allocations never pick the same block.
      const block = { first, count: this.size };
      this.held.set(owner, block);
      const free = await Promise.all(Array.from({ length: this.size }, (_, i) => isFree(first + i)));
      if (free.every(Boolean)) return block;
      this.held.delete(owner);
      busy.add(first);
    }
    throw new Error(`no free block of ${this.size} ports between ${this.start} and ${this.end}`);
  }

  release(owner: string): void {
    this.held.delete(owner);
  }

  heldBy(owner: string): PortBlock | undefined {
    return this.held.get(owner);
  }

  /** Every block held right now, by owner (diagnostics: a block held by an ended attempt is a leak). */
  snapshot(): Record<string, PortBlock> {
    return Object.fromEntries([...this.held].map(([owner, b]) => [owner, { ...b }]));
  }
}

/** Environment an attempt's processes get so dev servers and databases never collide. */
export function resourceEnv(attemptId: string, block: PortBlock): Record<string, string> {
  return {
    QUARTET_PORT: String(block.first),
    QUARTET_PORT_COUNT: String(block.count),
    QUARTET_PORT_RANGE: `${block.first}-${block.first + block.count - 1}`,
    QUARTET_NAME_PREFIX: `quartet_${attemptId.replace(/[^A-Za-z0-9]/g, '_')}`,
  };
}
