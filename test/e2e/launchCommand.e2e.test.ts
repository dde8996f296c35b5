// The README's launch command on a machine with no OpenAI account: demo model, sample repo, code-server answering.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/codeServer';
import { stopSupervisor } from '../support/demoEnv';

test('npm start (smoke mode) builds, creates the sample repo, starts the demo model and serves VS Code', { timeout: 600_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'quartet-launch-home-'));
  try {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(OPENAI_API_KEY|CODEX_HOME|VSCODE_.*)$/.test(k)) env[k] = v;
    const r = spawnSync('bash', [join(repoRoot, 'scripts/launch.sh'), '--no-open'], {
      cwd: repoRoot,
      env: { ...env, HOME: home, QUARTET_LAUNCH_SMOKE: '1', QUARTET_PORT: '0' },
      encoding: 'utf8',
      timeout: 540_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Using the offline demo model/);
    assert.match(r.stdout, /Quartet is running: http:\/\/127\.0\.0\.1:\d+\/\?folder=/);
    assert.match(r.stdout, /^OK$/m);
    const sample = join(home, 'quartet-sample');
    assert.ok(existsSync(join(sample, '.git')), 'the sample repository was created');
    assert.match(readFileSync(join(home, '.quartet', 'demo-codex-home', 'config.toml'), 'utf8'), /quartet_demo/);
    await stopSupervisor(sample);
  } finally {
    rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
});
