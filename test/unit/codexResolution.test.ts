// Where Quartet looks for codex, in order, and that its own pinned copy is found whatever PATH it was given.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { codexCandidates, resolveCodexBinary } from '../../src/core/execution/codexBinary';
import { quartetCodexCandidates } from '../../src/extension/quartetCodex';

function fakeCodex(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'codex');
  writeFileSync(file, `#!/bin/sh\necho "codex-cli ${version}"\n`);
  chmodSync(file, 0o755);
  return file;
}

test("candidates: setting, QUARTET_CODEX, PATH, the repo, then Quartet's own copies (no duplicates)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-codex-order-'));
  try {
    const onPath = fakeCodex(join(dir, 'bin'), '1');
    const order = codexCandidates({
      configured: '/set/codex',
      env: { QUARTET_CODEX: '/env/codex', PATH: join(dir, 'bin') },
      repo: '/repo',
      fallbacks: ['/quartet/node_modules/.bin/codex', '/set/codex'],
    });
    assert.deepEqual(order, [
      '/set/codex',
      '/env/codex',
      onPath,
      '/repo/node_modules/.bin/codex',
      '/quartet/node_modules/.bin/codex',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a login shell PATH without codex still resolves Quartet's pinned binary", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-codex-fallback-'));
  try {
    const pinned = fakeCodex(join(dir, 'checkout', 'node_modules', '.bin'), '0.169.0');
    const without = await resolveCodexBinary({ env: { PATH: '/usr/bin:/bin' }, repo: join(dir, 'repo') });
    assert.equal(without.ok, false, 'nothing to find without the fallback');
    const found = await resolveCodexBinary({
      env: { PATH: '/usr/bin:/bin' },
      repo: join(dir, 'repo'),
      fallbacks: [pinned],
    });
    assert.deepEqual(found, { ok: true, path: pinned, version: 'codex-cli 0.169.0' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the extension's candidates: its own folder, then the checkout named in dist/build-info.json", () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-codex-ext-'));
  try {
    const ext = join(dir, 'ext');
    assert.deepEqual(quartetCodexCandidates(ext), [join(ext, 'node_modules', '.bin', 'codex')]);
    mkdirSync(join(ext, 'dist'), { recursive: true });
    writeFileSync(join(ext, 'dist', 'build-info.json'), JSON.stringify({ checkout: '/src/quartet' }));
    assert.deepEqual(quartetCodexCandidates(ext), [
      join(ext, 'node_modules', '.bin', 'codex'),
      '/src/quartet/node_modules/.bin/codex',
    ]);
    writeFileSync(join(ext, 'dist', 'build-info.json'), '{not json');
    assert.equal(quartetCodexCandidates(ext).length, 1, 'a torn build-info.json is ignored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
