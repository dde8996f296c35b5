// bench/scale's connected client: a process that follows the supervisor as the extension host does (stream + journal pumps).

import { SupervisorClient } from '../src/core/client/supervisorClient';
import { JournalPump } from '../src/extension/panel/journalPump';
import { isActive, type Snapshot } from '../src/shared/model';

/** Journals followed at once, like a control panel showing one task's attempts. */
const FOLLOW = Number(process.env.SCALE_FOLLOW ?? 4);

async function main(): Promise<void> {
  const repo = process.env.SCALE_REPO;
  const entry = process.env.SCALE_SUPERVISOR_ENTRY;
  if (!repo || !entry) throw new Error('SCALE_REPO and SCALE_SUPERVISOR_ENTRY are required');
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const client = await SupervisorClient.connect({ repo, supervisorEntry: entry, env });
  const stats = { snapshots: 0, records: 0, chunks: 0, running: 0 };
  const pumps = new Map<string, JournalPump>();
  let latest: Snapshot | null = null;
  const live = (id: string): boolean =>
    latest?.tasks.some((t) => t.attempts.some((a) => a.id === id && isActive(a.phase))) ?? false;
  client.onSnapshot((s) => {
    latest = s;
    stats.snapshots++;
    // The tree walks every task on each change (labels, counts): so does this client.
    let running = 0;
    for (const t of s.tasks) for (const a of t.attempts) if (isActive(a.phase)) running++;
    for (const t of s.tasks) {
      for (const a of t.attempts) {
        if (pumps.size >= FOLLOW || pumps.has(a.id) || !isActive(a.phase)) continue;
        const pump = new JournalPump(a.id, 0, {
          fetch: (id, from) => client.journalPage(id, from),
          send: (chunk) => {
            stats.chunks++;
            stats.records += chunk.records.length;
          },
          isLive: live,
          log: () => undefined,
        });
        pumps.set(a.id, pump);
        pump.start();
      }
    }
    stats.running = running;
  });
  console.log(`ready ${process.pid}`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const p of pumps.values()) p.stop();
    client.close();
    console.log(`stats ${JSON.stringify(stats)}`);
    process.exit(0);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
