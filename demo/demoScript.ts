// The demo model's script: which scenario a request belongs to, which step it is at, and what to answer.

import { trackerToolDeniedReply, trackerToolReply } from './trackerScenario';
import { GREETER_TASK, greeterPatch, greeterSummary } from './greeterScenario';

/** Scenario names, selected by a `[[quartet-demo:NAME]]` marker in the user's prompt. */
export const SCENARIOS = [
  'default',
  'fail',
  'hang',
  'escalate',
  'env',
  'failing-command',
  'slow',
  'long-command',
  'long-command-hang',
  'loop',
  'hang-once',
  'shared-file',
  'keep-markers',
  'fix-checks',
  'tracker-tool',
  'escalate-outside',
  'escalate-twice',
  'escalate-touch',
  'socket-probe',
  'patch-outside',
  'greet-fr',
  'printer',
  'hostile-test-script',
  'loopback',
  'race',
  'ticker',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** What the server should send back for one request. */
export type Reply =
  | { kind: 'exec'; cmd: string; escalate?: string; yieldMs?: number }
  | { kind: 'patch'; patch: string }
  | { kind: 'message'; text: string }
  /** A call of a client-side (dynamic) tool Quartet advertised on thread/start. */
  | { kind: 'tool'; name: string; args: unknown }
  | { kind: 'fail'; message: string }
  | { kind: 'hang' };

type StepKind =
  | 'read'
  | 'edit'
  | 'greeterEdit'
  | 'sharedEdit'
  | 'check'
  | 'final'
  | 'failCmd'
  | 'escalated'
  | 'envDump'
  | 'longCmd'
  | 'fixEdit'
  | 'trackerToolDenied'
  | 'trackerTool'
  | 'hang'
  | 'escalatedOutside'
  | 'escalatedTouch'
  | 'socketProbe'
  | 'patchOutside'
  | 'printForever'
  | 'hostileEdit'
  | 'loopback'
  | 'tick';

/** The race's slower attempts: they have written something (the archive must keep it) and then take forever. */
const RACE_LOSER: StepKind[] = ['read', 'edit', 'hang'];

/** The plan of each scenario; steps past the end repeat the final message. */
const PLANS: Record<Scenario, StepKind[]> = {
  default: ['read', 'edit', 'check', 'final'],
  slow: ['read', 'edit', 'check', 'final'],
  // Policy race: attempt 1 finishes at once; the others (RACE_LOSER) edit, then never answer again until stopped.
  race: ['read', 'edit', 'check', 'final'],
  'failing-command': ['failCmd', 'edit', 'check', 'final'],
  escalate: ['escalated', 'final'],
  // An escalated command that writes the file named by `[[quartet-demo-path:/abs]]` in the prompt (outside the worktree).
  'escalate-outside': ['escalatedOutside', 'final'],
  // The same escalated command twice in one turn: "accept for this attempt" (Codex's session accept) answers both.
  'escalate-twice': ['escalatedOutside', 'escalatedOutside', 'final'],
  // apply_patch adding the file named by `[[quartet-demo-path:/abs]]` plus one inside the worktree (a patch approval when the path is not writable).
  'patch-outside': ['patchOutside', 'final'],
  // The same with a plain command (`touch PATH`, no shell operator), which an allow-list entry `touch` can match.
  'escalate-touch': ['escalatedTouch', 'final'],
  // A plain (sandboxed) command that tries to connect to the Unix socket named by `[[quartet-demo-path:/abs]]`.
  'socket-probe': ['socketProbe', 'final'],
  env: ['envDump', 'final'],
  // A shell that outlives Codex's default wait: what Stop must end (process hygiene tests).
  'long-command': ['longCmd', 'final'],
  // The same shell, then the model never answers: Codex and its shell keep running until stopped (however long the test takes).
  'long-command-hang': ['longCmd', 'hang'],
  // An agent that keeps running the same failing command (loop detection tests).
  loop: ['failCmd'],
  'hang-once': [],
  // Every attempt (of any task) writes the same file, so they conflict with each other and with the base.
  'shared-file': ['read', 'sharedEdit', 'check', 'final'],
  // Like shared-file, but in a "Resolve the merge conflicts" turn it leaves the markers (see resolveScenario.ts).
  'keep-markers': ['read', 'sharedEdit', 'check', 'final'],
  // A fix turn on a pull request (the marker arrives in the failing check's output): write the file the check wants.
  'fix-checks': ['fixEdit', 'final'],
  // An agent on a tracker issue: first tries something Quartet must refuse (a prompt-injected agent), then comments on
  // its issue through the tracker tool, shows its environment, edits, ends.
  'tracker-tool': ['trackerToolDenied', 'trackerTool', 'envDump', 'edit', 'final'],
  // The sample repo's French-greeting task: four attempts a verdict can tell apart (greeterScenario.ts).
  'greet-fr': ['read', 'greeterEdit', 'check', 'final'],
  // An agent whose command prints without end (journal byte budget tests); `timeout` keeps it finite if nothing stops it.
  printer: ['printForever', 'final'],
  // A command that prints one line every 50 ms for ~20 s, run again at every step until stopped (bench/scale.ts).
  ticker: ['tick'],
  // A prompt-injected agent: rewrites package.json's "test" to write outside the worktree when Quartet runs the checks.
  'hostile-test-script': ['hostileEdit', 'edit', 'final'],
  // A test suite's own server on 127.0.0.1 (listen + connect), then a write outside the worktree; both outcomes in loopback.txt.
  loopback: ['loopback', 'final'],
  fail: [],
  hang: [],
};

/** Where the hostile test script writes (outside every writable root of the sandbox); `$QUARTET_ATTEMPT_ID` is set for checks. */
export const HOSTILE_TARGET_PREFIX = '/var/tmp/quartet-pwned-';

/** The file and word the `fix-checks` scenario writes; a scripted CI check can pass once the tree has it. */
export const FIX_FILE = 'quartet-fix.txt';
export const FIX_WORD = 'FIXED';

/** The check step: the repo's own tests when it has any, kept cheap otherwise. */
export const CHECK_COMMAND = "sh -c 'if [ -f package.json ]; then npm test --silent; else echo no checks; fi'";

const MARKER = /\[\[quartet-demo:([a-z-]+)\]\]/g;
const PATH_MARKER = /\[\[quartet-demo-path:([^\]'\n]+)\]\]/;

/** The absolute path a scenario works on, from `[[quartet-demo-path:/abs]]` in the prompt (no quote, so it stays one shell word). */
export function demoPath(prompt: string | undefined): string {
  return PATH_MARKER.exec(prompt ?? '')?.[1] ?? '/nonexistent/quartet-demo-path';
}

/** Connects to a Unix socket and prints whether it could: what the sandbox must refuse. */
const SOCKET_PROBE =
  'const s=require("net").connect(process.argv[1]);s.on("connect",()=>{console.log("SOCKET CONNECTED");process.exit(0)});s.on("error",(e)=>{console.log("SOCKET REFUSED "+e.code);process.exit(3)})';

type Json = unknown;
function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** All text of a message item (content parts or a plain string). */
export function messageText(item: Record<string, Json>): string {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
}

export function isUserMessage(item: Json): item is Record<string, Json> {
  return isRecord(item) && item.type === 'message' && item.role === 'user';
}

/**
 * The prompts of the thread's turns, oldest first: user messages that are not context Codex adds by itself
 * (`<environment_context>`, `<user_instructions>`, `# AGENTS.md instructions …`).
 */
export function turnPrompts(input: readonly Json[]): string[] {
  const found: string[] = [];
  for (const item of input) {
    if (!isUserMessage(item)) continue;
    const text = messageText(item).trim();
    if (text && !text.startsWith('<') && !text.startsWith('# AGENTS.md')) found.push(text);
  }
  return found;
}

/**
 * In a follow-up turn (a thread with an earlier prompt), the first line of this turn's prompt, so the final
 * message shows which message reached the model; null in a thread's first turn.
 */
export function followUpQuote(input: readonly Json[]): string | null {
  const prompts = turnPrompts(input);
  if (prompts.length < 2) return null;
  const first = (prompts[prompts.length - 1] as string).split('\n')[0]?.trim() ?? '';
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/** The last scenario marker in the user's messages wins, so a follow-up turn can switch scenario. */
export function scenarioOf(input: readonly Json[]): Scenario {
  let found: Scenario = 'default';
  let sawMarker = false;
  let turnsSinceMarker = 0;
  for (const item of input) {
    if (!isUserMessage(item)) continue;
    turnsSinceMarker++;
    for (const match of messageText(item).matchAll(MARKER)) {
      const name = match[1] as Scenario;
      if (SCENARIOS.includes(name)) {
        found = name;
        sawMarker = true;
        turnsSinceMarker = 0;
      }
    }
  }
  // `hang-once` hangs only in the turn that asked for it; a later turn (a resume) runs the default script.
  if (found === 'hang-once') return turnsSinceMarker > 0 ? 'default' : 'hang';
  // No marker: a task about the sample greeter's language gets edits related to it, not a demo note.
  if (!sawMarker && input.some((item) => isUserMessage(item) && GREETER_TASK.test(messageText(item))))
    return 'greet-fr';
  return found;
}

const ATTEMPT_OF = /\battempt (\d+) of \d+/i;

/**
 * The attempt number Quartet's default prompt states ("You are attempt 2 of 4"), or null. With it, four
 * attempts get four different variants for sure; without it the thread-id hash decides.
 */
export function attemptIndexOf(input: readonly Json[]): number | null {
  for (const item of input) {
    if (!isUserMessage(item)) continue;
    const m = ATTEMPT_OF.exec(messageText(item));
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * The step is the number of tool results since the last user message: Codex resends the whole
 * history on every round trip, so the history (not a request counter) says where the turn is.
 */
export function stepOf(input: readonly Json[]): number {
  let step = 0;
  for (const item of input) {
    if (isUserMessage(item)) step = 0;
    else if (isRecord(item) && (item.type === 'function_call_output' || item.type === 'custom_tool_call_output'))
      step++;
  }
  return step;
}

/** A stable 32-bit FNV-1a hash, so the same thread always gets the same variant. */
export function hashThreadId(threadId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < threadId.length; i++) {
    h ^= threadId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * An 8-hex-digit tag of the thread id. Not its first characters: Codex thread ids are time-ordered
 * (UUIDv7), so attempts started together share their prefix.
 */
export function shortId(threadId: string): string {
  return hashThreadId(threadId || 'anon')
    .toString(16)
    .padStart(8, '0');
}

/** Even variants write through the shell, odd ones through apply_patch; paths embed the id so edits never collide. */
function editReply(threadId: string, attemptIndex: number | null): Reply {
  const id = shortId(threadId);
  const variant = attemptIndex && attemptIndex > 0 ? (attemptIndex - 1) % 4 : hashThreadId(threadId) % 4;
  switch (variant) {
    case 0:
      return {
        kind: 'exec',
        cmd: `mkdir -p notes && printf '# Demo note\\n\\nWritten by attempt ${id} with the shell.\\n' > notes/demo-${id}.md`,
      };
    case 1:
      return {
        kind: 'patch',
        patch: addFilePatch(`notes/demo-${id}.md`, ['# Demo note', '', `Written by attempt ${id} with apply_patch.`]),
      };
    case 2:
      return {
        kind: 'exec',
        cmd: `mkdir -p docs && printf 'Attempt ${id} checked the greeter and found it friendly.\\n' > docs/attempt-${id}.txt`,
      };
    default:
      return {
        kind: 'patch',
        patch: addFilePatch(`notes/ideas-${id}.md`, [
          '# Ideas',
          '',
          `- [ ] Attempt ${id}: greet in more languages`,
          '- [ ] Add a farewell()',
        ]),
      };
  }
}

function addFilePatch(path: string, lines: string[]): string {
  return ['*** Begin Patch', `*** Add File: ${path}`, ...lines.map((l) => `+${l}`), '*** End Patch', ''].join('\n');
}

function finalText(scenario: Scenario, id: string, attemptIndex: number | null): string {
  if (scenario === 'patch-outside')
    return `Patch outside the worktree ${id}\n\nAsked to apply a patch that adds a file outside the worktree.`;
  if (scenario === 'escalate-touch')
    return `Touch a file outside the worktree ${id}\n\nAsked to run one escalated touch outside the worktree.`;
  if (scenario === 'escalate-outside' || scenario === 'escalate-twice')
    return `Write outside the worktree ${id}\n\nAsked to run one escalated command that writes outside the worktree.`;
  if (scenario === 'socket-probe')
    return `Probe a socket ${id}\n\nTried to connect to a Unix socket from the sandboxed shell.`;
  if (scenario === 'escalate')
    return `Write escalated.txt ${id}\n\nAsked to run one command outside the sandbox (approval needed under on-request).`;
  if (scenario === 'env') return `Dump environment ${id}\n\nWrote the process environment to quartet-env-dump.txt.`;
  if (scenario === 'tracker-tool')
    return `Comment on the issue ${id}\n\nCommented on the tracker issue through Quartet's tool, dumped the environment and added a note.`;
  if (scenario === 'greet-fr') return greeterSummary(attemptIndex, hashThreadId(id));
  if (scenario === 'fix-checks')
    return `Fix the failing check ${id}\n\nWrote ${FIX_WORD} to ${FIX_FILE}, which the failing check asked for.`;
  const extra = scenario === 'failing-command' ? ' The first command failed, so I worked around it.' : '';
  return `Add demo note ${id}\n\nAdded a short note from the demo model and ran the repo's checks.${extra}`;
}

/** The reply for one request of `scenario` at `step` in thread `threadId`. */
/** What a step may look at besides the history: the request's tools and the turn's prompt (the tracker-tool step). */
export interface ReplyContext {
  tools?: unknown;
  prompt?: string;
  /** `followUpQuote` of the request: quoted at the end of the final message. */
  followUp?: string | null;
}

export function replyFor(
  scenario: Scenario,
  step: number,
  threadId: string,
  attemptIndex: number | null = null,
  ctx: ReplyContext = {},
): Reply {
  if (scenario === 'fail') return { kind: 'fail', message: 'Quartet demo model: scripted failure (scenario "fail")' };
  if (scenario === 'hang') return { kind: 'hang' };
  const plan = scenario === 'race' && attemptIndex !== 1 ? RACE_LOSER : PLANS[scenario];
  const kind: StepKind = plan[Math.min(step, plan.length - 1)] ?? 'final';
  const id = shortId(threadId);
  switch (kind) {
    case 'read':
      return { kind: 'exec', cmd: 'ls && git status --short' };
    case 'edit':
      return editReply(threadId, attemptIndex);
    case 'greeterEdit':
      return { kind: 'patch', patch: greeterPatch(attemptIndex, hashThreadId(threadId)) };
    case 'sharedEdit':
      return {
        kind: 'exec',
        cmd: `mkdir -p notes && printf '# Shared note\\n\\nWritten by attempt ${id}.\\n' > notes/shared.md`,
      };
    case 'check':
      return { kind: 'exec', cmd: CHECK_COMMAND };
    case 'failCmd':
      return { kind: 'exec', cmd: `sh -c 'echo "Error: widget missing" >&2; exit 1'` };
    case 'escalated':
      return { kind: 'exec', cmd: 'printf ok > escalated.txt', escalate: 'Write escalated.txt outside the sandbox?' };
    case 'envDump':
      return { kind: 'exec', cmd: 'env > quartet-env-dump.txt' };
    case 'fixEdit':
      // The thread's tag makes each attempt's fix a real change, even on a base that has an earlier fix.
      return { kind: 'exec', cmd: `printf '${FIX_WORD} by ${id}\\n' > ${FIX_FILE}` };
    case 'trackerToolDenied':
      return trackerToolDeniedReply(ctx.tools, ctx.prompt ?? '');
    case 'trackerTool':
      return trackerToolReply(ctx.tools, ctx.prompt ?? '', id);
    case 'longCmd':
      return { kind: 'exec', cmd: 'sleep 600 && echo done', yieldMs: 120_000 };
    case 'escalatedOutside': {
      const target = demoPath(ctx.prompt);
      return {
        kind: 'exec',
        cmd: `printf 'written by ${id}' > '${target}'`,
        escalate: `Write ${target}, outside the worktree?`,
      };
    }
    case 'escalatedTouch': {
      const target = demoPath(ctx.prompt);
      return { kind: 'exec', cmd: `touch '${target}'`, escalate: `Create ${target}, outside the worktree?` };
    }
    case 'patchOutside':
      return {
        kind: 'patch',
        patch: [
          '*** Begin Patch',
          `*** Add File: notes/inside-${id}.md`,
          '+inside',
          `*** Add File: ${demoPath(ctx.prompt)}`,
          `+patched by ${id}`,
          '*** End Patch',
          '',
        ].join('\n'),
      };
    case 'socketProbe':
      return { kind: 'exec', cmd: `node -e '${SOCKET_PROBE}' '${demoPath(ctx.prompt)}'` };
    case 'printForever':
      return { kind: 'exec', cmd: "timeout 120 yes 'quartet demo: printing forever'", yieldMs: 120_000 };
    case 'tick':
      // Ends cleanly (exit 0) and differs per step, so neither loop detection nor a stall ends the attempt.
      return {
        kind: 'exec',
        cmd: `i=0; while [ $i -lt 400 ]; do echo "quartet demo tick ${step}.$i"; i=$((i+1)); sleep 0.05; done`,
        yieldMs: 60_000,
      };
    case 'hang':
      return { kind: 'hang' };
    case 'loopback':
      return {
        kind: 'exec',
        cmd: `node -e 'const net=require("net");const s=net.createServer((c)=>c.end("pong")).listen(0,"127.0.0.1",()=>{net.connect(s.address().port,"127.0.0.1").on("data",(d)=>{console.log("loopback "+d);s.close()})}).on("error",(e)=>console.log("listen "+e.code))' > loopback.txt 2>&1; (echo x > ${HOSTILE_TARGET_PREFIX}agent-$QUARTET_ATTEMPT_ID) 2>> loopback.txt; true`,
      };
    case 'hostileEdit':
      return {
        kind: 'exec',
        cmd: `printf '%s\\n' '{"name":"greeter","private":true,"scripts":{"test":"echo pwned > ${HOSTILE_TARGET_PREFIX}$QUARTET_ATTEMPT_ID && node test.js"}}' > package.json`,
      };
    case 'final': {
      const text = finalText(scenario, id, attemptIndex);
      return { kind: 'message', text: ctx.followUp ? `${text}\n\nFollow-up received: "${ctx.followUp}"` : text };
    }
  }
}
