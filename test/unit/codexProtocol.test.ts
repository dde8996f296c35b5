// Unit: normalizing app-server notifications, humanized summaries, and the policy for server requests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JOURNAL_ONLY_NOTIFICATIONS, normalizeNotification, turnErrorText } from '../../src/core/execution/codexEvents';
import { humanize, shortCommand } from '../../src/core/observability/humanize';
import { triageServerRequest, type TriageContext } from '../../src/core/execution/serverRequests';

const WT = '/tmp/wt-root/task/1';
const ctx = (over: Partial<TriageContext> = {}): TriageContext => ({
  worktree: WT,
  autoApprove: 'patches-in-worktree',
  allowedCommandPrefixes: [],
  patchPaths: () => null,
  ...over,
});

test('command items become command events with a humanized summary', () => {
  const e = normalizeNotification(
    'item/completed',
    {
      item: {
        type: 'commandExecution',
        id: 'c1',
        command: '/bin/bash -lc "npm test"',
        status: 'failed',
        exitCode: 1,
        durationMs: 40,
        aggregatedOutput: 'x'.repeat(5000),
      },
    },
    WT,
  );
  assert.equal(e?.type, 'command');
  assert.equal(humanize(e!), 'ran `npm test` (exit 1)');
  if (e?.type === 'command') assert.equal(e.outputTail.length, 2000);
});

test('file changes are reported relative to the worktree', () => {
  const e = normalizeNotification(
    'item/completed',
    {
      item: {
        type: 'fileChange',
        id: 'p1',
        status: 'completed',
        changes: [
          { path: `${WT}/a.txt`, kind: { type: 'add' } },
          { path: `${WT}/b/c.ts`, kind: { type: 'update' } },
          { path: `${WT}/d`, kind: { type: 'delete' } },
        ],
      },
    },
    WT,
  );
  assert.deepEqual(e?.type === 'file_change' && e.files.map((f) => f.path), ['a.txt', 'b/c.ts', 'd']);
  assert.equal(humanize(e!), 'edited 3 files');
});

test('turn completion carries status and error; JSON error bodies are unwrapped', () => {
  const e = normalizeNotification(
    'turn/completed',
    {
      threadId: 't',
      turn: { id: 'u1', status: 'failed', error: { message: '{"error":{"message":"fake bad request"}}' } },
    },
    WT,
  );
  assert.equal(e?.type === 'turn_completed' && e.status, 'failed');
  assert.equal(turnErrorText(e?.type === 'turn_completed' ? (e.error ?? '') : ''), 'fake bad request');
});

test('every §5 notification is either normalized or deliberately journal-only', () => {
  const normalized = [
    'turn/started',
    'turn/completed',
    'item/started',
    'item/completed',
    'thread/tokenUsage/updated',
    'error',
    'warning',
    'configWarning',
    'deprecationNotice',
  ];
  const listed = [
    'thread/started',
    'thread/status/changed',
    'item/agentMessage/delta',
    'item/commandExecution/outputDelta',
    'item/fileChange/outputDelta',
    'item/fileChange/patchUpdated',
    'item/reasoning/summaryTextDelta',
    'item/reasoning/summaryPartAdded',
    'item/reasoning/textDelta',
    'item/plan/delta',
    'turn/plan/updated',
    'turn/diff/updated',
    'account/rateLimits/updated',
    'serverRequest/resolved',
    'thread/readState/changed',
    'remoteControl/status/changed',
    'mcpServer/startupStatus/updated',
    'skills/changed',
  ];
  for (const m of listed) assert.ok(JOURNAL_ONLY_NOTIFICATIONS.has(m), m);
  assert.equal(normalizeNotification('warning', { message: 'w' }, WT)?.type, 'warning');
  for (const m of normalized.slice(0, 1)) assert.ok(normalizeNotification(m, { turn: { id: 'x' } }, WT));
});

test('shortCommand strips the shell wrapper', () => {
  assert.equal(shortCommand('/bin/bash -lc "ls && git status --short"'), 'ls && git status --short');
  assert.equal(shortCommand('git diff'), 'git diff');
});

test('a command approval whose cwd is the worktree still waits for a person (it asks to leave the sandbox)', () => {
  const t = triageServerRequest(
    'item/commandExecution/requestApproval',
    { cwd: WT, command: 'rm -rf build', reason: 'clean' },
    ctx(),
  );
  assert.equal(t.kind, 'ask');
  if (t.kind === 'ask') {
    assert.equal(t.question.command, 'rm -rf build');
    assert.equal(t.question.cwd, WT);
    assert.equal(t.question.reason, 'clean');
  }
});

test('approvals with policy none, or a patch without known paths, wait for a person', () => {
  const out = triageServerRequest('item/commandExecution/requestApproval', { cwd: '/etc', command: 'ls' }, ctx());
  assert.equal(out.kind, 'ask');
  const none = triageServerRequest(
    'item/fileChange/requestApproval',
    { grantRoot: null },
    ctx({ autoApprove: 'none' }),
  );
  assert.equal(none.kind, 'ask');
  if (none.kind === 'ask') {
    assert.deepEqual(none.reply('decline'), { decision: 'decline' });
    assert.deepEqual(none.reply('cancel'), { decision: 'cancel' });
    assert.deepEqual(none.reply('acceptForSession'), { decision: 'acceptForSession' });
  }
});

test('user input questions are answered with the free text, keyed by question id', () => {
  const t = triageServerRequest(
    'item/tool/requestUserInput',
    { questions: [{ id: 'q1', question: 'Which DB?', options: [{ label: 'pg' }] }] },
    ctx(),
  );
  assert.equal(t.kind, 'ask');
  if (t.kind === 'ask') {
    assert.equal(t.question.summary, 'Which DB?');
    assert.deepEqual(t.reply('accept', 'postgres'), { answers: { q1: { answers: ['postgres'] } } });
    assert.deepEqual(t.reply('decline'), { answers: { q1: { answers: [] } } });
  }
});

test('unknown dynamic tools fail at once; unknown requests are rejected, never left hanging', () => {
  const tool = triageServerRequest('item/tool/call', { tool: 'mystery' }, ctx());
  assert.equal(tool.kind === 'auto' && (tool.result as { success: boolean }).success, false);
  assert.equal(triageServerRequest('attestation/generate', {}, ctx()).kind, 'reject');
});
