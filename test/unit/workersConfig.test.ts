// Unit: worker hosts — remote quoting (pure), the quartet.workers setting and WORKFLOW.md worker: keys, with their errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  invalidHost,
  remoteChild,
  remoteCommand,
  remotePathWord,
  RemoteQuotingError,
  shellWord,
} from '../../src/core/workers/remoteShell';
import { sshArgv, type SshSettings } from '../../src/core/workers/ssh';
import {
  DEFAULT_REMOTE_ROOT,
  effectiveWorkers,
  parseWorkersSetting,
  WorkerConfigError,
} from '../../src/core/workers/workerConfig';
import { parseWorkflow } from '../../src/core/workflow/loader';
import { WorkflowError } from '../../src/core/workflow/errors';

test("shellWord: single quotes, a quote as '\\'', nothing else escaped; NUL refused", () => {
  assert.equal(shellWord(''), "''");
  assert.equal(shellWord("it's $x"), "'it'\\''s $x'");
  assert.equal(shellWord('a\nb`c`'), "'a\nb`c`'");
  assert.throws(() => shellWord('a\0b'), RemoteQuotingError);
  assert.equal(remoteCommand(['git', '-C', '/a b', 'status']), "'git' '-C' '/a b' 'status'");
  assert.throws(() => remoteCommand([]), RemoteQuotingError);
});

test('remotePathWord: ~ is the home over there, absolute paths quoted, relative and NUL refused', () => {
  assert.equal(remotePathWord('~'), '"$HOME"');
  assert.equal(remotePathWord('~/'), '"$HOME"/');
  assert.equal(remotePathWord("~/q r/it's"), `"$HOME"/'q r/it'\\''s'`);
  assert.equal(remotePathWord('/srv/$x'), "'/srv/$x'");
  for (const bad of ['-rf', 'rel/path', '~other/x', '', '/a\0b'])
    assert.throws(() => remotePathWord(bad), RemoteQuotingError, bad);
  assert.equal(remoteChild('~/q', 'a b'), '~/q/a b');
  for (const bad of ['', '.', '..', 'a/b']) assert.throws(() => remoteChild('~/q', bad), RemoteQuotingError);
});

test('invalidHost: a leading -, whitespace and control characters are refused; aliases, user@host, ssh:// pass', () => {
  for (const ok of ['build-1', 'me@build-1.example.com', 'ssh://me@10.0.0.5:2222', '[::1]'])
    assert.equal(invalidHost(ok), null, ok);
  for (const bad of ['', '  ', '-oProxyCommand=x', 'a b', 'a\nb', 'a\tb'])
    assert.notEqual(invalidHost(bad), null, JSON.stringify(bad));
});

test('sshArgv: BatchMode, a ControlMaster per host, no forwarding, -F only when asked, the host after --', () => {
  const s: SshSettings = {
    configFile: null,
    controlDir: '/tmp/qs',
    controlPersistSeconds: 60,
    connectTimeoutSeconds: 5,
    env: {},
  };
  const argv = sshArgv('me@b1', s, { command: "'true'" });
  assert.deepEqual(argv.slice(-3), ['--', 'me@b1', "'true'"]);
  for (const o of [
    'BatchMode=yes',
    'ControlMaster=auto',
    'ControlPath=/tmp/qs/%C',
    'ControlPersist=60',
    'ForwardAgent=no',
    'ClearAllForwardings=yes',
  ])
    assert.ok(argv.includes(o), o);
  assert.ok(!argv.includes('-F'));
  assert.deepEqual(sshArgv('b1', { ...s, configFile: '/c' }, { control: 'exit' }).slice(0, 2), ['-F', '/c']);
  assert.deepEqual(sshArgv('b1', s, { control: 'exit' }).slice(-4), ['-O', 'exit', '--', 'b1']);
  assert.throws(() => sshArgv('-oProxyCommand=x', s, { command: 'true' }), RemoteQuotingError);
  assert.throws(() => sshArgv('b1', { ...s, controlDir: `/tmp/${'x'.repeat(60)}` }, { command: 'true' }), /too long/);
});

test('quartet.workers: entries with defaults; every bad entry is named', () => {
  assert.deepEqual(parseWorkersSetting([{ host: ' me@b1 ', capacity: 4, worktreeRoot: '~/quartet' }, { host: 'b2' }]), [
    { host: 'me@b1', capacity: 4, worktreeRoot: '~/quartet', source: 'setting' },
    { host: 'b2', capacity: null, worktreeRoot: DEFAULT_REMOTE_ROOT, source: 'setting' },
  ]);
  assert.deepEqual(parseWorkersSetting(undefined), []);
  const cases: [unknown, RegExp][] = [
    [{ host: 'b1' }, /^quartet\.workers must be a list/],
    [['b1'], /^quartet\.workers\[0\] must be an object/],
    [[{ host: 'b1', cap: 2 }], /^quartet\.workers\[0\] has unknown key "cap"/],
    [[{ capacity: 2 }], /^quartet\.workers\[0\]\.host must be an ssh destination/],
    [[{ host: 'b1' }, { host: '-x' }], /^quartet\.workers\[1\]\.host: host "-x" starts with "-"/],
    [[{ host: 'b1' }, { host: 'b1' }], /^quartet\.workers\[1\]\.host: b1 is listed twice/],
    [[{ host: 'b1', capacity: 0 }], /^quartet\.workers\[0\]\.capacity must be a whole number from 1 to 64 \(got 0\)/],
    [[{ host: 'b1', capacity: 2.5 }], /capacity must be a whole number/],
    [[{ host: 'b1', worktreeRoot: 'quartet' }], /worktreeRoot "quartet": it must be absolute or start with ~\//],
    [[{ host: 'b1', worktreeRoot: '~/a/../b' }], /must not contain "\.\."/],
    [[{ host: 'b1', worktreeRoot: '/a\nb' }], /control character/],
  ];
  for (const [raw, msg] of cases)
    assert.throws(
      () => parseWorkersSetting(raw),
      (e: unknown) => e instanceof WorkerConfigError && msg.test(e.message),
      JSON.stringify(raw),
    );
});

const wf = (front: string) => parseWorkflow(`---\n${front}\n---\nDo it.\n`, '/repo/WORKFLOW.md', { env: {} });

test('WORKFLOW.md worker: Symphony keys, the root as written for the hosts, absent = local only', () => {
  assert.deepEqual(wf('tracker: {kind: local}').config.worker, {
    sshHosts: [],
    maxConcurrentAgentsPerHost: null,
    remoteRoot: null,
  });
  const w = wf('worker:\n  ssh_hosts: [me@b1, b2]\n  max_concurrent_agents_per_host: 3\nworkspace:\n  root: ~/ws')
    .config.worker;
  assert.deepEqual(w, { sshHosts: ['me@b1', 'b2'], maxConcurrentAgentsPerHost: 3, remoteRoot: '~/ws' });
  assert.deepEqual(effectiveWorkers(null, w), [
    { host: 'me@b1', capacity: 3, worktreeRoot: '~/ws', source: 'workflow' },
    { host: 'b2', capacity: 3, worktreeRoot: '~/ws', source: 'workflow' },
  ]);
  // The user's setting replaces the repository's list.
  assert.deepEqual(
    effectiveWorkers(parseWorkersSetting([{ host: 'mine' }]), w).map((h) => h.host),
    ['mine'],
  );
  const rel = wf('worker:\n  ssh_hosts: [b1]\nworkspace:\n  root: rel/ws');
  assert.equal(rel.config.worker.remoteRoot, null);
  assert.match(rel.notes.join('\n'), /workspace\.root "rel\/ws" cannot be a root on worker hosts/);
  assert.deepEqual(wf('worker:\n  ssh_hosts: [b1]\n  shiny: 1').ignored, ['worker.shiny']);
});

test('WORKFLOW.md worker: bad values are invalid_workflow_config naming the key', () => {
  const cases: [string, RegExp][] = [
    ['worker: [b1]', /^worker: expected a map/],
    ['worker:\n  ssh_hosts: b1', /^worker\.ssh_hosts: expected a list of strings/],
    [
      'worker:\n  ssh_hosts: ["-oProxyCommand=x"]',
      /^worker\.ssh_hosts\[0\]: expected an ssh destination \(host "-oProxyCommand=x" starts with "-"/,
    ],
    ['worker:\n  ssh_hosts: [b1, b1]', /^worker\.ssh_hosts\[1\]: expected each host once/],
    [
      'worker:\n  ssh_hosts: [b1]\n  max_concurrent_agents_per_host: 0',
      /^worker\.max_concurrent_agents_per_host: expected an integer from 1 to 64 \(got 0\)/,
    ],
  ];
  for (const [front, msg] of cases) {
    assert.throws(
      () => wf(front),
      (e: unknown) => e instanceof WorkflowError && e.code === 'invalid_workflow_config' && msg.test(e.message),
      front,
    );
  }
});
