// Integration: declared secrets reach no artifact — the agent's env, journals, state, logs, archives, CLI output, panel payloads.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { scrubSecrets } from '../../src/core/config/secrets';
import type { TaskSnapshot } from '../../src/shared/model';

/** In the supervisor's own environment (the terminal or window that started it). */
const SUPERVISOR_SECRETS = {
  GITHUB_TOKEN: 'ghp_supervisorEnvSecret0123456789',
  LINEAR_API_KEY: 'lin_api_supervisorSecret987654',
};
/** In the environment of the CLI that launches (declared: built-in names and QUARTET_SECRET_ENV). */
const CLI_SECRETS = {
  QUARTET_GITHUB_TOKEN: 'ghp_cliEnvSecretAbcdefghij',
  MY_DB_PASSWORD: 'db-pass-cli-secret-xyz',
  QUARTET_SECRET_ENV: 'MY_DB_PASSWORD',
};
/** Sent in a request body by a client that forgot to scrub. */
const SENT = { GH_TOKEN: 'ghp_sentByABuggyClient000111' };
/** Given in a settings request (as a future GitHub land path might): must never be persisted. */
const SETTINGS_TOKEN = 'ghp_settingsBodyToken555666777';
const ALL = [
  ...Object.values(SUPERVISOR_SECRETS),
  CLI_SECRETS.QUARTET_GITHUB_TOKEN,
  CLI_SECRETS.MY_DB_PASSWORD,
  SENT.GH_TOKEN,
  SETTINGS_TOKEN,
];

let h: Harness;
before(async () => {
  h = await startHarness({ supervisorEnv: SUPERVISOR_SECRETS });
});
after(async () => {
  await h?.cleanup();
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return [];
    return st.isDirectory() ? (n === '.git' ? [] : files(p)) : st.isFile() ? [p] : [];
  });
}

function assertClean(what: string, text: string): void {
  for (const v of ALL) assert.ok(!text.includes(v), `${v.slice(0, 12)}… leaked into ${what}`);
}

test(
  'the agent runs `env`; no declared secret is in it, nor in any journal, state, log, archive, CLI output or panel payload',
  { timeout: 180_000 },
  async () => {
    // Launched by the CLI, whose own environment holds secrets; the prompt even quotes two of them.
    const prompt = `dump [[quartet-demo:env]] (use ${SUPERVISOR_SECRETS.GITHUB_TOKEN} and ${CLI_SECRETS.MY_DB_PASSWORD})`;
    const cli = await runCli(
      [
        'launch',
        '--repo',
        h.repo,
        '--title',
        'env via the CLI',
        '--prompt',
        prompt,
        '--attempts',
        '1',
        '--wait',
        '--json',
      ],
      { ...h.env, ...CLI_SECRETS },
    );
    assert.equal(cli.code, 0, cli.stderr);
    const viaCli = JSON.parse(cli.stdout) as TaskSnapshot;
    // A client that sends secrets in the launch body anyway.
    const t = await h.client.launch({
      title: 'env via a buggy client',
      prompt: 'dump [[quartet-demo:env]]',
      attempts: 1,
      env: { ...scrubSecrets(h.env), ...SENT },
    });
    const viaApi = await waitForTask(h.client, t.id);
    // A client that sends a token in the settings: refused as an unknown key, and the refusal does not repeat it.
    await assert.rejects(
      h.client.configure({ githubToken: SETTINGS_TOKEN } as never),
      (e: Error) => /githubToken/.test(e.message) && !e.message.includes(SETTINGS_TOKEN),
    );
    const attempts = [...viaCli.attempts, ...viaApi.attempts];
    for (const a of attempts) assert.equal(a.phase, 'finished', a.lastError ?? '');

    // Positive controls: the dump is the agent's real environment, and it ends up in the archive below.
    const dumps = attempts.map((a) => readFileSync(join(a.worktree, 'quartet-env-dump.txt'), 'utf8'));
    for (const [i, d] of dumps.entries()) {
      assert.match(d, new RegExp(`QUARTET_ATTEMPT_ID=${attempts[i]!.id}`));
      assert.match(d, /QUARTET_PORT=\d+/);
      assert.match(d, /CODEX_HOME=/);
    }
    assert.match(
      viaCli.prompt,
      /use \[REDACTED\] and \[REDACTED\]/,
      'secrets pasted into a prompt are redacted before anything sees them',
    );
    // A follow-up message (the panel's message box) with a pasted token: redacted before the model or a journal sees it.
    const more = await h.client.followUp(
      viaApi.attempts[0]!.id,
      `one more dump (use ${SUPERVISOR_SECRETS.GITHUB_TOKEN} and ${SENT.GH_TOKEN})`,
      'user-message',
    );
    assert.equal(more.status, 'completed', more.message);
    // Each thread's own last request: another thread (a review turn) may have asked the model since.
    const lastBodies = [...h.server.stats.threads.values()].map((x) => JSON.stringify(x.lastBody ?? ''));
    assert.ok(
      lastBodies.some((b) => /one more dump \(use \[REDACTED\] and \[REDACTED\]\)/.test(b)),
      'the model got the message, redacted',
    );

    const cleanup = await runCli(
      ['cleanup', '--items', attempts.map((a) => `branch:${a.id}`).join(','), '--json', '--repo', h.repo],
      h.env,
    );
    assert.equal(cleanup.code, 0, cleanup.stderr);
    const archived = (JSON.parse(cleanup.stdout) as { result: { archived: { patch: string }[] } }).result.archived;
    assert.equal(archived.length, 2);
    for (const a of archived)
      assert.match(readFileSync(a.patch, 'utf8'), /QUARTET_ATTEMPT_ID=/, 'the archive holds the env dump');

    const stateDir = join(h.repo, '.git', 'quartet');
    const artifacts = files(stateDir);
    assert.ok(
      artifacts.some((f) => f.endsWith('supervisor.log')),
      'the supervisor log is checked',
    );
    assert.ok(
      artifacts.some((f) => f.endsWith('attempt.patch')),
      'archives are checked',
    );
    assert.ok(artifacts.filter((f) => f.endsWith('.jsonl')).length >= 2, 'journals are checked');
    for (const f of artifacts) assertClean(f, readFileSync(f, 'latin1'));
    for (const [i, d] of dumps.entries()) assertClean(`the env of ${attempts[i]!.id}`, d);
    // CLI output and what the tree and the panel receive (snapshots; journal records — the panel's trace comes from these).
    assertClean('launch --json', cli.stdout + cli.stderr);
    const status = await runCli(['status', '--json', '--repo', h.repo], h.env);
    assertClean('status --json', status.stdout);
    assertClean('the snapshot', JSON.stringify(await h.client.snapshot()));
    assertClean('the Symphony state view', JSON.stringify(await h.client.state()));
    for (const a of attempts) assertClean(`journal API of ${a.id}`, JSON.stringify(await h.client.journal(a.id, 0)));
    for (const [id, thread] of h.server.stats.threads)
      assertClean(`what the model was sent last on thread ${id}`, JSON.stringify(thread.lastBody ?? ''));
  },
);
