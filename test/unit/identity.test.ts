// Unit: ids, task keys, branch names, the default prompt and commit messages, and secret scrubbing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptId, branchName, newTaskId, slugify, taskKey } from '../../src/core/orchestrator/ids';
import { commitMessage, defaultPrompt } from '../../src/core/policy/defaultPrompt';
import { redact, scrubSecrets, secretValues } from '../../src/core/config/secrets';
import { validateLaunch, validateOverrides, UsageError } from '../../src/core/orchestrator/validation';

test('ids and names follow docs/ARCHITECTURE.md', () => {
  const id = newTaskId();
  assert.match(id, /^t-[0-9a-f]{12}$/);
  assert.equal(attemptId(id, 3), `${id}-3`);
  const key = taskKey('Fix the Login Bug!!', id);
  assert.equal(key, `fix-the-login-bug-${id.slice(2, 10)}`);
  assert.equal(branchName(key, 2), `quartet/${key}/2`);
});

test('slugs are bounded, ASCII and never empty', () => {
  assert.equal(slugify('../../etc/passwd; rm -rf /'), 'etc-passwd-rm-rf');
  assert.equal(slugify('日本語'), 'task');
  assert.equal(slugify('Crème brûlée'), 'creme-brulee');
  assert.ok(slugify('a'.repeat(500)).length <= 40);
});

test('launch validation: clear errors for bad input', () => {
  assert.throws(() => validateLaunch({ title: '   ', prompt: 'x', attempts: 4 }), UsageError);
  assert.throws(() => validateLaunch({ title: 't', prompt: 'x', attempts: 0 }), /from 1 to 16/);
  assert.throws(() => validateLaunch({ title: 't', prompt: 'x', attempts: 2.5 }), /whole number/);
  assert.equal(validateLaunch({ title: 't\nx', prompt: '', attempts: 1 }).prompt, 't x');
  assert.equal(validateLaunch({ title: 'x'.repeat(10_000), prompt: 'p', attempts: 1 }).title.length, 200);
  assert.equal(
    validateLaunch({ title: 't', prompt: '# Goal\n\n- one\n- two\n', attempts: 1 }).prompt,
    '# Goal\n\n- one\n- two',
    'a multi-line prompt stays whole',
  );
});

test('per-task overrides (the New Task form): a bad model name or token budget is a usage error, good ones pass', () => {
  for (const model of ['gpt 5', 'x; rm -rf /', '', '-m', 'a'.repeat(101)])
    assert.throws(() => validateOverrides({ model }), UsageError, model);
  for (const tokenBudget of [0, -5, 1.5, Number.NaN])
    assert.throws(() => validateOverrides({ tokenBudget }), /whole number of tokens/);
  assert.throws(() => validateOverrides({ tokenBudget: '5000' as unknown as number }), UsageError);
  for (const model of ['gpt-5.5', 'o4-mini', 'openrouter/meta:llama-3', null])
    assert.doesNotThrow(() => validateOverrides({ model }));
  assert.doesNotThrow(() => validateOverrides({ tokenBudget: 200_000, base: 'main' }));
  assert.doesNotThrow(() => validateOverrides({}));
  for (const base of ['--upload-pack=touch x', '-b', ' '])
    assert.throws(() => validateOverrides({ base }), /not a branch or commit/);
});

test('the default prompt states the worktree, the checks and who commits', () => {
  const p = defaultPrompt({
    title: 'T',
    prompt: 'Do X',
    index: 2,
    attempts: 4,
    worktree: '/w/2',
    branch: 'quartet/t/2',
  });
  assert.match(p, /^Do X/);
  assert.match(p, /attempt 2 of 4/);
  assert.match(p, /\/w\/2/);
  assert.match(p, /checks/);
  assert.match(p, /Quartet commits/);
});

test('commit messages come from the final message, with a fallback and a trailer', () => {
  assert.equal(
    commitMessage('## Add greeting\n\nAdded hello().', 'T', 'a-1'),
    'Add greeting\n\nAdded hello().\n\nQuartet-Attempt: a-1\n',
  );
  assert.equal(commitMessage(null, 'My task', 'a-2'), 'Quartet: My task\n\nQuartet-Attempt: a-2\n');
  assert.ok((commitMessage('x'.repeat(200), 'T', 'a').split('\n')[0] ?? '').length <= 72);
});

test('declared secrets never pass and their values are redacted', () => {
  const env = { GITHUB_TOKEN: 'ghp_secret123', MY_KEY: 'hunter2-long', QUARTET_SECRET_ENV: 'MY_KEY', PATH: '/bin' };
  const clean = scrubSecrets(env);
  assert.equal(clean.GITHUB_TOKEN, undefined);
  assert.equal(clean.MY_KEY, undefined);
  assert.equal(clean.PATH, '/bin');
  assert.equal(scrubSecrets({ X: 'y' }, ['X']).X, undefined);
  const values = secretValues(env);
  assert.equal(redact('token ghp_secret123 and hunter2-long', values), 'token [REDACTED] and [REDACTED]');
});
