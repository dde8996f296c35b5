// The demo model: a scripted OpenAI Responses API on 127.0.0.1 that drives the real Codex binary offline.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZERO_TOKENS, type TokenTotals } from '../src/shared/model';
import { distillReply } from './distillScenario';
import { reviewReply } from './reviewScenario';
import { currentPrompt, resolveReply } from './resolveScenario';
import { attemptIndexOf, followUpQuote, replyFor, scenarioOf, stepOf, type Scenario } from './demoScript';
import { completionFrames, sseFrame, usageFor } from './sseFrames';

export interface FakeResponsesOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Extra delay before every response, so a demo looks live. */
  stepDelayMs?: number;
}

/** What the server did for one Codex thread (keyed by the `thread-id`/`session-id` header). */
export interface ThreadStats {
  requests: number;
  scenario: Scenario;
  /** Step of each request, in arrival order. */
  steps: number[];
  /** Sum of the usage actually sent in `response.completed` frames. */
  usage: TokenTotals;
  /** The thread's latest request body: `lastRequestBody` is whichever thread asked last (a review turn may come after). */
  lastBody?: unknown;
}

export interface FakeServerStats {
  requests: number;
  threads: Map<string, ThreadStats>;
  lastRequestHeaders?: IncomingHttpHeaders;
  lastRequestBody?: unknown;
}

export interface FakeResponsesServer {
  /** Base URL ending in `/v1`; Codex POSTs `${url}/responses`. */
  url: string;
  port: number;
  stats: FakeServerStats;
  close(): Promise<void>;
}

/** The `slow` scenario's own pause per step, on top of stepDelayMs. */
const SLOW_STEP_MS = 1500;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) parts.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** The parsed body and its `input` array, or undefined when the body is not a Responses request. */
function parseBody(text: string | undefined): { body: object; input: unknown[] } | undefined {
  if (text === undefined) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || !('input' in body)) return undefined;
    return Array.isArray(body.input) ? { body, input: body.input } : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Resolves after `ms`, or early when the signal fires (server closing). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export async function startFakeResponsesServer(opts: FakeResponsesOptions = {}): Promise<FakeResponsesServer> {
  const stats: FakeServerStats = { requests: 0, threads: new Map() };
  const open = new Set<ServerResponse>();
  const closing = new AbortController();
  let responseSeq = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/responses') {
      sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}`, type: 'not_found' } });
      return;
    }
    const text = await readBody(req);
    stats.requests++;
    stats.lastRequestHeaders = req.headers;
    const parsed = parseBody(text);
    stats.lastRequestBody = parsed?.body ?? text;
    if (!parsed) {
      sendJson(res, 400, {
        error: { message: 'request body must be JSON with an input array', type: 'invalid_request_error' },
      });
      return;
    }
    const { input } = parsed;
    const threadId = headerValue(req.headers, 'thread-id') ?? headerValue(req.headers, 'session-id') ?? 'anonymous';
    const scenario = scenarioOf(input);
    const step = stepOf(input);
    const thread = stats.threads.get(threadId) ?? { requests: 0, scenario, steps: [], usage: { ...ZERO_TOKENS } };
    thread.requests++;
    thread.scenario = scenario;
    thread.steps.push(step);
    thread.lastBody = parsed.body;
    stats.threads.set(threadId, thread);

    await pause((opts.stepDelayMs ?? 0) + (scenario === 'slow' ? SLOW_STEP_MS : 0), closing.signal);
    // Codex may have given up (interrupt) while we waited; answering a closed socket is pointless.
    if (closing.signal.aborted || res.destroyed) return;

    // A distill or review session (recognized by its output schema) gets its structured answer; anything else follows the script.
    const reply =
      distillReply(parsed.body) ??
      reviewReply(parsed.body) ??
      resolveReply(input, scenario, threadId) ??
      replyFor(scenario, step, threadId, attemptIndexOf(input), {
        tools: (parsed.body as { tools?: unknown }).tools,
        prompt: currentPrompt(input) ?? '',
        followUp: followUpQuote(input),
      });
    if (reply.kind === 'fail') {
      sendJson(res, 400, {
        error: { message: reply.message, type: 'invalid_request_error', code: 'quartet_demo_failure' },
      });
      return;
    }
    const responseId = `resp_demo_${++responseSeq}`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(sseFrame('response.created', { response: { id: responseId } }));
    if (reply.kind === 'hang') return; // left open on purpose; close() ends it
    const usage = usageFor(step);
    // The request number keeps call ids unique across turns of one thread.
    res.end(completionFrames(reply, responseId, `demo_${responseSeq}_s${step}`, usage).join(''));
    for (const key of Object.keys(usage) as (keyof TokenTotals)[]) thread.usage[key] += usage[key];
  }

  const server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    stats,
    close: () => {
      closing.abort();
      for (const res of open) res.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
