// HTTP-level tests of the demo model: SSE framing, scenario and step selection, variants, stats, errors, close().
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeResponsesServer, type FakeResponsesServer } from '../../demo/fakeResponsesServer';
import { CHECK_COMMAND, FIX_FILE, FIX_WORD, hashThreadId, replyFor, scenarioOf, shortId } from '../../demo/demoScript';

interface Frame {
  event: string;
  data: Record<string, unknown>;
}
type Item = Record<string, unknown>;

const servers: FakeResponsesServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(stepDelayMs = 0): Promise<FakeResponsesServer> {
  const s = await startFakeResponsesServer({ stepDelayMs });
  servers.push(s);
  return s;
}

const user = (text: string): Item => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const output = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({
    type: i % 2 ? 'custom_tool_call_output' : 'function_call_output',
    call_id: `c${i}`,
    output: 'ok',
  }));

function post(
  s: FakeResponsesServer,
  input: Item[],
  threadId = 'thread-aaaaaaaa-1',
  header = 'thread-id',
): Promise<Response> {
  return fetch(`${s.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [header]: threadId },
    body: JSON.stringify({ model: 'gpt-5.5', stream: true, input }),
  });
}

function parseFrames(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      assert.match(eventLine, /^event: /);
      assert.match(dataLine, /^data: /);
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) as Record<string, unknown> };
    });
}

async function frames(s: FakeResponsesServer, input: Item[], threadId?: string): Promise<Frame[]> {
  const res = await post(s, input, threadId);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  return parseFrames(await res.text());
}

/** The tool call or message of a completed response. */
function doneItem(fs: Frame[]): Item {
  const done = fs.find((f) => f.event === 'response.output_item.done');
  assert.ok(done, 'an output_item.done frame');
  return done.data.item as Item;
}
const cmdOf = (item: Item): string => (JSON.parse(String(item.arguments)) as { cmd: string }).cmd;

test('frames are `event: T` + `data: {type: T, …}`, from response.created to response.completed', async () => {
  const fs = await frames(await server(), [user('hello')]);
  assert.deepEqual(
    fs.map((f) => f.event),
    ['response.created', 'response.output_item.done', 'response.completed'],
  );
  for (const f of fs) assert.equal(f.data.type, f.event);
  const item = doneItem(fs);
  assert.equal(item.type, 'function_call');
  assert.equal(item.name, 'exec_command');
});

test('the marker in the prompt picks the scenario', async () => {
  const s = await server();
  assert.equal(cmdOf(doneItem(await frames(s, [user('go [[quartet-demo:env]]')]))), 'env > quartet-env-dump.txt');
  assert.match(cmdOf(doneItem(await frames(s, [user('[[quartet-demo:failing-command]]')]))), /Error: widget missing/);
  const escalated = JSON.parse(
    String(doneItem(await frames(s, [user('[[quartet-demo:escalate]]')])).arguments),
  ) as Item;
  assert.equal(escalated.sandbox_permissions, 'require_escalated');
  assert.ok(escalated.justification);
  assert.match(cmdOf(doneItem(await frames(s, [user('[[quartet-demo:nonsense]]')]))), /^ls/);
  const failed = await post(s, [user('[[quartet-demo:fail]]')]);
  assert.equal(failed.status, 400);
  assert.ok(((await failed.json()) as { error: { message: string } }).error.message);
});

test('the step comes from the tool results in the history, not from a request counter', async () => {
  const s = await server();
  const history = (n: number): Item[] => [user('first turn'), ...output(5), user('second turn'), ...output(n)];
  for (let i = 0; i < 2; i++) assert.equal(cmdOf(doneItem(await frames(s, history(2)))), CHECK_COMMAND);
  const final = await frames(s, history(3));
  assert.ok(final.filter((f) => f.event === 'response.output_text.delta').length >= 2);
  const message = doneItem(final);
  assert.equal(message.type, 'message');
  const text = (message.content as { text: string }[])[0]?.text ?? '';
  assert.match(text, new RegExp(`^Add demo note ${shortId('thread-aaaaaaaa-1')}\\n\\n\\S`));
  assert.deepEqual(s.stats.threads.get('thread-aaaaaaaa-1')?.steps, [2, 2, 3]);
});

test('edits differ per thread and cover both exec_command and apply_patch', async () => {
  const s = await server();
  const ids = Array.from({ length: 12 }, (_, i) => `01a1fd${i.toString(16)}0-0000-7000-8000-00000000000${i % 10}`);
  const edits: string[] = [];
  const tools = new Set<string>();
  for (const id of ids) {
    const item = doneItem(await frames(s, [user('go'), ...output(1)], id));
    const body = item.type === 'custom_tool_call' ? String(item.input) : cmdOf(item);
    assert.ok(body.includes(shortId(id)), `edit of ${id} names its thread`);
    assert.equal(
      item.type === 'custom_tool_call' ? 1 : 0,
      hashThreadId(id) % 2,
      'odd variants patch, even ones use the shell',
    );
    tools.add(String(item.name));
    edits.push(body);
  }
  assert.equal(new Set(edits).size, ids.length);
  assert.deepEqual([...tools].sort(), ['apply_patch', 'exec_command']);
});

test('stats sum the usage that was actually sent, per thread (session-id as fallback)', async () => {
  const s = await server();
  let sent = 0;
  for (let step = 0; step < 4; step++) {
    const res = await post(s, [user('go'), ...output(step)], 'sess-1', 'session-id');
    const completed = parseFrames(await res.text()).find((f) => f.event === 'response.completed');
    sent += (completed?.data.response as { usage: { total_tokens: number } }).usage.total_tokens;
  }
  const stats = s.stats.threads.get('sess-1');
  assert.equal(stats?.requests, 4);
  assert.equal(stats?.scenario, 'default');
  assert.equal(stats?.usage.total, sent);
  assert.equal(stats?.usage.total, stats.usage.input + stats.usage.output);
  assert.equal(s.stats.requests, 4);
  assert.equal(s.stats.lastRequestHeaders?.['session-id'], 'sess-1');
});

test('unknown paths get 404 and bad bodies 400, and the server keeps serving', async () => {
  const s = await server();
  assert.equal((await fetch(`${s.url}/models`)).status, 404);
  assert.equal((await fetch(`${s.url}/responses`)).status, 404);
  assert.equal((await fetch(`${s.url}/responses`, { method: 'POST', body: '{nope' })).status, 400);
  assert.equal((await fetch(`${s.url}/responses`, { method: 'POST', body: '{"input":3}' })).status, 400);
  assert.equal((await post(s, [user('still here')])).status, 200);
});

test('stepDelayMs delays each response', async () => {
  const s = await server(120);
  const started = Date.now();
  await frames(s, [user('go')]);
  assert.ok(Date.now() - started >= 110);
});

test('hang keeps the stream open after response.created until close()', async () => {
  const s = await startFakeResponsesServer({});
  const res = await post(s, [user('[[quartet-demo:hang]]')]);
  assert.ok(res.body);
  const reader = res.body.getReader();
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value), /^event: response\.created\n/);
  const pending = reader.read().then(
    (r) => (r.done ? 'ended' : 'data'),
    () => 'ended',
  );
  const early = await Promise.race([pending, new Promise((r) => setTimeout(() => r('open'), 150))]);
  assert.equal(early, 'open');
  await s.close();
  assert.equal(await pending, 'ended');
});

test('scenario fix-checks (a PR fix turn): the marker in a later turn wins; it writes the fix file, then answers with a commit message', () => {
  const user = (text: string): Record<string, unknown> => ({
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text }],
  });
  const input = [
    user('Add a note. You are attempt 1 of 1'),
    { type: 'function_call_output', output: 'ok' },
    user('Failing checks: must say FIXED [[quartet-demo:fix-checks]]'),
  ];
  assert.equal(scenarioOf(input), 'fix-checks');
  const edit = replyFor('fix-checks', 0, 'thread-a');
  assert.equal(edit.kind, 'exec');
  assert.deepEqual([FIX_WORD, FIX_FILE], ['FIXED', 'quartet-fix.txt']);
  assert.match(edit.kind === 'exec' ? edit.cmd : '', /^printf 'FIXED by [0-9a-f]{8}\\n' > quartet-fix\.txt$/);
  assert.notEqual(
    JSON.stringify(replyFor('fix-checks', 0, 'thread-b')),
    JSON.stringify(edit),
    'each thread writes a different fix',
  );
  const final = replyFor('fix-checks', 1, 'thread-a');
  assert.match(
    final.kind === 'message' ? final.text : '',
    /^Fix the failing check [0-9a-f]{8}\n\nWrote FIXED to quartet-fix\.txt/,
  );
});

test('scenario long-command-hang: the long shell command, then the model never answers (Codex and its shell keep running)', () => {
  const user = {
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text: 'go [[quartet-demo:long-command-hang]]' }],
  };
  assert.equal(scenarioOf([user]), 'long-command-hang');
  const first = replyFor('long-command-hang', 0, 'thread-a');
  assert.deepEqual(first, replyFor('long-command', 0, 'thread-a'), 'the same shell as long-command');
  assert.match(first.kind === 'exec' ? first.cmd : '', /^sleep 600/);
  assert.deepEqual(replyFor('long-command-hang', 1, 'thread-a'), { kind: 'hang' });
  assert.deepEqual(replyFor('long-command-hang', 5, 'thread-a'), { kind: 'hang' }, 'it never ends by itself');
});

test('a follow-up turn: the final message quotes the first line of the latest prompt; a first turn quotes nothing', async () => {
  const s = await server();
  const context = user('<environment_context>cwd</environment_context>');
  const first = doneItem(
    await frames(s, [context, user('Add a note. You are attempt 1 of 1'), ...output(3)], 'thread-q'),
  );
  assert.doesNotMatch(JSON.stringify(first), /Follow-up received/);
  const history = [
    context,
    user('Add a note. You are attempt 1 of 1'),
    ...output(3),
    user('Please also mention Lisbon.\nSecond line stays out.'),
    ...output(3),
  ];
  const reply = JSON.stringify(doneItem(await frames(s, history, 'thread-q')));
  assert.match(reply, /Follow-up received: \\"Please also mention Lisbon\.\\"/);
  assert.doesNotMatch(reply, /Second line stays out/);
});
