// Integration: worker hosts over real OpenSSH (Debian sshd per host) — hostile quoting, preflight, `quartet workers`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteCommand, remotePathWord } from '../../src/core/workers/remoteShell';
import { closeSshMaster, runSsh } from '../../src/core/workers/ssh';
import { preflightHost } from '../../src/core/workers/preflight';
import { git, makeRepo, runCli } from '../support/repoHarness';
import { sshdAvailable, startSshLab, type SshLab } from '../support/sshd';

/** Every kind of name that breaks naive quoting; `pwned` marks a command that must never run. */
const HOSTILE = [
  'with space',
  "it's",
  'dollar $HOME ${PATH}',
  'semi;colon; touch pwned',
  'back`touch pwned`tick',
  '$(touch pwned)',
  'new\nline',
  '-leading-dash',
  'ünïcødé ✓ 名前',
  '"double" \\ back\\slash',
  '*glob? [a]',
  '~tilde',
  "'; touch pwned; '",
  '|| touch pwned &',
];

let lab: SshLab;
const skip = sshdAvailable ? false : 'needs /usr/sbin/sshd (scripts/setup.sh installs openssh-server)';

before(async () => {
  if (skip) return;
  lab = await startSshLab([
    { name: 'alpha' },
    { name: 'nocodex', path: '/usr/bin:/bin' },
    { name: 'gone', down: true },
  ]);
});
after(async () => lab?.close());

const host = (name: string) => lab.hosts.find((h) => h.name === name)!;

test('hostile arguments arrive byte for byte through the real ssh and shell', { skip }, async () => {
  const r = await runSsh('alpha', remoteCommand(['printf', '%s\\0', ...HOSTILE]), lab.settings());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
  assert.ok(!existsSync(join(host('alpha').home, 'pwned')), 'a quoted word ran as a command');
});

test("hostile remote paths under ~ are created exactly as named, in that host's HOME", { skip }, async () => {
  const cmd = HOSTILE.map((n) => `mkdir -p -- ${remotePathWord(`~/hostile dir/${n}`)}`).join(' && ');
  const r = await runSsh('alpha', cmd, lab.settings());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(host('alpha').home, 'hostile dir')).sort(), [...HOSTILE].sort());
  assert.ok(!existsSync(join(host('alpha').home, 'pwned')));
});

test(
  'preflight of a healthy host: git and codex versions, the root expanded there and writable, free disk',
  { skip },
  async () => {
    const root = "~/wt root/it's $x";
    const h = await preflightHost(
      { host: 'alpha', capacity: 2, worktreeRoot: root, source: 'setting' },
      lab.settings(),
    );
    assert.equal(h.ok, true, h.problems.join('; '));
    assert.equal(h.reachable, true);
    assert.match(h.git ?? '', /^git version \d/);
    assert.match(h.codex ?? '', /^codex-cli \d/);
    assert.equal(h.resolvedRoot, join(host('alpha').home, "wt root/it's $x"));
    assert.ok(existsSync(join(host('alpha').home, "wt root/it's $x")), 'the root was created on the host');
    assert.equal(h.writable, true);
    assert.ok((h.freeBytes ?? 0) > 0);
    assert.deepEqual(readdirSync(join(host('alpha').home, "wt root/it's $x")), [], 'the probe file was removed');
    assert.deepEqual(h.notes, []);
    const other = await preflightHost(
      { host: 'alpha', capacity: 2, worktreeRoot: '~/q', source: 'setting' },
      lab.settings(),
      { localCodexVersion: 'codex-cli 0.0.1' },
    );
    assert.equal(other.ok, true, 'another Codex version is a note, not a problem');
    assert.deepEqual(other.notes, [`${h.codex} there, codex-cli 0.0.1 here: the app-server protocol may differ`]);
  },
);

test("preflight says so when codex is not on the host's PATH", { skip }, async () => {
  const h = await preflightHost(
    { host: 'nocodex', capacity: 2, worktreeRoot: '~/quartet', source: 'setting' },
    lab.settings(),
  );
  assert.equal(h.reachable, true);
  assert.equal(h.ok, false);
  assert.equal(h.codex, null);
  assert.match(h.git ?? '', /^git version/);
  assert.deepEqual(h.problems, ['codex is missing on nocodex: codex is not on PATH (login PATH there: /usr/bin:/bin)']);
});

test('an unreachable host is a clear error, not a hang', { skip }, async () => {
  const h = await preflightHost(
    { host: 'gone', capacity: 2, worktreeRoot: '~/quartet', source: 'setting' },
    lab.settings(),
  );
  assert.equal(h.reachable, false);
  assert.equal(h.ok, false);
  assert.match(h.error ?? '', /port \d+: Connection refused/);
  assert.match(h.problems[0] ?? '', /^cannot reach gone over ssh: .*Connection refused/);
});

test('one shared connection per host (ControlMaster), ended by closeSshMaster', { skip }, async () => {
  const settings = lab.settings();
  const sockets = () => readdirSync(settings.controlDir);
  await closeSshMaster('alpha', settings);
  const before = sockets().length;
  assert.equal((await runSsh('alpha', 'true', settings)).code, 0);
  assert.equal(sockets().length, before + 1, 'a control socket for alpha');
  assert.equal((await runSsh('alpha', 'true', settings)).code, 0);
  assert.equal(sockets().length, before + 1, 'the second command reused it');
  await closeSshMaster('alpha', settings);
  assert.equal(sockets().length, before);
});

test('quartet workers: --workers hosts, text and --json, exit 1 when one is not ready', { skip }, async () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  const workers = JSON.stringify([
    { host: 'alpha', capacity: 2, worktreeRoot: '~/q' },
    { host: 'nocodex', capacity: 1 },
    { host: 'gone' },
  ]);
  const json = await runCli(['workers', '--workers', workers, '--ssh-config', lab.configFile, '--json'], env);
  assert.equal(json.code, 1, json.stderr);
  const out = JSON.parse(json.stdout) as {
    source: string;
    hosts: {
      host: string;
      capacity: number | null;
      health: { ok: boolean; codex: string | null; reachable: boolean };
    }[];
  };
  assert.equal(out.source, 'setting');
  assert.deepEqual(
    out.hosts.map((h) => [h.host, h.capacity, h.health.ok, h.health.reachable]),
    [
      ['alpha', 2, true, true],
      ['nocodex', 1, false, true],
      ['gone', null, false, false],
    ],
  );
  const text = await runCli(['workers', '--workers', workers, '--ssh-config', lab.configFile], env);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^alpha {2}\(setting, capacity 2\) {2}ok/m);
  assert.match(text.stdout, /✗ codex is missing on nocodex/);
  assert.match(text.stdout, /^gone .*\n {2}unreachable: .*Connection refused/m);
});

test('quartet workers reads WORKFLOW.md worker.ssh_hosts; a bad entry exits 2 naming it', { skip }, async () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  const dir = mkdtempSync(join(tmpdir(), 'q-workers-'));
  try {
    const repo = makeRepo(dir);
    writeFileSync(
      join(repo, 'WORKFLOW.md'),
      '---\nworker:\n  ssh_hosts: [alpha]\n  max_concurrent_agents_per_host: 3\n---\n',
    );
    git(repo, 'add', 'WORKFLOW.md');
    const ok = await runCli(['workers', '--repo', repo, '--ssh-config', lab.configFile, '--json'], env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const out = JSON.parse(ok.stdout) as {
      source: string;
      hosts: { host: string; capacity: number; worktreeRoot: string }[];
    };
    assert.equal(out.source, 'workflow');
    assert.deepEqual(
      out.hosts.map((h) => [h.host, h.capacity, h.worktreeRoot]),
      [['alpha', 3, '~/.quartet/worktrees']],
    );
    writeFileSync(
      join(repo, 'WORKFLOW.md'),
      '---\nworker:\n  ssh_hosts: [alpha]\n  max_concurrent_agents_per_host: 0\n---\n',
    );
    const invalid = await runCli(['workers', '--repo', repo, '--ssh-config', lab.configFile], env);
    assert.equal(invalid.code, 2);
    assert.match(
      invalid.stderr,
      /WORKFLOW\.md: invalid_workflow_config: worker\.max_concurrent_agents_per_host: expected an integer from 1 to 64 \(got 0\)\n$/,
    );
    const bad = await runCli(['workers', '--workers', '[{"host":"-oProxyCommand=touch pwned"}]'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^quartet: --workers\[0\]\.host: host "-oProxyCommand=touch pwned" starts with "-"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "a host that drops mid-command ends the command with ssh's 255 at once, and later calls say it is unreachable",
  { skip },
  async () => {
    const drop = await startSshLab([{ name: 'flaky' }]);
    try {
      const settings = drop.settings();
      const started = Date.now();
      const running = runSsh('flaky', 'echo started; sleep 60', settings);
      // Wait until the command runs there, then pull the plug.
      const until = Date.now() + 10_000;
      while (!readdirSync(settings.controlDir).length && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      await drop.hosts[0]!.kill();
      const r = await running;
      assert.equal(r.code, 255, `${r.code} ${r.stderr}`);
      assert.ok(Date.now() - started < 20_000, 'no wait for the command or a keepalive');
      const h = await preflightHost({ host: 'flaky', capacity: 1, worktreeRoot: '~/q', source: 'setting' }, settings);
      assert.equal(h.reachable, false);
      assert.match(h.error ?? '', /Connection refused/);
    } finally {
      await drop.close();
    }
  },
);
