// Per-test results from the formats test runners emit: node --test TAP (a real run kept as a fixture), JUnit, Jest JSON.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJestJson, parseJunit, parseTap, parseTestReport } from '../../src/core/verdict/testReport';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'testReports');

test('node --test TAP: leaves with their suites, failures kept, suites and skipped tests not counted', () => {
  const r = parseTap(readFileSync(join(fixtures, 'node-test.tap'), 'utf8'));
  assert.ok(r);
  assert.deepEqual(
    r.tests.map((t) => `${t.ok ? 'ok' : 'FAIL'} ${t.name}`),
    ['ok greet › says hello', 'FAIL greet › in French', 'ok greet › inner › deep', 'ok top level', 'ok parent › child'],
  );
  assert.equal(r.passed, 4);
  assert.equal(r.failed, 1);
});

test('plain TAP without subtests, and output that is not TAP at all', () => {
  const r = parseTap('TAP version 13\nok 1 - adds\nnot ok 2 - subtracts\n1..2\n');
  assert.deepEqual(
    r?.tests.map((t) => [t.name, t.ok]),
    [
      ['adds', true],
      ['subtracts', false],
    ],
  );
  assert.equal(parseTap('greeter: 3 checks passed\n'), null);
  assert.equal(parseTestReport('> node test.js\nAssertionError: expected 1\n'), null);
});

test('JUnit XML: classname › name, failure and error fail, skipped ignored, entities decoded', () => {
  const xml = `<?xml version="1.0"?><testsuites><testsuite name="s">
    <testcase classname="greet" name="says &quot;hi&quot;" file="test/greet.test.js"/>
    <testcase classname="greet" name="french"><failure message="x">boom</failure></testcase>
    <testcase classname="greet" name="crash"><error/></testcase>
    <testcase classname="greet" name="later"><skipped/></testcase>
  </testsuite></testsuites>`;
  const r = parseJunit(xml);
  assert.deepEqual(r?.tests, [
    { name: 'greet › says "hi"', ok: true, file: 'test/greet.test.js' },
    { name: 'greet › french', ok: false, file: null },
    { name: 'greet › crash', ok: false, file: null },
  ]);
  assert.equal(parseTestReport(xml)?.format, 'junit');
});

test('Jest/Vitest --json: assertion results with their file; pending ones ignored', () => {
  const json = JSON.stringify({
    numTotalTests: 3,
    testResults: [
      {
        name: '/r/a.test.js',
        assertionResults: [
          { fullName: 'greet says hello', status: 'passed' },
          { fullName: 'greet french', status: 'failed' },
          { fullName: 'greet later', status: 'pending' },
        ],
      },
    ],
  });
  const r = parseJestJson(`some log line\n${json}\n`);
  assert.deepEqual(
    r?.tests.map((t) => [t.name, t.ok, t.file]),
    [
      ['greet says hello', true, '/r/a.test.js'],
      ['greet french', false, '/r/a.test.js'],
    ],
  );
  assert.equal(parseTestReport(json)?.format, 'jest');
});
