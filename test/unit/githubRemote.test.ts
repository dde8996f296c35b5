// Unit: which remote is GitHub and its owner/repo (https, ssh, scp-like, .git or not), overrides, and the push auth env.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitHostOf, parseRemoteList, parseRemoteUrl, pickGithubTarget } from '../../src/core/github/remote';
import { gitAuthEnv } from '../../src/core/github/push';
import { GithubError, withoutSecret } from '../../src/core/github/errors';

test('remote URLs: https, http with port, ssh://, scp-like, git://, with and without .git or a trailing slash', () => {
  const cases: [string, string, string, string][] = [
    ['https://github.com/octo/hello-world.git', 'github.com', 'octo', 'hello-world'],
    ['https://github.com/octo/hello-world', 'github.com', 'octo', 'hello-world'],
    ['https://github.com/octo/hello-world/', 'github.com', 'octo', 'hello-world'],
    ['https://user:pw@github.com/Octo/Repo.js.git', 'github.com', 'Octo', 'Repo.js'],
    ['git@github.com:octo/hello-world.git', 'github.com', 'octo', 'hello-world'],
    ['git@github.com:octo/hello-world', 'github.com', 'octo', 'hello-world'],
    ['ssh://git@github.com/octo/hello-world.git', 'github.com', 'octo', 'hello-world'],
    ['ssh://git@github.com:22/octo/hello-world.git', 'github.com', 'octo', 'hello-world'],
    ['git://github.com/octo/hello-world.git', 'github.com', 'octo', 'hello-world'],
    ['http://127.0.0.1:4321/octo/sample.git', '127.0.0.1:4321', 'octo', 'sample'],
    ['https://ghe.example.com/org/team/tool.git', 'ghe.example.com', 'team', 'tool'],
  ];
  for (const [url, host, owner, repo] of cases) assert.deepEqual(parseRemoteUrl(url), { host, owner, repo }, url);
  for (const bad of [
    '/tmp/origin.git',
    '../origin.git',
    'file:///tmp/origin.git',
    'https://github.com/octo',
    'not a url',
    'https://github.com/octo/..',
  ]) {
    assert.equal(parseRemoteUrl(bad), null, bad);
  }
});

test('git remote -v → one entry per remote, the push URL winning', () => {
  const out =
    'origin\thttps://github.com/me/fork.git (fetch)\norigin\tgit@github.com:me/fork.git (push)\nupstream\thttps://github.com/octo/repo.git (fetch)\nupstream\thttps://github.com/octo/repo.git (push)\n';
  assert.deepEqual(parseRemoteList(out), [
    { name: 'origin', url: 'git@github.com:me/fork.git' },
    { name: 'upstream', url: 'https://github.com/octo/repo.git' },
  ]);
});

test('API host → git host', () => {
  assert.equal(gitHostOf('https://api.github.com'), 'github.com');
  assert.equal(gitHostOf('https://ghe.example.com/api/v3'), 'ghe.example.com');
  assert.equal(gitHostOf('http://127.0.0.1:4321'), '127.0.0.1:4321');
});

test('picking the target: origin first among remotes on the API host; explicit owner/repo and remote win', () => {
  const remotes = [
    { name: 'backup', url: '/mnt/backup.git' },
    { name: 'upstream', url: 'https://github.com/octo/repo.git' },
    { name: 'origin', url: 'git@github.com:me/fork.git' },
  ];
  assert.deepEqual(pickGithubTarget(remotes, {}), {
    remote: 'origin',
    remoteUrl: 'git@github.com:me/fork.git',
    owner: 'me',
    repo: 'fork',
  });
  assert.deepEqual(pickGithubTarget(remotes, { owner: 'octo', repo: 'repo' }), {
    remote: 'upstream',
    remoteUrl: 'https://github.com/octo/repo.git',
    owner: 'octo',
    repo: 'repo',
  });
  assert.deepEqual(pickGithubTarget(remotes, { remote: 'backup', owner: 'octo', repo: 'mirror' }), {
    remote: 'backup',
    remoteUrl: '/mnt/backup.git',
    owner: 'octo',
    repo: 'mirror',
  });
  assert.throws(
    () => pickGithubTarget(remotes, { remote: 'backup' }),
    /cannot tell the GitHub owner\/repo .* --github-owner/,
  );
  assert.throws(
    () => pickGithubTarget(remotes, { remote: 'nope' }),
    /no git remote named "nope" \(remotes: backup, upstream, origin\)/,
  );
  assert.throws(
    () => pickGithubTarget([{ name: 'origin', url: '/tmp/x.git' }], {}),
    (e: unknown) =>
      e instanceof GithubError &&
      e.reason === 'github_no_remote' &&
      /no git remote points at github\.com/.test(e.message),
  );
  const ghe = pickGithubTarget([{ name: 'origin', url: 'https://ghe.example.com/team/tool.git' }], {
    baseUrl: 'https://ghe.example.com/api/v3',
  });
  assert.equal(`${ghe.owner}/${ghe.repo}`, 'team/tool');
  // Explicit owner/repo without a matching URL: push to origin.
  assert.equal(pickGithubTarget([{ name: 'origin', url: '/srv/x.git' }], { owner: 'o', repo: 'r' }).remote, 'origin');
});

test('push auth: a header scoped to the remote host via GIT_CONFIG_*, appended after existing entries; none for non-http remotes', () => {
  const env = gitAuthEnv('https://github.com/octo/repo.git', 'ghp_secret123', {
    PATH: '/bin',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'core.x',
    GIT_CONFIG_VALUE_0: 'y',
  });
  assert.equal(env.GIT_CONFIG_COUNT, '2');
  assert.equal(env.GIT_CONFIG_KEY_0, 'core.x');
  assert.equal(env.GIT_CONFIG_KEY_1, 'http.https://github.com/.extraHeader');
  assert.equal(
    env.GIT_CONFIG_VALUE_1,
    `Authorization: Basic ${Buffer.from('x-access-token:ghp_secret123').toString('base64')}`,
  );
  assert.equal(env.GIT_TERMINAL_PROMPT, '0');
  for (const url of ['git@github.com:octo/repo.git', '/tmp/origin.git', 'file:///tmp/o.git']) {
    const e = gitAuthEnv(url, 'ghp_secret123', { PATH: '/bin' });
    assert.equal(e.GIT_CONFIG_COUNT, undefined, url);
    assert.doesNotMatch(JSON.stringify(e), /secret123/);
  }
  assert.equal(
    withoutSecret(
      `token ghp_secret123 and ${Buffer.from('x-access-token:ghp_secret123').toString('base64')}`,
      'ghp_secret123',
    ),
    'token [REDACTED] and [REDACTED]',
  );
});
