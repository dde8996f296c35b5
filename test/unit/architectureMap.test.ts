// docs/ARCHITECTURE.md stays the map of src/core: every file is named under its folder, and the layers are the enforced ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORE_LAYERS } from '../support/coreLayers';

const ROOT = resolve(__dirname, '../../..');
const DOC = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
const CORE = join(ROOT, 'src/core');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [n]));

/** The file map's text per core folder: from `  <folder>/` to the next folder's line. */
function mapSections(): Map<string, string> {
  const block = DOC.slice(DOC.indexOf('src/core/  '), DOC.indexOf('src/extension/  '));
  const sections = new Map<string, string>();
  let folder: string | null = null;
  for (const line of block.split('\n')) {
    folder = /^ {2}([a-z]+)\/\s/.exec(line)?.[1] ?? folder;
    if (folder) sections.set(folder, `${sections.get(folder) ?? ''}${line}\n`);
  }
  return sections;
}

test('the file map names every file of every core folder, and no file that is not there', () => {
  const sections = mapSections();
  const missing: string[] = [];
  const absent: string[] = [];
  for (const folder of readdirSync(CORE)) {
    const text = sections.get(folder) ?? '';
    const files = filesUnder(join(CORE, folder));
    for (const f of files)
      if (!new RegExp(`(^|[^\\w/])${f.replace('.', '\\.')}`).test(text)) missing.push(`${folder}/${f}`);
    // A name after a slash points into another folder (contract/routes.ts); the rest must be this folder's files.
    for (const m of text.matchAll(/(^|[^\w/])(\w+\.ts)\b/g))
      if (!files.includes(m[2] ?? '')) absent.push(`${folder}/${m[2]}`);
  }
  assert.deepEqual(missing, [], 'files docs/ARCHITECTURE.md does not name in its map');
  assert.deepEqual(absent, [], 'names in the map with no such file');
});

test('"Layers inside core" lists the enforced layers in their order, the client beside them', () => {
  const start = DOC.indexOf('### Layers inside core');
  const block = DOC.slice(DOC.indexOf('```', start) + 3, DOC.indexOf('```', DOC.indexOf('```', start) + 3));
  const names = block
    .split('\n')
    .map((l) => /^([a-z]+)\s/.exec(l)?.[1])
    .filter((n): n is string => !!n);
  assert.deepEqual(names, [...CORE_LAYERS, 'client']);
});
