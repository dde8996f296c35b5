// Unit: hot reload (SPEC §6.2, §17.1) — valid → changed → invalid (last good kept, typed error) → fixed, via fs.watch and via the poll.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowWatcher } from '../../src/core/workflow/watcher';
import type { WorkflowError } from '../../src/core/workflow/errors';
import type { WorkflowDefinition } from '../../src/core/workflow/types';

type Ev = { kind: 'config'; def: WorkflowDefinition | null } | { kind: 'error'; err: WorkflowError };

function recorder(w: WorkflowWatcher): { events: Ev[]; next(timeoutMs?: number): Promise<Ev> } {
  const events: Ev[] = [];
  let waiter: ((e: Ev) => void) | null = null;
  const push = (e: Ev): void => {
    if (waiter) {
      const w2 = waiter;
      waiter = null;
      w2(e);
    } else events.push(e);
  };
  w.on('config', (def: WorkflowDefinition | null) => push({ kind: 'config', def }));
  w.on('error', (err: WorkflowError) => push({ kind: 'error', err }));
  return {
    events,
    next(timeoutMs = 5000) {
      const queued = events.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no workflow event in time')), timeoutMs);
        waiter = (e) => {
          clearTimeout(t);
          resolve(e);
        };
      });
    },
  };
}

const flow = (turns: number, body = 'Do {{ issue.title }}'): string =>
  `---\nagent:\n  max_turns: ${turns}\n---\n${body}\n`;

for (const mode of ['fs.watch', 'poll'] as const) {
  test(
    `${mode}: a change is re-applied; an invalid file keeps the last good config and reports a typed error; a fix recovers`,
    { timeout: 20_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'quartet-wfw-'));
      const path = join(dir, 'WORKFLOW.md');
      writeFileSync(path, flow(3));
      // fs.watch mode: a poll too slow to matter; poll mode: no fs.watch at all.
      const w = new WorkflowWatcher({
        path,
        pollMs: mode === 'poll' ? 50 : 60_000,
        fsWatch: mode === 'fs.watch',
        debounceMs: 30,
      });
      const r = recorder(w);
      try {
        w.start();
        const first = await r.next();
        assert.equal(first.kind === 'config' && first.def?.config.agent.maxTurns, 3);
        assert.equal(w.status, 'ok');

        writeFileSync(path, flow(5, 'Changed {{ issue.identifier }}'));
        const changed = await r.next();
        assert.equal(changed.kind === 'config' && changed.def?.config.agent.maxTurns, 5);
        assert.equal(w.current?.promptTemplate, 'Changed {{ issue.identifier }}');

        writeFileSync(path, '---\nagent:\n  max_turns: [\n---\n');
        const bad = await r.next();
        assert.equal(bad.kind, 'error');
        assert.equal(bad.kind === 'error' && bad.err.code, 'workflow_parse_error');
        assert.equal(w.status, 'error');
        assert.equal(w.current?.config.agent.maxTurns, 5, 'the last good config stays in force');

        writeFileSync(path, '---\nagent:\n  max_turns: 0\n---\n');
        const badValue = await r.next();
        assert.equal(badValue.kind === 'error' && badValue.err.code, 'invalid_workflow_config');
        assert.equal(w.current?.config.agent.maxTurns, 5);

        writeFileSync(path, flow(7));
        const fixed = await r.next();
        assert.equal(fixed.kind === 'config' && fixed.def?.config.agent.maxTurns, 7);
        assert.equal(w.error, null);
        assert.equal(w.status, 'ok');
      } finally {
        w.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

test('the same bytes written again emit nothing; check() is a cheap defensive re-read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-wfw-'));
  const path = join(dir, 'WORKFLOW.md');
  writeFileSync(path, flow(2));
  const w = new WorkflowWatcher({ path, fsWatch: false, pollMs: 60_000 });
  const seen: string[] = [];
  w.on('config', () => seen.push('config'));
  w.on('error', () => seen.push('error'));
  try {
    w.start();
    writeFileSync(path, flow(2));
    w.check();
    assert.deepEqual(seen, ['config']);
    writeFileSync(path, flow(4));
    w.check();
    assert.deepEqual(seen, ['config', 'config']);
    assert.equal(w.current?.config.agent.maxTurns, 4);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('optional (default path): absent means no workflow; appearing loads it; deleting it drops it. Explicit path: missing is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-wfw-'));
  const path = join(dir, 'WORKFLOW.md');
  const events: string[] = [];
  const w = new WorkflowWatcher({ path, optional: true, fsWatch: false, pollMs: 60_000 });
  w.on('config', (d: WorkflowDefinition | null) =>
    events.push(d ? `config:${d.config.agent.maxTurns}` : 'config:none'),
  );
  w.on('error', (e: WorkflowError) => events.push(`error:${e.code}`));
  const strict = new WorkflowWatcher({ path: join(dir, 'missing.md'), fsWatch: false, pollMs: 60_000 });
  const strictEvents: string[] = [];
  strict.on('error', (e: WorkflowError) => strictEvents.push(e.code));
  try {
    w.start();
    assert.equal(w.status, 'none');
    writeFileSync(path, flow(6));
    w.check();
    unlinkSync(path);
    w.check();
    assert.deepEqual(events, ['config:none', 'config:6', 'config:none']);
    strict.start();
    assert.deepEqual(strictEvents, ['missing_workflow_file']);
    assert.equal(strict.status, 'error');
  } finally {
    w.close();
    strict.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
