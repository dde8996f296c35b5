// Unit: tasks made from tracker issues — the validated source and the task key derived from the identifier.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issueTaskKey, validateIssueSource } from '../../src/core/orchestrator/issueTasks';
import { branchName } from '../../src/core/orchestrator/ids';

test('issue sources are validated; links other than http(s) are dropped', () => {
  const s = validateIssueSource({
    kind: 'github',
    issueId: 'I_1',
    identifier: '#1',
    url: 'https://github.com/o/r/issues/1',
    state: 'open',
  });
  assert.equal(s.url, 'https://github.com/o/r/issues/1');
  assert.equal(
    validateIssueSource({ kind: 'github', issueId: 'I_1', identifier: '#1', url: 'javascript:alert(1)', state: 'open' })
      .url,
    null,
  );
  assert.throws(
    () => validateIssueSource({ kind: 'github', identifier: '#1', state: 'open' }),
    /source.issueId is required/,
  );
  assert.throws(() => validateIssueSource('I_1'), /must be an object/);
  assert.throws(() => validateIssueSource({ kind: 'x', issueId: 'i', identifier: '', state: 'open' }), /identifier/);
});

test('task keys from identifiers: led by the identifier, path- and ref-safe whatever it contains, unique by task id', () => {
  assert.equal(issueTaskKey('#42', 'Fix the greeter', 't-1a2b3c4d5e6f'), '42-fix-the-greeter-1a2b3c4d');
  assert.equal(issueTaskKey('ABC-123', 'Login', 't-000000000001'), 'abc-123-login-00000000');
  const evil = issueTaskKey('../../etc/passwd', '`rm -rf /` ~HEAD^:', 't-ffffffffffff');
  assert.match(evil, /^[a-z0-9-]+$/);
  assert.equal(evil.startsWith('-'), false);
  assert.notEqual(issueTaskKey('#1', 'Same', 't-aaaaaaaa0000'), issueTaskKey('#1', 'Same', 't-bbbbbbbb0000'));
  assert.match(branchName(evil, 1), /^quartet\/[a-z0-9-]+\/1$/);
});
