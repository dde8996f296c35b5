// Integration: per-test results come from the whole check output, not its 8 KB tail (a big suite's TAP is long).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../../src/core/land/checks';
import { describeTests } from '../../src/shared/model';

test(
  'a 300-test TAP stream far past the tail is counted whole, with the failing names',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quartet-report-'));
    try {
      const cases = Array.from(
        { length: 300 },
        (_, k) =>
          `test('case ${k} with a name long enough to fill the output quickly', () => assert.ok(${k === 7 || k === 250 ? 'false' : 'true'}));`,
      );
      writeFileSync(
        join(dir, 'big.test.js'),
        `const test = require('node:test');\nconst assert = require('node:assert');\n${cases.join('\n')}\n`,
      );
      // Without NODE_TEST_CONTEXT: under `node --test`, a child `node --test` would report to us and exit 0.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')) as Record<
        string,
        string
      >;
      const r = await runChecks({
        cwd: dir,
        command: 'node --test --test-reporter=tap',
        timeoutMs: 50_000,
        env,
        sandbox: null,
      });
      assert.equal(r.ok, false);
      assert.ok(r.outputTail.length <= 8 * 1024, 'the tail stays small');
      assert.doesNotMatch(r.outputTail, /case 7 with/, 'the first failure is long gone from the tail');
      assert.equal(r.report?.tests.length, 300);
      assert.equal(r.report?.passed, 298);
      const failed = r.report!.tests.filter((t) => !t.ok).map((t) => t.name);
      assert.deepEqual(
        failed.map((n) => n.replace(/ with a name.*/, '')),
        ['case 7', 'case 250'],
      );
      assert.equal(
        describeTests({ passed: 298, total: 300, failed }),
        '2 of 300 tests fail (case 7 with a name long enough to fill the output quickly; case 250 with a name long enough to fill the output quickly)',
      );
      assert.equal(describeTests({ passed: 3, total: 3, failed: [] }), '3/3 tests');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
