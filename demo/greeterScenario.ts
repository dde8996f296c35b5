// The demo's "French greeting" task: four attempts that differ the way real ones do, so the verdict has something to judge.
//
//   #1 right, with a test · #2 green on its own test but breaks what #1's test pins (and the smallest diff)
//   #3 right, no test     · #4 fails the repo's checks
// Chosen by the prompt (it mentions French, bonjour or a language) or the marker [[quartet-demo:greet-fr]].

export const GREETER_TASK = /\b(french|bonjour|language)\b/i;

const patch = (...lines: string[]): string => ['*** Begin Patch', ...lines, '*** End Patch', ''].join('\n');

const RIGHT_WITH_TEST = patch(
  '*** Update File: index.js',
  '@@',
  " 'use strict';",
  ' ',
  '-function greet(name) {',
  "+const HELLO = { en: 'Hello', fr: 'Bonjour' };",
  '+',
  "+function greet(name, lang = 'en') {",
  "   const who = typeof name === 'string' && name.trim() ? name.trim() : 'world';",
  '-  return `Hello, ${who}!`;',
  '+  return `${HELLO[lang] ?? HELLO.en}, ${who}!`;',
  ' }',
  '*** Add File: test/french.test.js',
  "+'use strict';",
  "+const test = require('node:test');",
  "+const assert = require('node:assert/strict');",
  "+const { greet } = require('../index.js');",
  '+',
  "+test('greets in French', () => assert.equal(greet('Ada', 'fr'), 'Bonjour, Ada!'));",
  "+test('trims names in French too', () => assert.equal(greet('  Ada ', 'fr'), 'Bonjour, Ada!'));",
  "+test('English stays the default', () => assert.equal(greet('Ada'), 'Hello, Ada!'));",
);

// The smallest diff: one early return that skips the trimming, and a test of the happy path only.
const GREEN_BUT_WRONG = patch(
  '*** Update File: index.js',
  '@@',
  '-function greet(name) {',
  '+function greet(name, lang) {',
  "+  if (lang === 'fr') return `Bonjour, ${name}!`;",
  "   const who = typeof name === 'string' && name.trim() ? name.trim() : 'world';",
  '*** Add File: test/fr.test.js',
  "+const assert = require('node:assert/strict');",
  "+require('node:test')('bonjour', () => assert.equal(require('../index.js').greet('Ada', 'fr'), 'Bonjour, Ada!'));",
);

const RIGHT_NO_TEST = patch(
  '*** Update File: index.js',
  '@@',
  " 'use strict';",
  ' ',
  '-function greet(name) {',
  '+/** Greets `name` (trimmed; "world" when empty) in English, or in French with lang \'fr\'. */',
  '+function greet(name, lang) {',
  "   const who = typeof name === 'string' && name.trim() ? name.trim() : 'world';",
  '-  return `Hello, ${who}!`;',
  "+  const hello = lang === 'fr' ? 'Bonjour' : 'Hello';",
  '+  return `${hello}, ${who}!`;',
  ' }',
  '*** Update File: README.md',
  '@@',
  '-- `greet(name)` returns a friendly greeting.',
  "+- `greet(name, lang)` returns a friendly greeting: English by default, French with `lang` `'fr'`.",
);

// Switches the default language: the repo's own English checks fail.
const FAILS_CHECKS = patch(
  '*** Update File: index.js',
  '@@',
  "   const who = typeof name === 'string' && name.trim() ? name.trim() : 'world';",
  '-  return `Hello, ${who}!`;',
  '+  return `Bonjour, ${who}!`;',
  ' }',
);

const VARIANTS = [RIGHT_WITH_TEST, GREEN_BUT_WRONG, RIGHT_NO_TEST, FAILS_CHECKS];

const SUMMARIES = [
  'Add French greetings\n\ngreet(name, "fr") says Bonjour; names are trimmed in both languages. Added test/french.test.js.',
  'Support French in greet\n\nOne line: greet(name, "fr") returns Bonjour. Added a test.',
  'Greet in French\n\ngreet takes an optional language; "fr" says Bonjour.',
  'Switch the greeting to French\n\nThe greeter now says Bonjour.',
];

/** The attempt's variant: its number in "attempt k of n" when the prompt says it, else the thread's hash. */
function variant(attemptIndex: number | null, hash: number): number {
  return attemptIndex && attemptIndex > 0 ? (attemptIndex - 1) % VARIANTS.length : hash % VARIANTS.length;
}

/** The attempt's edit, as an apply_patch call (readable in the trace as a diff). */
export function greeterPatch(attemptIndex: number | null, hash: number): string {
  return VARIANTS[variant(attemptIndex, hash)] as string;
}

export function greeterSummary(attemptIndex: number | null, hash: number): string {
  return SUMMARIES[variant(attemptIndex, hash)] as string;
}
