// Integration: Quartet's own `codex-linux-sandbox` alias keeps sandboxed commands working when Codex could not make its alias.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { NODE_BIN } from '../support/repoHarness';
import { sandboxTestEnv } from '../support/sandboxEnv';
import { LOOPBACK_PROFILE, PROFILE_CONFIG_ARGS, sandboxArgv } from '../../src/core/execution/sandbox';
import { nativeCodexBinary, sandboxHelperDir } from '../../src/core/execution/sandboxHelper';

const codex = join(NODE_BIN, 'codex');

test("the native binary behind npm's codex launcher is found; a non-Codex binary never becomes the helper", () => {
  const native = nativeCodexBinary(codex);
  assert.ok(native, 'found');
  assert.equal(basename(native), 'codex');
  assert.match(native, /@openai\/codex-linux-(x64|arm64)\/vendor\/[^/]+\/bin\/codex$/);
  assert.equal(nativeCodexBinary(process.execPath), null, 'node is not codex');
  assert.equal(nativeCodexBinary('/nonexistent/codex'), null);
});

test(
  'Codex cannot make its PATH alias (CODEX_HOME/tmp is a file): bare `codex sandbox` fails, through Quartet it runs',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quartet-helper-'));
    try {
      const env = sandboxTestEnv(dir, { XDG_CACHE_HOME: join(dir, 'cache') });
      // The state the race leaves a Codex start in, made deterministic: its alias directory cannot be created.
      writeFileSync(join(env.CODEX_HOME as string, 'tmp'), 'not a directory');
      const work = join(dir, 'home');
      const s = { codex, profile: LOOPBACK_PROFILE, args: [...PROFILE_CONFIG_ARGS, '-P', LOOPBACK_PROFILE] };
      const { file, args, env: withHelper } = sandboxArgv(s, work, ['sh', '-c', 'echo inside'], env);

      const bare = await execa(file, args, {
        cwd: work,
        env,
        extendEnv: false,
        reject: false,
        all: true,
        stdin: 'ignore',
      });
      assert.notEqual(bare.exitCode, 0, 'without the alias the sandbox cannot start its helper');
      assert.match(String(bare.all), /could not create PATH aliases[\s\S]*codex-linux-sandbox|execvp/);

      const helped = await execa(file, args, {
        cwd: work,
        env: withHelper,
        extendEnv: false,
        reject: false,
        all: true,
        stdin: 'ignore',
      });
      assert.equal(helped.exitCode, 0, String(helped.all));
      assert.match(String(helped.all), /^inside$/m);

      const helperDir = sandboxHelperDir(codex, env);
      assert.ok(helperDir?.startsWith(join(dir, 'cache', 'quartet')), 'outside the worktree and temp dirs');
      assert.equal(withHelper.PATH, `${env.PATH}${delimiter}${helperDir}`, 'appended: nothing on PATH is shadowed');
      assert.equal(readlinkSync(join(helperDir as string, 'codex-linux-sandbox')), nativeCodexBinary(codex));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
