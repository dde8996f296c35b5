// Integration: `quartet workflow validate` as a separate process — OK + summary (exit 0), typed one-line errors (exit 2), --json, --help.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/repoHarness';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/workflow');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };

test('validate: OK, the effective config and ignored keys; exit 0', async () => {
  const r = await runCli(['workflow', 'validate', join(FIXTURES, 'quartet-keys.md')], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^OK ${join(FIXTURES, 'quartet-keys.md')}\n`));
  assert.match(r.stdout, /codex {7}codex app-server · approval on-request · sandbox read-only/);
  assert.match(r.stdout, /quartet {5}attempts 3 · checks `npm run check` · land merge\/auto\/pr/);
  assert.match(r.stdout, /^ignored \(nobody reads them\): quartet\.shiny, experimental$/m);
  assert.match(r.stdout, /never reads issue\.description/);
  assert.equal(r.stderr, '');
});

test('validate --json: machine-readable, with no resolved secret values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-wfcli-'));
  try {
    writeFileSync(
      join(dir, 'WORKFLOW.md'),
      '---\ntracker:\n  kind: linear\n  provider:\n    api_key: $LINEAR_API_KEY\n    project_slug: demo\n---\n{{ issue.title }}: {{ issue.description }}\n',
    );
    const r = await runCli(['workflow', 'validate', join(dir, 'WORKFLOW.md'), '--json'], {
      ...env,
      LINEAR_API_KEY: 'lin_api_supersecret_value',
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      config: { tracker: { provider: Record<string, unknown>; providerEnvRefs: Record<string, string> } };
      preflight: unknown[];
    };
    assert.equal(out.ok, true);
    assert.deepEqual(out.config.tracker.provider, { api_key: '$LINEAR_API_KEY', project_slug: 'demo' });
    assert.deepEqual(out.config.tracker.providerEnvRefs, { api_key: 'LINEAR_API_KEY' });
    assert.deepEqual(out.preflight, []);
    assert.doesNotMatch(r.stdout, /supersecret/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate: invalid files exit 2 with one typed line on stderr (default path ./WORKFLOW.md)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-wfcli-'));
  try {
    const cases: [string, RegExp][] = [
      [
        '---\nagent:\n  max_turns: 0\n---\n',
        /: invalid_workflow_config: agent\.max_turns: expected a positive integer \(got 0\)$/,
      ],
      ['---\n- a\n---\n', /: workflow_front_matter_not_a_map: /],
      ['---\ncodex: [\n---\n', /: workflow_parse_error: invalid YAML front matter/],
      ['Hello {% include "x" %}', /: template_parse_error: unknown tag "include"/],
      ['Hello {{ issue.nope }}', /: template_render_error: unknown variable "issue\.nope" \(line 1\)$/],
      ['Hello {{ issue.title | shout }}', /: template_render_error: unknown filter "shout"/],
    ];
    for (const [text, stderr] of cases) {
      writeFileSync(join(dir, 'WORKFLOW.md'), text);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
        // Run from the folder: the default path is ./WORKFLOW.md.
        execFile(
          process.execPath,
          [resolve(__dirname, '../../../dist/cli.js'), 'workflow', 'validate'],
          { cwd: dir, env },
          (err, stdout, se) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: se }),
        );
      });
      assert.equal(r.code, 2, text);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), stderr, text);
      assert.ok(r.stderr.startsWith(`quartet: ${join(dir, 'WORKFLOW.md')}: `), r.stderr);
    }
    rmSync(join(dir, 'WORKFLOW.md'));
    const noDefault = await new Promise<{ code: number; stderr: string }>((res) => {
      execFile(
        process.execPath,
        [resolve(__dirname, '../../../dist/cli.js'), 'workflow', 'validate'],
        { cwd: dir, env },
        (err, _out, se) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr: se }),
      );
    });
    assert.equal(noDefault.code, 2, 'a missing ./WORKFLOW.md is an error for validate');
    assert.match(noDefault.stderr, /^quartet: missing_workflow_file: cannot read .*WORKFLOW\.md: no such file\n$/);
    const missing = await runCli(['workflow', 'validate', join(dir, 'nope.md')], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^quartet: missing_workflow_file: cannot read .*nope\.md: no such file\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workflow --help and usage errors', async () => {
  const help = await runCli(['workflow', '--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^quartet workflow validate \[PATH\] \[--json\]/);
  const bad = await runCli(['workflow', 'check'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /usage: quartet workflow validate/);
  const main = await runCli(['--help'], env);
  assert.match(main.stdout, /quartet workflow validate \[PATH\] \[--json\]/);
});

test('validate: the adapter preflight names a missing tracker credential (typed, no value) and passes once one is set', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-wfcli-'));
  try {
    const file = join(dir, 'WORKFLOW.md');
    writeFileSync(
      file,
      '---\ntracker:\n  kind: github\n  provider:\n    repo: acme/widgets\n    token: $ACME_TOKEN\n---\n{{ issue.title }}: {{ issue.description }}\n',
    );
    const missing = await runCli(['workflow', 'validate', file], env);
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(
      missing.stdout,
      /^dispatch preflight \(Autopilot\): missing_tracker_secret: No GitHub token for acme\/widgets: set environment variable ACME_TOKEN \(from tracker\.provider\.token\)\.$/m,
    );
    const secret = 'ghp_validateSecret0123456789';
    const ok = await runCli(['workflow', 'validate', file, '--json'], { ...env, ACME_TOKEN: secret });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as { preflight: unknown[] }).preflight, []);
    assert.doesNotMatch(ok.stdout, new RegExp(secret));
    // The adapter's own config checks run too: a bad repo is invalid_tracker_config; an unknown kind names the registry.
    writeFileSync(
      file,
      '---\ntracker:\n  kind: github\n  provider:\n    repo: not-a-repo\n---\n{{ issue.description }}\n',
    );
    const bad = await runCli(['workflow', 'validate', file, '--json'], env);
    assert.deepEqual(
      (JSON.parse(bad.stdout) as { preflight: { code: string }[] }).preflight.map((p) => p.code),
      ['invalid_tracker_config'],
    );
    writeFileSync(file, '---\ntracker:\n  kind: jira\n---\n{{ issue.description }}\n');
    const jira = await runCli(['workflow', 'validate', file], env);
    assert.match(
      jira.stdout,
      /unsupported_tracker_kind: tracker\.kind "jira" is not supported \(supported: local, github, linear\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
