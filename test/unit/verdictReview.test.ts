// Unit: the review's numbered diff, its parser (only real diff lines count as citations) and what counts against an attempt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateDiff } from '../../src/core/verdict/annotatedDiff';
import { parseReview, reviewBlockers, reviewPrompt, REVIEW_SCHEMA } from '../../src/core/verdict/review';

const DIFF = [
  'diff --git a/index.js b/index.js',
  'index 1111111..2222222 100644',
  '--- a/index.js',
  '+++ b/index.js',
  '@@ -1,4 +1,5 @@',
  " 'use strict';",
  '-function greet(name) {',
  '+function greet(name, lang) {',
  "+  if (lang === 'fr') return `Bonjour, ${name}!`;",
  '   const who = name.trim();',
  '   return `Hello, ${who}!`;',
  'diff --git a/old.txt b/old.txt',
  'deleted file mode 100644',
  'index 3333333..0000000',
  '--- a/old.txt',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-first',
  '-second',
  '',
].join('\n');

test('annotateDiff numbers the new side; removed lines of a kept file get no number, a deleted file keeps its old ones', () => {
  const d = annotateDiff(DIFF);
  assert.equal(
    d.text.split('\n').slice(0, 7).join('\n'),
    [
      '=== index.js',
      '@@',
      "    1   'use strict';",
      '      - function greet(name) {',
      '    2 + function greet(name, lang) {',
      "    3 +   if (lang === 'fr') return `Bonjour, ${name}!`;",
      '    4     const who = name.trim();',
    ].join('\n'),
  );
  assert.deepEqual(d.lines.get('index.js')?.get(3), {
    kind: 'added',
    text: "  if (lang === 'fr') return `Bonjour, ${name}!`;",
  });
  assert.equal(d.lines.get('index.js')?.get(4)?.kind, 'context');
  assert.deepEqual(d.lines.get('old.txt')?.get(2), { kind: 'removed', text: 'second' });
  assert.equal(d.truncated, false);
});

test('annotateDiff: a removed "-- " line or an added "++ " line inside a hunk is content, not a header', () => {
  const d = annotateDiff(
    [
      'diff --git a/q.sql b/q.sql',
      '--- a/q.sql',
      '+++ b/q.sql',
      '@@ -1,2 +1,2 @@',
      '--- old comment',
      '+++ new comment',
      ' SELECT 1;',
      '',
    ].join('\n'),
  );
  assert.deepEqual(d.lines.get('q.sql')?.get(1), { kind: 'added', text: '++ new comment' });
  assert.deepEqual(d.lines.get('q.sql')?.get(2), { kind: 'context', text: 'SELECT 1;' });
  assert.match(d.text, /^ {6}- -- old comment$/m);
});

test('annotateDiff cuts at the budget and names the files it left out', () => {
  const d = annotateDiff(DIFF, 40);
  assert.equal(d.truncated, true);
  assert.match(d.text, /not shown: old\.txt\)$/);
  assert.equal(d.lines.has('old.txt'), true, 'citations into a cut file still check against the real diff');
});

test('parseReview keeps citations of real diff lines, drops and counts the rest, and ignores malformed items', () => {
  const d = annotateDiff(DIFF);
  const answer = {
    requirements: [
      { requirement: 'greet takes a language', met: true, file: 'index.js', line: 2 },
      { requirement: 'French says Bonjour', met: true, file: 'index.js', line: 99 },
      { requirement: '', met: true, file: '', line: 0 },
    ],
    findings: [
      { severity: 'blocker', summary: 'skips the trimming', file: 'b/index.js', line: 3 },
      { severity: 'blocker', summary: 'made up', file: 'nowhere.js', line: 1 },
      { severity: 'fatal', summary: 'unknown severity', file: '', line: 0 },
      { severity: 'nit', summary: 'no citation', file: '', line: 0 },
    ],
  };
  const r = parseReview(JSON.stringify(answer), d);
  assert.deepEqual(
    r.requirements.map((x) => [x.requirement, x.cite?.line ?? null]),
    [
      ['greet takes a language', 2],
      ['French says Bonjour', null],
    ],
  );
  assert.deepEqual(
    r.findings.map((x) => [x.severity, x.cite ? `${x.cite.file}:${x.cite.line}` : null]),
    [
      ['blocker', 'index.js:3'],
      ['blocker', null],
      ['nit', null],
    ],
  );
  assert.equal(r.findings[0]?.cite?.text, "if (lang === 'fr') return `Bonjour, ${name}!`;");
  assert.equal(r.uncited, 2, 'line 99 and nowhere.js');
  // Only the cited blocker and no unmet requirement: the made-up blocker is shown but does not count.
  assert.deepEqual(reviewBlockers({ state: 'done', ...r }), ['skips the trimming (index.js:3)']);
  assert.deepEqual(
    reviewBlockers({ state: 'done', requirements: [{ requirement: 'French', met: false, cite: null }], findings: [] }),
    ['not met: French'],
  );
  assert.deepEqual(
    reviewBlockers({
      state: 'failed',
      requirements: [{ requirement: 'French', met: false, cite: null }],
      findings: [],
    }),
    [],
    'a failed review is no evidence',
  );
});

test('parseReview says what is wrong with an answer that is not the schema', () => {
  const d = annotateDiff(DIFF);
  assert.throws(() => parseReview('Looks good to me!', d), /the review was not JSON: Looks good to me!/);
  assert.throws(() => parseReview('{"findings":[]}', d), /lacks requirements\[\] and findings\[\]/);
});

test('the prompt carries the task and the numbered diff; the schema is strict (every property required)', () => {
  const p = reviewPrompt({
    title: 'French greetings',
    prompt: 'greet(name, "fr")',
    attemptIndex: 2,
    diff: annotateDiff(DIFF),
  });
  assert.match(p, /reviewing attempt #2/);
  assert.match(p, /# French greetings\ngreet\(name, "fr"\)/);
  assert.match(p, / {4}3 \+ {3}if \(lang === 'fr'\)/);
  for (const item of [REVIEW_SCHEMA.properties.requirements.items, REVIEW_SCHEMA.properties.findings.items]) {
    assert.deepEqual([...item.required].sort(), Object.keys(item.properties).sort());
    assert.equal(item.additionalProperties, false);
  }
});
