// Unit: what a sandboxed check or hook gets — the minimal environment, the argv, and the machine-only setting that allows none.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOOPBACK_PROFILE,
  minimalEnv,
  notRunMessage,
  sandboxArgv,
  SANDBOX_ENV_KEYS,
} from '../../src/core/execution/sandbox';
import { supervisorSettings } from '../../src/extension/settingsModel';
import { describeCheckRun } from '../../src/core/land/checkRun';

test('minimalEnv keeps only the listed variables plus CI defaults: no token, key, agent socket or cloud credential', () => {
  const env = {
    PATH: '/usr/bin',
    HOME: '/home/me',
    CODEX_HOME: '/home/me/.codex',
    LANG: 'C.UTF-8',
    GITHUB_TOKEN: 'ghp',
    GH_TOKEN: 'gh',
    NPM_TOKEN: 'npm',
    OPENAI_API_KEY: 'sk',
    LINEAR_API_KEY: 'lin',
    SSH_AUTH_SOCK: '/run/ssh.sock',
    AWS_SECRET_ACCESS_KEY: 'aws',
    GOOGLE_APPLICATION_CREDENTIALS: '/k.json',
    QUARTET_CODEX: '/bin/codex',
    DISPLAY: ':0',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/bus',
  };
  const out = minimalEnv(env, { QUARTET_ATTEMPT_ID: 't-1-1' });
  assert.deepEqual(out, {
    PATH: '/usr/bin',
    HOME: '/home/me',
    CODEX_HOME: '/home/me/.codex',
    LANG: 'C.UTF-8',
    CI: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    NO_UPDATE_NOTIFIER: '1',
    npm_config_update_notifier: 'false',
    QUARTET_ATTEMPT_ID: 't-1-1',
  });
  for (const key of SANDBOX_ENV_KEYS)
    assert.doesNotMatch(key, /TOKEN|KEY|SECRET|SSH|CREDENTIAL/, `${key} must not carry a secret`);
});

test('sandboxArgv: codex sandbox <profile> -C <worktree> -- <command>; the loopback profile is declared on the command line', () => {
  const s = {
    codex: '/bin/codex',
    profile: LOOPBACK_PROFILE,
    args: ['--enable', 'network_proxy', '-P', LOOPBACK_PROFILE],
  };
  const env = { PATH: '/usr/bin' };
  assert.deepEqual(sandboxArgv(s, '/wt', ['sh', '-c', 'npm test'], env), {
    file: '/bin/codex',
    args: ['sandbox', '--enable', 'network_proxy', '-P', LOOPBACK_PROFILE, '-C', '/wt', '--', 'sh', '-c', 'npm test'],
    env,
  });
  assert.match(
    notRunMessage('no bwrap'),
    /^not run: the sandbox is unavailable \(no bwrap\); set quartet\.checks\.allowUnsandboxed/,
  );
  const base = {
    command: 'node test.js',
    ok: true,
    exitCode: 0,
    timedOut: false,
    durationMs: 5,
    outputTail: '',
    report: null,
    summary: [],
  };
  assert.equal(
    describeCheckRun({ ...base, sandboxed: true, profile: LOOPBACK_PROFILE }),
    '`node test.js` in the sandbox (quartet-checks)',
  );
  assert.equal(describeCheckRun({ ...base, sandboxed: false, profile: null }), '`node test.js` WITHOUT the sandbox');
});

test('quartet.checks.allowUnsandboxed: off by default, machine scope (a workspace cannot turn it on), sent to the supervisor', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string }> } };
  };
  const setting = pkg.contributes.configuration.properties['quartet.checks.allowUnsandboxed'];
  assert.equal(setting?.default, false);
  assert.equal(setting?.scope, 'machine');
  assert.equal(supervisorSettings(() => undefined).allowUnsandboxedChecks, false);
  assert.equal(
    supervisorSettings((k) => (k === 'checks.allowUnsandboxed' ? true : undefined)).allowUnsandboxedChecks,
    true,
  );
  assert.equal(
    supervisorSettings((k) => (k === 'checks.allowUnsandboxed' ? 'yes' : undefined)).allowUnsandboxedChecks,
    false,
    'only a real true',
  );
});
