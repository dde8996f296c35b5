// Real Codex 0.169.0 round trip of the tracker tools: dynamicTools on thread/start → model → item/tool/call → host executor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodexClient, type JsonObject } from '../../src/core/execution/codexClient';
import { hermeticCodexEnv, writeCodexHome } from '../../demo/codexHome';
import { sseFrame } from '../../demo/sseFrames';
import { scrubSecrets } from '../../src/core/config/secrets';
import { createTrackerToolbox, type TrackerToolbox } from '../../src/core/tracker/agentTools';
import { startFakeLinear } from '../support/fakeLinear';
import { startRecordedServer } from '../support/recordedHttp';

const CODEX = resolve(__dirname, '../../../node_modules/.bin/codex');
const USAGE = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 2,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 12,
};

/** A two-step model: call `tool` with `args`, then (once the tool output is in the history) finish. */
async function toolCallingModel(
  tool: string,
  args: unknown,
): Promise<{ url: string; bodies: JsonObject[]; close(): Promise<void> }> {
  const bodies: JsonObject[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonObject;
      bodies.push(body);
      const answered = (body.input as JsonObject[]).some((i) => i.type === 'function_call_output');
      const id = `resp_${bodies.length}`;
      const item = answered
        ? {
            type: 'message',
            role: 'assistant',
            id: `msg_${bodies.length}`,
            content: [{ type: 'output_text', text: 'Checked the tracker.' }],
          }
        : { type: 'function_call', call_id: 'call_tracker_1', name: tool, arguments: JSON.stringify(args) };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sseFrame('response.created', { response: { id } }) +
          sseFrame('response.output_item.done', { output_index: 0, item }) +
          sseFrame('response.completed', { response: { id, usage: USAGE } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface RoundTrip {
  toolCalls: JsonObject[];
  modelBodies: JsonObject[];
}

async function runTurn(
  toolbox: TrackerToolbox,
  tool: string,
  args: unknown,
  hostEnv: Record<string, string>,
): Promise<RoundTrip> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-tools-'));
  const model = await toolCallingModel(tool, args);
  const toolCalls: JsonObject[] = [];
  let done: (() => void) | null = null;
  const completed = new Promise<void>((r) => (done = r));
  const codexHome = join(dir, 'codex-home');
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'work'));
  writeCodexHome(codexHome, { baseUrl: model.url, approvalPolicy: 'never', sandbox: 'read-only' });
  // The launcher's job (SPEC §15.3): the agent never inherits the tracker credential.
  const env = scrubSecrets(
    hermeticCodexEnv(codexHome, join(dir, 'home'), { ...process.env, ...hostEnv }),
    toolbox.secretEnvNames,
  );
  const codex = new CodexClient(
    {
      argv: [CODEX, 'app-server'],
      cwd: join(dir, 'work'),
      env,
      maxLineBytes: 16 << 20,
      readTimeoutMs: 30_000,
      tag: { name: 'QUARTET_ATTEMPT_ID', value: 'tracker-tools-it' },
    },
    {
      onRaw: () => undefined,
      onNotification: (method) => {
        if (method === 'turn/completed') done?.();
      },
      onServerRequest: async (method, params) => {
        if (method !== 'item/tool/call') throw new Error(`unexpected ${method}`);
        toolCalls.push(params);
        return toolbox.executeTrackerTool(String(params.tool), params.arguments);
      },
      onMalformed: () => undefined,
      onStderr: () => undefined,
      onExit: () => undefined,
    },
  );
  try {
    assert.ok(
      !Object.values(env).some((v) => Object.values(hostEnv).includes(v)),
      'no credential value in the agent env',
    );
    codex.start();
    await codex.request('initialize', {
      clientInfo: { name: 'quartet_test', title: 'Quartet test', version: '0.0.1' },
      capabilities: { experimentalApi: true },
    });
    codex.notify('initialized');
    const started = await codex.request('thread/start', {
      cwd: join(dir, 'work'),
      approvalPolicy: 'never',
      sandbox: 'read-only',
      dynamicTools: toolbox.specs,
    });
    const threadId = String((started.thread as JsonObject).id);
    await codex.request('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'Look at the tracker.', text_elements: [] }],
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error('turn did not complete')), 60_000)),
    );
    await Promise.race([completed, timeout]).finally(() => clearTimeout(timer));
    return { toolCalls, modelBodies: model.bodies };
  } finally {
    await codex.shutdown();
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const toolOutput = (bodies: JsonObject[]): string => {
  const last = bodies.at(-1)!;
  const out = (last.input as JsonObject[]).find(
    (i) => i.type === 'function_call_output' && i.call_id === 'call_tracker_1',
  );
  assert.ok(out, 'the tool result went back to the model');
  return typeof out.output === 'string' ? out.output : JSON.stringify(out.output);
};

test(
  'linear_graphql: advertised to the model, called by Codex, executed host-side with a key the agent never had',
  { timeout: 90_000 },
  async () => {
    const key = 'lin_api_ITkey0123456789abcdefgh';
    const linear = await startFakeLinear({ apiKey: key });
    try {
      const hostEnv = { LINEAR_API_KEY: key };
      const toolbox = createTrackerToolbox(
        { kind: 'linear', provider: { project_slug: linear.project, endpoint: linear.url } },
        { env: hostEnv },
        null,
      );
      const args = { query: 'query QuartetLinearViewer { viewer { id } }' };
      const rt = await runTurn(toolbox, 'linear_graphql', args, hostEnv);
      const advertised = (rt.modelBodies[0]!.tools as JsonObject[]).find((t) => t.name === 'linear_graphql');
      assert.ok(advertised, 'the model saw the tool');
      assert.deepEqual((advertised.parameters as JsonObject).required, ['query']);
      assert.equal(rt.toolCalls.length, 1);
      assert.deepEqual([rt.toolCalls[0]!.tool, rt.toolCalls[0]!.arguments], ['linear_graphql', args]);
      assert.equal(linear.requests.at(-1)!.authorization, key);
      const output = toolOutput(rt.modelBodies);
      assert.ok(output.includes(linear.viewerId), output);
      assert.ok(!JSON.stringify(rt.modelBodies).includes(key), 'the key never reaches the model');
    } finally {
      await linear.close();
    }
  },
);

test(
  "github_api: a call on the task's issue round-trips through real Codex; out-of-scope and destructive calls are failures the turn survives",
  { timeout: 90_000 },
  async () => {
    const token = 'ghp_ITtoken0123456789abcdefgh';
    const gh = await startRecordedServer();
    try {
      gh.route('GET', '/repos/quartet-test/widgets/issues/7', {
        status: 200,
        body: { number: 7, title: 'Seven', state: 'open' },
      });
      const hostEnv = { GITHUB_TOKEN: token };
      const scope = { issueId: '7', identifier: '#7', pullRequests: () => [], trustedLabels: [] };
      const toolbox = createTrackerToolbox(
        { kind: 'github', provider: { repo: 'quartet-test/widgets', endpoint: gh.url } },
        { env: hostEnv },
        scope,
      );
      const ok = await runTurn(
        toolbox,
        'github_api',
        { method: 'GET', path: '/repos/quartet-test/widgets/issues/7' },
        hostEnv,
      );
      assert.ok(toolOutput(ok.modelBodies).includes('Seven'));
      // The one GitHub client (Octokit) sends a personal token in the `token` scheme.
      assert.equal(gh.requests[0]!.headers.authorization, `token ${token}`);
      const refused = await runTurn(toolbox, 'github_api', { method: 'GET', path: '/user' }, hostEnv);
      assert.match(toolOutput(refused.modelBodies), /limited to the configured repository/);
      // Inside the repository but not the task's issue: making the repository public is refused with what is allowed instead.
      const destructive = await runTurn(
        toolbox,
        'github_api',
        { method: 'PATCH', path: '/repos/quartet-test/widgets', body: { private: false } },
        hostEnv,
      );
      assert.match(
        toolOutput(destructive.modelBodies),
        /Quartet refused PATCH \/repos\/quartet-test\/widgets: .*Allowed: read issue #7/,
      );
      assert.equal(gh.requests.length, 1, 'the refused calls never reached GitHub');
    } finally {
      await gh.close();
    }
  },
);
