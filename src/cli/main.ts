// The `quartet` CLI: launch / status / stop / retry / answer over the repository's supervisor.

import { join, resolve } from 'node:path';
import { isTerminal, type Snapshot, type TaskSnapshot } from '../shared/model';
import { SupervisorClient } from '../core/client/supervisorClient';
import { SupervisorError } from '../core/client/transport';
import { SupervisorMismatchError } from '../core/client/handshake';
import type { LaunchOptions } from '../core/contract/launch';
import { normalizeAutoApprove } from '../core/execution/approvalRules';
import { findRepoRoot } from '../core/git/gitRepo';
import { redact, scrubSecrets, secretValues } from '../core/config/secrets';
import { CliUsageError, int, oneOf, parseArgs, str, type Parsed } from './args';
import { formatTask } from './format';
import { runWorkflowCommand, WORKFLOW_HELP, WorkflowInvalid } from './workflowCommand';
import { AUTOPILOT_HELP, runAutopilot, TrackerHostError } from './autopilot';
import { parseAllowedHosts } from '../core/config/endpointPolicy';
import { land, LAND_HELP, LAND_PR_FLAGS } from './landPr';
import { rework, REWORK_HELP } from './reworkCommand';
import { CLEANUP_HELP, RESTORE_HELP, cleanupCommand, restoreCommand } from './cleanupCommand';
import { LandError } from '../core/land/errors';
import { GitError } from '../core/git/git';
import { WORKERS_HELP, workersCommand, WorkersConfigInvalid } from './workersCommand';
import { serve, SERVE_FLAGS, SERVE_HELP } from './serveCommand';

const HELP: Record<string, string> = {
  main: `quartet — run several Codex attempts at a task in parallel git worktrees

Commands:
  quartet launch --repo DIR --title T --prompt P [--attempts N] [--wait] [--json] [options]
  quartet status [--repo DIR] [--json]
  quartet stop ATTEMPT_ID [--repo DIR]
  quartet retry ATTEMPT_ID [--repo DIR]
  quartet resume ATTEMPT_ID [--repo DIR]
  quartet answer ATTEMPT_ID accept|accept-session|decline [--text T] [--repo DIR]
  quartet score TASK_ID [--json] [--repo DIR]
  quartet land ATTEMPT_ID [--pr | --resolve] [--json] [--repo DIR]
  quartet rework ATTEMPT_ID [--reason R] [--json] [--repo DIR]
  quartet delete TASK_ID [--json] [--repo DIR]
  quartet distill [--apply all] [--json] [--repo DIR]
  quartet autopilot [--once] [--json] [--repo DIR]
  quartet cleanup [--dry-run] [--all | --items IDS] [--json] [--repo DIR]
  quartet restore ARCHIVE_DIR --branch NAME [--repo DIR]
  quartet supervisor stop [--repo DIR]
  quartet serve [--port N] [--host H] [--token-file F] [--tracker-token-file F] [--repo DIR]
  quartet workflow validate [PATH] [--json]
  quartet workers [--workers JSON] [--ssh-config FILE] [--json] [--repo DIR]

Run "quartet COMMAND --help" for a command's options.
Exit codes: 0 success · 1 the work ran but something failed · 2 usage, configuration or environment error.`,
  launch: `quartet launch --repo DIR --title T --prompt P [--attempts N] [--wait] [--json] [options]

  --repo DIR               repository (default: the one containing the current directory)
  --title T                task title (required)
  --prompt P               what the agents should do (default: the title)
  --attempts N             parallel attempts, 1–16 (default: WORKFLOW.md quartet.attempts, else 4)
  --wait                   return when every attempt has ended; exit 0 only if every attempt finished
  --succeed-if all|any     with --wait: how many finished attempts count as success (default all)
  --json                   print the task as JSON (the shape of one entry of status --json)
  --codex-command CMD      command that starts the app-server (default "codex app-server")
  --approval-policy never|on-request
  --auto-approve patches-in-worktree|none   accept a patch whose every path is inside the worktree, or ask
                                 (default patches-in-worktree; old name worktree accepted). Commands always ask.
  --sandbox read-only|workspace-write|danger-full-access
  --model M                model override
  --stall-timeout-ms N     silence before an attempt is stalled (default 300000)
  --turn-timeout-ms N      silence within a turn before it fails (default 3600000)
  --read-timeout-ms N      request/response timeout (default 30000)
  --max-retries N          automatic retries of failed/stalled attempts (default 0)
  --max-concurrent N       global limit of running attempts (default 4)
  --worktree-root DIR      where worktrees go (default ~/.quartet/worktrees)
  --base REF               base ref (default: HEAD of the current branch)
  --token-budget N         tokens per attempt; at the limit its turn is interrupted (phase stopped, reason budget)
  --check-command CMD      the repo's checks for the scorecard and lands (default: npm test when defined; "" = none)
  --loop-limit N           same command failing the same way N times → stalled (reason looping); 0 = off (default 3)
  --no-progress-limit N    N steps in a row without any change to the worktree → stalled (reason looping); 0 = off (default 40)
  --cost-budget-usd X      estimated USD per attempt (prices: built-in table); at the limit its turn is interrupted (reason budget)

  The repository's WORKFLOW.md (codex: and quartet: keys) supplies defaults for these; flags win.`,
  status: `quartet status [--repo DIR] [--json]\n\n  Prints every task with its attempts; --json prints the snapshot.`,
  stop: `quartet stop ATTEMPT_ID [--repo DIR]\n\n  Interrupts the attempt's turn and ends its processes; the attempt ends "stopped".`,
  retry: `quartet retry ATTEMPT_ID [--repo DIR]\n\n  Runs a failed, stalled, stopped or interrupted attempt again in the same worktree and branch.`,
  resume: `quartet resume ATTEMPT_ID [--repo DIR]\n\n  Continues an interrupted, stopped, stalled or failed attempt on its own Codex thread (thread/resume).`,
  answer: `quartet answer ATTEMPT_ID accept|accept-session|decline [--text T] [--repo DIR]\n\n  Answers the approval or question an attempt waits on ("needs you"): accept once, accept-session (accept this and\n  the same kind of request for the rest of the attempt's Codex session), or decline. \`quartet status --json\` shows the\n  whole command or every path, the agent's reason and the cwd under \`pending\`.`,
  score: `quartet score TASK_ID [--json] [--repo DIR]\n\n  The verdict and scorecard: the evidence (own checks, cross-tests: each attempt's tests run against the others' code), conflicts, then diff size, tokens and time; the recommended one first. --json carries the cross-test matrix and the confidence.`,
  land: LAND_HELP,
  rework: REWORK_HELP,
  delete: `quartet delete TASK_ID [--json] [--repo DIR]\n\n  Deletes a task: stops its attempts (no process of them is left), archives whatever work they hold\n  (patch + post-mortem under <git dir>/quartet/archive; quartet restore brings one back), removes their\n  worktrees and branches, and drops the task from the list. Its journals stay on disk.`,
  distill: `quartet distill [--apply all] [--json] [--repo DIR]\n\n  Mines the journals (failing commands, repeated errors, stalls, declined approvals) and rework reasons for\n  evidence, asks Codex for skill proposals that cite it, and prints them. --apply all writes every proposal\n  onto a new branch quartet/skills/<date>. With little or no history it says so and proposes nothing.`,
  autopilot: AUTOPILOT_HELP,
  cleanup: CLEANUP_HELP,
  restore: RESTORE_HELP,
  supervisor: `quartet supervisor stop [--repo DIR]\n\n  Stops the repository's supervisor, whatever Quartet build it is (running attempts end as "interrupted";\n  Resume continues them). The next command starts the supervisor of its own build.`,
  workflow: WORKFLOW_HELP,
  workers: WORKERS_HELP,
  serve: SERVE_HELP,
};

class EnvError extends Error {}

/** `anyBuild`: reach whichever supervisor runs, even one the handshake would refuse (`supervisor stop`). */
async function connect(p: Parsed, anyBuild = false): Promise<SupervisorClient> {
  const dir = resolve(str(p, 'repo') ?? process.cwd());
  const repo = await findRepoRoot(dir);
  if (!repo) throw new EnvError(`${dir} is not inside a git repository`);
  const client = await SupervisorClient.connect({
    repo,
    supervisorEntry: join(__dirname, 'supervisor.js'),
    env: scrubSecrets(process.env),
    anyBuild,
  });
  // On stderr: stdout stays the command's own output (--json stays parseable).
  if (client.handshake.warning) process.stderr.write(`quartet: ${client.handshake.warning}\n`);
  return client;
}

function launchOptions(p: Parsed): Partial<LaunchOptions> {
  const o: Partial<LaunchOptions> = {};
  const set = <K extends keyof LaunchOptions>(k: K, v: LaunchOptions[K] | undefined): void => {
    if (v !== undefined) o[k] = v;
  };
  set('codexCommand', str(p, 'codex-command'));
  set('approvalPolicy', oneOf(p, 'approval-policy', ['never', 'on-request'] as const));
  const auto = oneOf(p, 'auto-approve', ['patches-in-worktree', 'worktree', 'none'] as const);
  set('autoApprove', auto === undefined ? undefined : normalizeAutoApprove(auto, 'none'));
  set('sandbox', oneOf(p, 'sandbox', ['read-only', 'workspace-write', 'danger-full-access'] as const));
  set('model', str(p, 'model'));
  set('stallTimeoutMs', int(p, 'stall-timeout-ms'));
  set('turnTimeoutMs', int(p, 'turn-timeout-ms'));
  set('readTimeoutMs', int(p, 'read-timeout-ms'));
  set('maxRetries', int(p, 'max-retries'));
  set('base', str(p, 'base'));
  set('tokenBudget', int(p, 'token-budget'));
  set('loopLimit', int(p, 'loop-limit'));
  set('noProgressLimit', int(p, 'no-progress-limit'));
  const cost = str(p, 'cost-budget-usd');
  if (cost !== undefined) {
    const usd = Number(cost);
    if (!Number.isFinite(usd) || usd <= 0)
      throw new CliUsageError(`--cost-budget-usd must be a positive number of dollars (got ${cost})`);
    o.costBudgetUsd = usd;
  }
  set('checkCommand', str(p, 'check-command'));
  return o;
}

function waitForTask(client: SupervisorClient, taskId: string): Promise<TaskSnapshot> {
  return new Promise((resolveTask, reject) => {
    const check = (s: Snapshot): void => {
      const t = s.tasks.find((x) => x.id === taskId);
      if (t && t.attempts.every((a) => isTerminal(a.phase) && !a.nextRetryAt)) {
        sub.dispose();
        resolveTask(t);
      }
    };
    const sub = client.onSnapshot(check);
    client.onDisconnect((err) =>
      reject(new Error(`lost the supervisor while waiting${err ? `: ${err.message}` : ''}`)),
    );
  });
}

async function launch(p: Parsed): Promise<number> {
  const title = str(p, 'title');
  if (!title) throw new CliUsageError('launch needs --title (see quartet launch --help)');
  const succeedIf = oneOf(p, 'succeed-if', ['all', 'any'] as const) ?? 'all';
  const client = await connect(p);
  const maxConcurrent = int(p, 'max-concurrent');
  const worktreeRoot = str(p, 'worktree-root');
  if (maxConcurrent !== undefined || worktreeRoot !== undefined) {
    await client.configure({
      ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
      ...(worktreeRoot ? { worktreeRoot: resolve(worktreeRoot) } : {}),
    });
  }
  // Secrets this terminal holds are redacted from the text too: the supervisor only ever sees the scrubbed env.
  const secrets = secretValues(process.env);
  let task = await client.launch({
    title: redact(title, secrets),
    prompt: redact(str(p, 'prompt') ?? title, secrets),
    attempts: int(p, 'attempts'),
    options: launchOptions(p),
    env: scrubSecrets(process.env),
  });
  if (p.flags.has('wait')) task = await waitForTask(client, task.id);
  client.close();
  console.log(p.flags.has('json') ? JSON.stringify(task, null, 2) : formatTask(task));
  if (!p.flags.has('wait')) return 0;
  const finished = task.attempts.filter((a) => a.phase === 'finished').length;
  return (succeedIf === 'any' ? finished > 0 : finished === task.attempts.length) ? 0 : 1;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command ? 0 : 2;
  }
  if (!HELP[command] || command === 'main')
    throw new CliUsageError(`unknown command "${command}" (see quartet --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP[command]);
    return 0;
  }
  const valued = [
    'repo',
    'title',
    'prompt',
    'attempts',
    'text',
    'codex-command',
    'approval-policy',
    'auto-approve',
    'sandbox',
    'model',
    'stall-timeout-ms',
    'turn-timeout-ms',
    'read-timeout-ms',
    'max-retries',
    'max-concurrent',
    'worktree-root',
    'base',
    'succeed-if',
    'token-budget',
    'loop-limit',
    'reason',
    'check-command',
    'apply',
    'no-progress-limit',
    'cost-budget-usd',
    'items',
    'branch',
    'allow-tracker-host',
    'workers',
    'ssh-config',
    ...SERVE_FLAGS,
  ];
  const p = parseArgs(
    rest,
    command === 'land' ? ['json', 'pr', 'resolve'] : ['wait', 'json', 'once', 'dry-run', 'all'],
    command === 'land' ? [...valued, ...LAND_PR_FLAGS] : valued,
  );
  switch (command) {
    case 'launch':
      return launch(p);
    case 'status': {
      const client = await connect(p);
      const s = await client.snapshot();
      client.close();
      if (p.flags.has('json'))
        console.log(
          JSON.stringify(
            {
              repo: s.repo,
              tasks: s.tasks,
              counts: s.counts,
              warnings: s.warnings,
              workflow: s.workflow ?? null,
              workers: s.workers ?? [],
            },
            null,
            2,
          ),
        );
      else
        console.log(
          s.tasks.length
            ? s.tasks.map(formatTask).join('\n\n')
            : `No tasks in ${s.repo}. Start one with: quartet launch --title "…"`,
        );
      return 0;
    }
    case 'stop':
    case 'retry':
    case 'resume': {
      const id = p.positionals[0];
      if (!id) throw new CliUsageError(`${command} needs an ATTEMPT_ID (see quartet status)`);
      const client = await connect(p);
      await (command === 'stop' ? client.stop(id) : command === 'retry' ? client.retry(id) : client.resume(id));
      client.close();
      console.log(`${{ stop: 'stopped', retry: 'retrying', resume: 'resuming' }[command]} ${id}`);
      return 0;
    }
    case 'answer': {
      const [id, decision] = p.positionals;
      const answer =
        decision === 'accept' || decision === 'decline'
          ? decision
          : decision === 'accept-session'
            ? 'acceptForSession'
            : null;
      if (!id || !answer)
        throw new CliUsageError('usage: quartet answer ATTEMPT_ID accept|accept-session|decline [--text T]');
      const client = await connect(p);
      await client.answer(id, answer, str(p, 'text'));
      client.close();
      console.log(`answered ${id}: ${decision}`);
      return 0;
    }
    case 'score': {
      const id = p.positionals[0];
      if (!id) throw new CliUsageError('score needs a TASK_ID (see quartet status)');
      const client = await connect(p);
      const card = await client.score(id);
      client.close();
      if (p.flags.has('json')) console.log(JSON.stringify(card, null, 2));
      else {
        if (card.verdict) console.log(`verdict: ${card.verdict.headline} (${card.verdict.confidence})`);
        // The verdict's order and its evidence first (what the ★ rests on); the scorecard's facts below each line.
        const entries = card.verdict?.state === 'done' ? card.verdict.entries : [];
        const ordered = entries.length
          ? entries.map((e) => card.ranked.find((r) => r.attemptId === e.attemptId)).filter((r) => r !== undefined)
          : card.ranked;
        for (const r of ordered) {
          const evidence = entries.find((e) => e.attemptId === r.attemptId)?.line;
          console.log(
            `${r.attemptId === card.recommended ? '★' : ' '} ${r.attemptId}  ${evidence ?? `${String(r.score).padStart(3)}  ${r.reasons.join(' · ')}`}`,
          );
          if (evidence) console.log(`      ${r.reasons.filter((x) => !evidence.includes(x)).join(' · ')}`);
        }
      }
      return 0;
    }
    case 'land':
      // The CLI's own environment, not a scrubbed copy: the token is read here and sent to the supervisor only.
      return land(p, () => connect(p), process.env);
    case 'rework':
      // The CLI's own environment (for the token), as land --pr does.
      return rework(p, () => connect(p), process.env);
    case 'delete': {
      const id = p.positionals[0];
      if (!id) throw new CliUsageError('delete needs a TASK_ID (see quartet status)');
      const client = await connect(p);
      try {
        const r = await client.deleteTask(id);
        console.log(
          p.flags.has('json')
            ? JSON.stringify(r, null, 2)
            : `deleted ${id}${r.archived.length ? `; archived ${r.archived.map((a) => `${a.attemptId} (${a.patch})`).join(', ')}` : ''}`,
        );
        return 0;
      } finally {
        client.close();
      }
    }
    case 'distill': {
      const client = await connect(p);
      const out = await client.distill({ env: scrubSecrets(process.env) });
      let applied = null;
      if (out.review && str(p, 'apply') === 'all') {
        const review = await client.decideProposals(
          out.review.id,
          out.review.proposals.map((x) => ({ proposalId: x.id, decision: 'accept' as const })),
        );
        const accepted = review.proposals.filter((x) => x.state === 'accepted');
        applied = { branch: review.branch, commit: accepted[0]?.commit ?? null, files: accepted.map((x) => x.path) };
      }
      client.close();
      if (p.flags.has('json')) console.log(JSON.stringify({ ...out, applied }, null, 2));
      else if (out.status !== 'proposed') console.log(out.message);
      else {
        for (const pr of out.proposals)
          console.log(`${pr.kind} ${pr.path}\n  ${pr.rationale}\n  evidence: ${pr.provenance.join(', ')}`);
        if (!out.proposals.length) console.log('Codex proposed nothing that cites the evidence.');
        if (applied) console.log(`wrote ${applied.files.join(', ')} on branch ${applied.branch}`);
      }
      return out.status === 'failed' ? 1 : 0;
    }
    case 'workflow':
      return await runWorkflowCommand(p.positionals, p.flags.has('json'));
    case 'workers':
      return workersCommand(p);
    case 'autopilot':
      return runAutopilot(await connect(p), {
        once: p.flags.has('once'),
        json: p.flags.has('json'),
        allowHosts: parseAllowedHosts(str(p, 'allow-tracker-host')),
      });
    case 'cleanup': {
      const client = await connect(p);
      try {
        return await cleanupCommand(p, client);
      } finally {
        client.close();
      }
    }
    case 'restore': {
      const dir = resolve(str(p, 'repo') ?? process.cwd());
      const repo = await findRepoRoot(dir);
      if (!repo) throw new EnvError(`${dir} is not inside a git repository`);
      return restoreCommand(p, repo);
    }
    case 'serve':
      return serve(p, process.env);
    case 'supervisor': {
      if (p.positionals[0] !== 'stop') throw new CliUsageError('usage: quartet supervisor stop [--repo DIR]');
      const client = await connect(p, true);
      await client.shutdown();
      console.log('supervisor stopping');
      return 0;
    }
    default:
      throw new CliUsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (
      err instanceof CliUsageError ||
      err instanceof EnvError ||
      err instanceof WorkflowInvalid ||
      err instanceof LandError ||
      err instanceof GitError ||
      err instanceof TrackerHostError ||
      err instanceof SupervisorMismatchError ||
      err instanceof WorkersConfigInvalid
    ) {
      process.stderr.write(`quartet: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof SupervisorError) {
      process.stderr.write(`quartet: ${err.message}\n`);
      process.exit(err.code === 'usage' || err.status === 404 ? 2 : 1);
    }
    process.stderr.write(`quartet: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
