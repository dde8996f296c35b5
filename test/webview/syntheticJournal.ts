// Generates realistic attempt journals (raw protocol messages + normalized events) of any length, deterministically.

import type { AgentEvent, JournalRecord } from '../../src/shared/events';

export interface SyntheticOptions {
  /** Normalized events to produce (raw records come on top). */
  events: number;
  /** Every n-th command fails with a test-runner style output. */
  failEvery?: number;
  /** Include raw protocol messages as the real journal does (bigger, like on disk). */
  raw?: boolean;
  startMs?: number;
  /** Gap between records. */
  stepMs?: number;
}

const OUTPUT_OK = 'README.md\nindex.js\npackage.json\nsrc/\ntest/\n';
const OUTPUT_FAIL = [
  '> demo@1.0.0 test',
  '> node --test',
  '',
  '▶ greeter',
  '  ✖ greets in French (3.1ms)',
  '    AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
  '    + actual - expected',
  "    + 'Hello'",
  "    - 'Bonjour'",
  '        at TestContext.<anonymous> (/repo/test.js:12:10)',
  '✖ failing tests:',
  'npm ERR! Test failed.  See above for more details.',
].join('\n');

export function syntheticJournal(opts: SyntheticOptions): JournalRecord[] {
  const failEvery = opts.failEvery ?? 7;
  const start = opts.startMs ?? Date.parse('2026-11-21T10:00:00.000Z');
  const step = opts.stepMs ?? 20;
  const out: JournalRecord[] = [];
  let seq = 0;
  let events = 0;
  const at = (): string => new Date(start + seq * step).toISOString();
  const ev = (event: AgentEvent): void => {
    out.push({ seq, at: at(), kind: 'event', event });
    seq++;
    events++;
  };
  const raw = (msg: unknown, dir: 'in' | 'out' = 'in'): void => {
    if (!opts.raw) return;
    out.push({ seq, at: at(), kind: 'raw', dir, msg });
    seq++;
  };
  const thread = 'thread-0001';
  ev({ type: 'phase', phase: 'starting', reason: null, message: 'worktree /tmp/wt/demo/1' });
  ev({ type: 'session_started', threadId: thread, model: 'gpt-5.5', modelProvider: 'openai' });
  let turn = 0;
  let k = 0;
  let input = 0;
  let output = 0;
  while (events < opts.events) {
    const turnId = `turn-${++turn}`;
    raw({ method: 'turn/started', params: { threadId: thread, turn: { id: turnId } } });
    ev({ type: 'turn_started', turnId });
    for (let i = 0; i < 40 && events < opts.events - 2; i++, k++) {
      const itemId = `call_${k}`;
      const failing = k % failEvery === failEvery - 1;
      const command = failing ? '/bin/bash -lc "npm test"' : `/bin/bash -lc 'ls && git status --short # ${k}'`;
      raw({ method: 'item/started', params: { item: { type: 'commandExecution', id: itemId, command } } });
      ev({ type: 'command_started', itemId, command });
      const outputTail = failing ? OUTPUT_FAIL : OUTPUT_OK;
      raw({ method: 'item/commandExecution/outputDelta', params: { itemId, delta: outputTail } });
      raw({
        method: 'item/completed',
        params: {
          item: {
            type: 'commandExecution',
            id: itemId,
            command,
            aggregatedOutput: outputTail,
            exitCode: failing ? 1 : 0,
            durationMs: 40 + (k % 13) * 31,
            status: failing ? 'failed' : 'completed',
          },
        },
      });
      ev({
        type: 'command',
        itemId,
        command,
        exitCode: failing ? 1 : 0,
        durationMs: 40 + (k % 13) * 31,
        status: failing ? 'failed' : 'completed',
        outputTail,
      });
      input += 900 + (k % 5) * 100;
      output += 40 + (k % 7) * 5;
      raw({
        method: 'thread/tokenUsage/updated',
        params: { threadId: thread, tokenUsage: { total: { inputTokens: input, outputTokens: output } } },
      });
      ev({
        type: 'tokens',
        threadId: thread,
        totals: {
          input,
          cachedInput: Math.floor(input * 0.6),
          output,
          reasoningOutput: Math.floor(output / 4),
          total: input + output,
        },
      });
      if (k % 5 === 2)
        ev({
          type: 'file_change',
          itemId: `patch_${k}`,
          status: 'completed',
          files: [{ path: `src/module${k % 17}.ts`, kind: 'update' }],
        });
      if (k % 9 === 4)
        ev({
          type: 'reasoning',
          itemId: `rs_${k}`,
          text: `**Checking** the failing test in module ${k % 17} before editing.`,
        });
      if (k % 11 === 5)
        ev({ type: 'agent_message', itemId: `msg_${k}`, text: `Updated module ${k % 17}; running the checks again.` });
    }
    raw({
      method: 'turn/diff/updated',
      params: {
        turnId,
        diff: `diff --git a/src/module1.ts b/src/module1.ts\n--- a/src/module1.ts\n+++ b/src/module1.ts\n@@ -1,2 +1,3 @@\n-old\n+new\n+more\n`,
      },
    });
    ev({ type: 'turn_completed', turnId, status: 'completed', error: null });
  }
  return out;
}
