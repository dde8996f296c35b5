// Runs "Distill Skills" as one read-only Codex session: the distill prompt, a structured answer, parsed proposals.

import { CodexClient, type JsonObject } from '../execution/codexClient';
import { parseProposals, type ParsedProposals } from './propose';
import { planDistill, type DistillInput } from './prompt';

export interface RunDistillInput extends DistillInput {
  /** e.g. `[codexPath, 'app-server']` */
  codexArgv: string[];
  /** The repository (Codex reads it; the sandbox is read-only, nothing is written). */
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  readTimeoutMs?: number;
}

export type DistillResult =
  | { status: 'not_enough_evidence'; message: string }
  | ({ status: 'proposed'; threadId: string } & ParsedProposals)
  | { status: 'failed'; message: string };

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

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

interface TurnEvents {
  lastMessage: string;
  stderr: string;
  done(err: Error | null, text: string): void;
}

/** The `planDistill` gate first: with too little evidence no Codex process starts at all. */
export async function runDistill(input: RunDistillInput): Promise<DistillResult> {
  const plan = planDistill(input);
  if (plan.status === 'not_enough_evidence') return plan;
  const events: TurnEvents = { lastMessage: '', stderr: '', done: () => undefined };
  const client = new CodexClient(
    { argv: input.codexArgv, cwd: input.cwd, env: input.env, maxLineBytes: 16 << 20, readTimeoutMs: input.readTimeoutMs ?? 30_000, tag: { name: 'QUARTET_DISTILL', value: String(process.pid) } },
    {
      onRaw: () => undefined,
      onNotification: (method, params) => onNotification(events, method, params),
      // Read-only and approval "never": nothing should ask. If something does, the answer is no.
      onServerRequest: (method) => (method.endsWith('requestApproval') ? Promise.resolve({ decision: 'decline' }) : Promise.reject(new Error(`${method} is not supported by distill`))),
      onMalformed: () => undefined,
      onStderr: (text) => {
        events.stderr = (events.stderr + text).slice(-2000);
      },
      onExit: (code, signal) => events.done(new Error(`Codex exited (${signal ?? `code ${code}`}) ${events.stderr.trim()}`), ''),
    },
  );
  try {
    client.start();
    await client.request('initialize', { clientInfo: { name: 'quartet', title: 'Quartet', version: '0.1.0' }, capabilities: null });
    client.notify('initialized');
    const started = await client.request('thread/start', { cwd: input.cwd, approvalPolicy: 'never', sandbox: 'read-only' });
    const threadId = String((started.thread as JsonObject | undefined)?.id ?? '');
    const answer = awaitTurn(client, events, input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    // If turn/start itself fails, nobody awaits `answer`; its later rejection must not go unhandled.
    answer.catch(() => undefined);
    await client.request('turn/start', { threadId, input: [{ type: 'text', text: plan.prompt, text_elements: [] }], outputSchema: plan.outputSchema });
    const text = await answer;
    return { status: 'proposed', threadId, ...parseProposals(text, input.evidence) };
  } catch (err) {
    return { status: 'failed', message: (err as Error).message };
  } finally {
    events.done(new Error('distill ended'), ''); // clears the timer when the turn never started
    await client.shutdown();
  }
}

function onNotification(events: TurnEvents, method: string, params: JsonObject): void {
  if (method === 'item/completed') {
    const item = params.item as JsonObject | undefined;
    if (item?.type === 'agentMessage' && typeof item.text === 'string') events.lastMessage = item.text;
  } else if (method === 'turn/completed') {
    const turn = (params.turn ?? {}) as JsonObject;
    if (turn.status === 'completed') events.done(null, events.lastMessage);
    else events.done(new Error(`distill turn ${String(turn.status)}: ${JSON.stringify(turn.error ?? null)}`), '');
  }
}
