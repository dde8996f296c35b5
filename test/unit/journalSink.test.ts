// Unit: the journal as a logging sink (SPEC §17.6): a failing write never throws into orchestration, and secrets are redacted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/core/observability/journal';

test('a journal whose file cannot be opened or written records the error and keeps accepting records without throwing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-journal-'));
  try {
    const path = join(dir, 'a.jsonl');
    mkdirSync(path); // a directory where the file should be: every open fails
    // Neither opening nor writing throws: the attempt goes on without a journal, and says so.
    const j = new Journal(path);
    j.event({ type: 'warning', message: 'first' });
    assert.match(j.error ?? '', /^journal write failed: EISDIR/);
    assert.doesNotThrow(() => {
      j.raw('in', { method: 'turn/completed', params: {} });
      j.event({ type: 'warning', message: 'second' });
      j.close();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('journal lines redact every declared secret value, in raw messages and events alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-journal-'));
  try {
    const path = join(dir, 'b.jsonl');
    const j = new Journal(path, ['ghp_journalSecret123456']);
    j.raw('in', { method: 'item/completed', params: { text: 'token ghp_journalSecret123456 echoed' } });
    j.event({ type: 'warning', message: 'again ghp_journalSecret123456' });
    j.close();
    const text = readFileSync(path, 'utf8');
    assert.equal(text.includes('ghp_journalSecret123456'), false);
    assert.equal(text.split('[REDACTED]').length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
