// Unit: the New Task form's rules, the panel host's launch/follow-up requests, "queued" detection, and the "you said" trace item.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/shared/model';
import type { WebviewRequest } from '../../src/shared/protocol';
import { parseWebviewMessage } from '../../src/shared/protocolGuards';
import { newTaskProblems, parseTokenBudget, titleFromPrompt, type NewTaskInput } from '../../src/shared/newTaskForm';
import { followUpBlocker, USER_MESSAGE_REASON } from '../../src/shared/attemptActions';
import { TraceBuilder } from '../../src/shared/traceBuilder';
import { describeItem, itemDetail } from '../../src/shared/traceText';
import { answerRequest, type RequestDeps } from '../../src/extension/panel/panelRequests';
import type { TaskHost } from '../../src/extension/panel/taskRequests';
import { queueFollowUp, type FollowUpWatch } from '../../src/extension/panel/followUpQueue';
import type { FollowUpResult } from '../../src/core/contract/replies';
import { snapshotFixture } from '../webview/snapshotFixture';

const T1 = 't-aaaaaaaaaaaa';
const GOOD: NewTaskInput = {
  title: 'Greet',
  prompt: '# Greet\n\n- in Portuguese',
  attempts: 2,
  base: 'main',
  model: null,
  tokenBudget: null,
};

function deps(snapshot: Snapshot, host?: TaskHost): RequestDeps {
  return {
    snapshot: () => snapshot,
    api: {
      stop: async () => undefined,
      retry: async () => undefined,
      answer: async () => undefined,
      journal: async () => [],
    },
    openDiff: async () => undefined,
    resolveWithAgent: () => undefined,
    openExternal: async () => undefined,
    rawSeqs: () => undefined,
    ...(host ? { tasks: host } : {}),
  };
}

function fakeHost(fail: Record<string, string> = {}): TaskHost & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    defaults: async () => ({ branches: ['main'], currentBranch: 'main', attempts: 4, model: null, tokenBudget: null }),
    launch: async (input) => {
      calls.push(`launch ${JSON.stringify(input)}`);
      return { taskId: 't-new', attemptIds: ['t-new-1'] };
    },
    followUp: async (id, message) => {
      if (fail[id]) throw new Error(fail[id]);
      calls.push(`followUp ${id} ${message}`);
    },
  };
}

const req = (r: Omit<WebviewRequest, 'id'>): WebviewRequest => ({ ...r, id: 9 }) as WebviewRequest;

test("the title is the prompt's first line with text, without Markdown marks, clipped", () => {
  assert.equal(titleFromPrompt('\n\n## Make it polite\nbody'), 'Make it polite');
  assert.equal(titleFromPrompt('- [ ] a task\n'), '[ ] a task');
  assert.equal(titleFromPrompt('> quoted first\n'), 'quoted first');
  assert.equal(titleFromPrompt('1. numbered'), 'numbered');
  assert.equal(titleFromPrompt(''), '');
  assert.equal(titleFromPrompt('x'.repeat(500)).length, 200);
});

test("the form's rules: each bad field is named; a good input has no problems", () => {
  assert.deepEqual(newTaskProblems(GOOD), {});
  const bad = newTaskProblems({
    title: ' ',
    prompt: '',
    attempts: 17,
    base: 'main branch',
    model: 'gpt 5',
    tokenBudget: 10,
  });
  assert.deepEqual(Object.keys(bad).sort(), ['attempts', 'base', 'model', 'prompt', 'title', 'tokenBudget']);
  assert.equal(newTaskProblems({ ...GOOD, base: '--upload-pack=x' }).base, 'Pick one of the local branches.');
  assert.deepEqual(newTaskProblems({ ...GOOD, base: 'feature/x-1' }), {});
  assert.deepEqual(parseTokenBudget(' 250_000 '), { ok: true, value: 250_000 });
  assert.deepEqual(parseTokenBudget(''), { ok: true, value: null });
  assert.equal(parseTokenBudget('lots').ok, false);
  assert.equal(parseTokenBudget('999').ok, false);
});

test('the new messages are validated at the boundary', () => {
  const ok = (type: string, params: unknown): boolean => parseWebviewMessage({ type, id: 1, params }).ok;
  assert.ok(ok('task/launch/start', GOOD));
  assert.ok(!ok('task/launch/start', { ...GOOD, prompt: 42 }));
  assert.ok(!ok('task/launch/start', { ...GOOD, tokenBudget: '5' }));
  assert.ok(!ok('task/launch/start', { ...GOOD, prompt: 'x'.repeat(100_001) }));
  assert.ok(ok('attempt/followUp/send', { attemptId: 'a', message: 'hi\nthere' }));
  assert.ok(!ok('attempt/followUp/send', { attemptId: 'a', message: '   ' }));
  assert.ok(!ok('attempt/followUp/send', { attemptId: 'a', message: 'x'.repeat(20_001) }));
  assert.ok(ok('task/followUp/send', { taskId: 't', message: 'hi' }));
  assert.ok(ok('task/form/get', {}));
  assert.equal(parseWebviewMessage({ type: 'view/state/changed', params: { view: { view: 'new-task' } } }).ok, true);
});

test("launch: the host checks the form's rules again and hands over trimmed input", async () => {
  const host = fakeHost();
  const bad = await answerRequest(
    req({ type: 'task/launch/start', params: { ...GOOD, model: 'rm -rf /' } }),
    deps(snapshotFixture(), host),
  );
  assert.equal(bad.error?.code, 'invalid');
  assert.match(bad.error?.message ?? '', /not a model name/);
  assert.deepEqual(host.calls, [], 'nothing launched');
  const ok = await answerRequest(
    req({ type: 'task/launch/start', params: { ...GOOD, prompt: `\n${GOOD.prompt}\n\n`, model: ' ' } }),
    deps(snapshotFixture(), host),
  );
  assert.deepEqual(ok.result, { taskId: 't-new', attemptIds: ['t-new-1'] });
  assert.deepEqual(host.calls, [`launch ${JSON.stringify({ ...GOOD, model: null })}`]);
  const none = await answerRequest(req({ type: 'task/launch/start', params: GOOD }), deps(snapshotFixture()));
  assert.equal(none.error?.code, 'failed');
});

test('follow-up: only ended attempts with a thread, not archived or landed; the task-level send skips the rest and says why', async () => {
  const s = snapshotFixture();
  const host = fakeHost({ [`${T1}-3`]: 'the worktree no longer exists' });
  const running = await answerRequest(
    req({ type: 'attempt/followUp/send', params: { attemptId: `${T1}-1`, message: 'more' } }),
    deps(s, host),
  );
  assert.equal(running.error?.code, 'refused');
  assert.match(running.error?.message ?? '', /#1 is working/);
  const ok = await answerRequest(
    req({ type: 'attempt/followUp/send', params: { attemptId: `${T1}-4`, message: 'more' } }),
    deps(s, host),
  );
  assert.equal(ok.error, undefined);
  assert.deepEqual(host.calls, [`followUp ${T1}-4 more`]);
  const all = await answerRequest(
    req({ type: 'task/followUp/send', params: { taskId: T1, message: 'all' } }),
    deps(s, host),
  );
  assert.deepEqual(all.result, {
    sent: [4],
    skipped: [
      'attempt #1 is working; wait until it ends',
      'attempt #2 is needs-you; wait until it ends',
      'attempt #3: the worktree no longer exists',
    ],
  });
  const landed = { ...s, tasks: s.tasks.map((t) => ({ ...t, state: 'landed' as const })) };
  const none = await answerRequest(
    req({ type: 'task/followUp/send', params: { taskId: T1, message: 'all' } }),
    deps(landed, host),
  );
  assert.equal(none.error?.code, 'refused');
  assert.match(none.error?.message ?? '', /already landed/);
  const t4 = s.tasks[0]!.attempts[3]!;
  assert.match(followUpBlocker({ ...t4, threadId: null }, false) ?? '', /never started a Codex thread/);
  assert.match(
    followUpBlocker({ ...t4, archived: { at: 'x', reason: 'r', patch: 'p', postMortem: 'm' } }, false) ?? '',
    /archived/,
  );
});

function watchOf(): FollowUpWatch & { bump(): void } {
  let count = 0;
  const listeners = new Set<() => void>();
  return {
    followUpCount: () => count,
    onChange: (l) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
    bump: () => {
      count++;
      for (const l of listeners) l();
    },
  };
}

test('a follow-up message counts as sent once a snapshot lists it (the route answers only when the turn ended); a refusal rejects', async () => {
  const watch = watchOf();
  const calls: string[] = [];
  let endTurn: (r: FollowUpResult) => void = () => undefined;
  const api = {
    followUp: (id: string, prompt: string, reason: string) => (
      calls.push(`${id} ${reason} ${prompt}`),
      new Promise<FollowUpResult>((r) => (endTurn = r))
    ),
  };
  let queued = false;
  const p = queueFollowUp(api, watch, 'a-1', 'hello', () => undefined).then(() => (queued = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(queued, false, 'not before the supervisor queued it');
  watch.bump();
  await p;
  assert.deepEqual(calls, [`a-1 ${USER_MESSAGE_REASON} hello`]);
  endTurn({
    attemptId: 'a-1',
    reason: USER_MESSAGE_REASON,
    status: 'completed',
    message: 'ok',
    commit: null,
    checks: null,
  });

  const refused = {
    followUp: async () => Promise.reject(new Error('attempt a-1 already has a follow-up queued or running')),
  };
  await assert.rejects(
    queueFollowUp(refused, watchOf(), 'a-1', 'again', () => undefined),
    /already has a follow-up/,
  );
});

test('the trace shows a follow-up\'s prompt: "you said" for a person, "Quartet asked" for Quartet\'s own turns', () => {
  const t = new TraceBuilder();
  t.append([
    {
      seq: 0,
      at: '2026-11-21T10:00:00Z',
      event: { type: 'user_message', text: 'Please also mention Lisbon.\nThanks', reason: USER_MESSAGE_REASON },
    },
    {
      seq: 1,
      at: '2026-11-21T10:00:01Z',
      event: { type: 'user_message', text: 'Resolve the conflicts', reason: 'resolve-conflicts' },
    },
  ]);
  const [mine, quartet] = t.items;
  assert.equal(describeItem(mine!), 'you said: Please also mention Lisbon. Thanks');
  assert.equal(itemDetail(mine!), 'Please also mention Lisbon.\nThanks');
  assert.equal(describeItem(quartet!), 'Quartet asked (resolve-conflicts): Resolve the conflicts');
  assert.equal(mine!.failed, false);
});
