// Integration: a real supervisor checks every body, query and path parameter against the contract's route table (400 naming the field).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/repoHarness';
import { call, SupervisorError } from '../../src/core/client/transport';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

/** The error a raw request gets (no typed client in between: a hand-made or hostile body). */
async function refused(method: string, path: string, body?: unknown): Promise<SupervisorError> {
  try {
    await call(h.client.socket, method, path, body);
  } catch (err) {
    if (err instanceof SupervisorError) return err;
    throw err;
  }
  assert.fail(`${method} ${path} was accepted`);
}

const launch = { title: 'Contract', prompt: 'p', attempts: 1 };

test('a malformed launch body is a 400 naming the field, and nothing is launched', async () => {
  const cases: [unknown, RegExp][] = [
    [{ ...launch, attempts: 'four' }, /^attempts: --attempts must be a whole number/],
    [{ ...launch, attempts: 2.5 }, /^attempts: --attempts must be a whole number from 1 to 16 \(got 2\.5\)/],
    [
      { ...launch, options: { sandbox: 'yolo' } },
      /^options\.sandbox: sandbox must be read-only, workspace-write or danger-full-access/,
    ],
    [{ ...launch, options: { approvalPolicy: 'always' } }, /^options\.approvalPolicy: /],
    [
      { ...launch, options: { codexCommand: 'codex app-server\nrm -rf ~' } },
      /^options\.codexCommand: codexCommand must be one line/,
    ],
    [{ ...launch, options: { codexCommand: 7 } }, /^options\.codexCommand: /],
    [{ ...launch, options: { checkCommand: ['npm', 'test'] } }, /^options\.checkCommand: /],
    [{ ...launch, options: { stallTimeoutMs: -5 } }, /^options\.stallTimeoutMs: stallTimeoutMs must be above 0/],
    [{ ...launch, options: { sandbxo: 'read-only' } }, /^options: Unrecognized key: "sandbxo"/],
    [{ ...launch, env: { A: 1 } }, /^env\.A: /],
    [{ prompt: 'no title' }, /^title: a task needs a title/],
    [{ ...launch, extra: true }, /^body: Unrecognized key: "extra"/],
  ];
  for (const [body, message] of cases) {
    const err = await refused('POST', '/api/v1/tasks', body);
    assert.equal(err.status, 400, JSON.stringify(body));
    assert.equal(err.code, 'usage');
    assert.match(err.message, message, JSON.stringify(body));
  }
  assert.equal((await h.client.snapshot()).tasks.length, 0, 'no refused launch left a task behind');
});

test('other routes: body fields, query values and methods are checked from the same table', async () => {
  const settings = await refused('POST', '/api/v1/settings', { maxConcurrent: 'lots' });
  assert.equal(settings.status, 400);
  assert.match(settings.message, /^maxConcurrent: /);
  // The body is checked before the attempt is looked up: the field is named even for an unknown attempt.
  assert.match(
    (await refused('POST', '/api/v1/attempts/nope/answer', { decision: 'maybe' })).message,
    /^decision: decision must be accept, acceptForSession or decline/,
  );
  assert.match(
    (await refused('POST', '/api/v1/attempts/nope/land', { pr: true, github: { maxFixes: -1 } })).message,
    /^github\.maxFixes: /,
  );
  assert.match(
    (await refused('POST', '/api/v1/distill', { codexCommand: 'codex\0x' })).message,
    /^codexCommand: codexCommand must be one line/,
  );
  assert.match(
    (await refused('POST', '/api/v1/autopilot/issues/I_1/launch', { options: { policy: 'fastest' } })).message,
    /^options\.policy: policy must be "all" or "race"/,
  );
  assert.match(
    (await refused('GET', '/api/v1/attempts/nope/journal?from=-1')).message,
    /^query\.from: from must be a whole number/,
  );
  assert.equal((await refused('POST', '/api/v1/attempts/nope/stop', {})).code, 'attempt_not_found');
  assert.equal((await refused('GET', '/api/v1/tasks')).status, 405);
  assert.equal((await refused('POST', '/api/v1/skills')).status, 405);
  assert.equal((await refused('GET', '/api/v1/a/b/c/d')).status, 404);
  const json = await refused('POST', '/api/v1/tasks', undefined).catch((e: unknown) => e);
  assert.ok(
    json instanceof SupervisorError && json.status === 400 && /^title: /.test(json.message),
    'an empty body is checked like any other',
  );
});

test('a valid request through the typed client still works (the table is what both sides use)', async () => {
  await h.client.configure({ maxConcurrent: 2 });
  const hello = await h.client.hello();
  assert.equal(typeof hello.pid, 'number');
  assert.deepEqual(
    await h.client.journal('nope').catch((e: unknown) => (e as SupervisorError).code),
    'attempt_not_found',
  );
});
