// One read-only Codex turn with an output schema (distill, review): start app-server, ask once, return the final message.

import { CodexClient, type JsonObject } from './codexClient';
import { totalsFromUsage } from '../observability/tokens';

export interface StructuredTurnInput {
  /** e.g. `[codexPath, 'app-server']` */
  codexArgv: string[];
  /** Where Codex reads (the sandbox is read-only and approvals are "never": nothing is written). */
  cwd: string;
  env: Record<string, string>;
  prompt: string;
  outputSchema: JsonObject;
  /** The model for the thread; null: the person's Codex default. */
  model?: string | null;
  /** Names the process (its environment tag) so a sweep can tell what it was. */
  tag: { name: string; value: string };
  timeoutMs: number;
  readTimeoutMs?: number;
}

export interface StructuredTurnResult {
  threadId: string;
  /** The turn's last agent message (the JSON the schema asked for). */
  text: string;
  /** Total tokens the thread reported, 0 when Codex said nothing about usage. */
  tokens: number;
}

interface TurnEvents {
  lastMessage: string;
  tokens: number;
  stderr: string;
  done(err: Error | null, text: string): void;
}

/** Resolves with the last agent message when the turn completes; rejects on a failed turn, an exit or the timeout. */
function awaitTurn(client: CodexClient, events: TurnEvents, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    events.done = (err, text) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(text);
    };
    if (client.hasExited) events.done(new Error('Codex exited before the turn ended'), '');
  });
}

/** Throws with Codex's own words when the process, the thread or the turn fails. */
export async function runStructuredTurn(input: StructuredTurnInput): Promise<StructuredTurnResult> {
  const events: TurnEvents = { lastMessage: '', tokens: 0, stderr: '', done: () => undefined };
  const client = new CodexClient(
    {
      argv: input.codexArgv,
      cwd: input.cwd,
      env: input.env,
      maxLineBytes: 16 << 20,
      readTimeoutMs: input.readTimeoutMs ?? 30_000,
      tag: input.tag,
    },
    {
      onRaw: () => undefined,
      onNotification: (method, params) => onNotification(events, method, params),
      // Read-only and approval "never": nothing should ask. If something does, the answer is no.
      onServerRequest: (method) =>
        method.endsWith('requestApproval')
          ? Promise.resolve({ decision: 'decline' })
          : Promise.reject(new Error(`${method} is not supported here`)),
      onMalformed: () => undefined,
      onStderr: (text) => {
        events.stderr = (events.stderr + text).slice(-2000);
      },
      onExit: (code, signal) =>
        events.done(new Error(`Codex exited (${signal ?? `code ${code}`}) ${events.stderr.trim()}`), ''),
    },
  );
  try {
    client.start();
    await client.request('initialize', {
      clientInfo: { name: 'quartet', title: 'Quartet', version: '0.1.0' },
      capabilities: null,
    });
    client.notify('initialized');
    const started = await client.request('thread/start', {
      cwd: input.cwd,
      approvalPolicy: 'never',
      sandbox: 'read-only',
      ...(input.model ? { model: input.model } : {}),
    });
    const threadId = String((started.thread as JsonObject | undefined)?.id ?? '');
    const answer = awaitTurn(client, events, input.timeoutMs);
    // If turn/start itself fails, nobody awaits `answer`; its later rejection must not go unhandled.
    answer.catch(() => undefined);
    await client.request('turn/start', {
      threadId,
      input: [{ type: 'text', text: input.prompt, text_elements: [] }],
      outputSchema: input.outputSchema,
    });
    const text = await answer;
    return { threadId, text, tokens: events.tokens };
  } finally {
    events.done(new Error('turn ended'), ''); // clears the timer when the turn never started
    await client.shutdown();
  }
}

function onNotification(events: TurnEvents, method: string, params: JsonObject): void {
  if (method === 'item/completed') {
    const item = params.item as JsonObject | undefined;
    if (item?.type === 'agentMessage' && typeof item.text === 'string') events.lastMessage = item.text;
  } else if (method === 'thread/tokenUsage/updated') {
    events.tokens = totalsFromUsage(params.tokenUsage)?.total ?? events.tokens;
  } else if (method === 'turn/completed') {
    const turn = (params.turn ?? {}) as JsonObject;
    if (turn.status === 'completed') events.done(null, events.lastMessage);
    else events.done(new Error(`turn ${String(turn.status)}: ${JSON.stringify(turn.error ?? null)}`), '');
  }
}
