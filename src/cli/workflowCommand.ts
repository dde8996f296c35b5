// `quartet workflow validate [PATH] [--json]`: load a WORKFLOW.md, dry-render its prompt, explain what Quartet does with it.

import { resolve } from 'node:path';
import { loadWorkflow } from '../core/workflow/loader';
import { WorkflowError } from '../core/workflow/errors';
import { renderWorkflowPrompt, localTaskIssue } from '../core/workflow/prompt';
import { templateUsage } from '../core/workflow/template';
import { launchDefaultsFrom } from '../core/workflow/launchDefaults';
import { trackerPreflight } from '../core/workflow/trackerBinding';
import type { WorkflowDefinition } from '../core/workflow/types';

export const WORKFLOW_HELP = `quartet workflow validate [PATH] [--json]

  Loads a Symphony WORKFLOW.md (default ./WORKFLOW.md): YAML front matter, the quartet: keys and the
  Liquid prompt template, which is rendered once with a sample task (first run and a retry) so unknown
  variables and filters show up now rather than when an attempt starts.
  Prints OK, the effective configuration, ignored keys (nobody reads them) and unsupported keys (Quartet
  reads them but a local task does not use them); exit 0. An invalid file prints one line
  "<path>: <error code>: <reason>" on stderr and exits 2.
  --json   print {ok, path, config, launchDefaults, ignored, unsupported, notes, preflight} (or {ok:false, error})`;

/** A failed validation: the CLI prints `message` on stderr and exits 2. */
export class WorkflowInvalid extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly json: boolean,
  ) {
    super(message);
  }
}

/** Throws the first error an attempt would hit: load, template parse (an unknown filter is found there), render. */
function check(path: string): WorkflowDefinition {
  const def = loadWorkflow(path);
  if (def.templateError) throw def.templateError;
  if (!def.template) return def;
  const issue = localTaskIssue({
    id: 't-000000000000',
    key: 'sample-task-00000000',
    title: 'Sample task',
    prompt: 'What the person asked for.',
    createdAt: new Date(0).toISOString(),
    branch: 'quartet/sample-task-00000000/1',
  });
  const quartet = {
    task_id: issue.id,
    attempt_index: 1,
    attempts: 1,
    worktree: '/tmp/worktree',
    branch: issue.branchName,
  };
  for (const attempt of [null, 1]) renderWorkflowPrompt(def, issue, attempt, { quartet });
  return def;
}

/** The config as JSON without resolved `$VAR` values: a secret never reaches stdout. */
function publicConfig(def: WorkflowDefinition): unknown {
  const provider = (def.raw.tracker as { provider?: unknown } | undefined)?.provider ?? {};
  return { ...def.config, tracker: { ...def.config.tracker, provider } };
}

function summary(def: WorkflowDefinition): string[] {
  const { tracker, polling, workspace, hooks, agent, codex, quartet } = def.config;
  const has = (k: string): boolean => def.present.has(k);
  const hookNames = (['after_create', 'before_run', 'after_run', 'before_remove'] as const).filter((h) =>
    def.present.has(`hooks.${h}`),
  );
  const refs = Object.entries(tracker.providerEnvRefs).map(
    ([k, name]) => `${k}=$${name} (${process.env[name] ? 'set' : 'not set'})`,
  );
  const usage = def.template ? templateUsage(def.template).variables : [];
  const lines = [
    `  tracker     ${tracker.kind ?? '(none)'}${Object.keys(tracker.provider).length ? ` · provider keys: ${Object.keys(tracker.provider).join(', ')}` : ''}${refs.length ? ` · ${refs.join(', ')}` : ''}`,
    `              active: ${tracker.activeStates?.join(', ') ?? '(adapter default)'} · terminal: ${tracker.terminalStates?.join(', ') ?? '(adapter default)'}${tracker.requiredLabels.length ? ` · labels: ${tracker.requiredLabels.join(', ')}` : ''}`,
    `  polling     every ${polling.intervalMs} ms`,
    `  workspace   ${workspace.root}${has('workspace.root') ? ' (Quartet worktree root unless quartet.worktreeRoot is set)' : ' (default; Quartet keeps ~/.quartet/worktrees)'}`,
    `  hooks       ${hookNames.length ? hookNames.join(', ') : '(none)'} · timeout ${hooks.timeoutMs} ms`,
    `  agent       ${agent.maxConcurrentAgents} concurrent · ${agent.maxTurns} turns · retry backoff ≤ ${agent.maxRetryBackoffMs} ms${Object.keys(agent.maxConcurrentAgentsByState).length ? ` · by state: ${JSON.stringify(agent.maxConcurrentAgentsByState)}` : ''}`,
    `  codex       ${codex.command} · approval ${codex.approvalPolicy ?? 'on-request (default)'} · sandbox ${codex.threadSandbox ?? 'workspace-write (default)'}${codex.turnSandboxPolicy ? ` · turn sandbox ${JSON.stringify(codex.turnSandboxPolicy)}` : ''}`,
    `              timeouts: turn ${codex.turnTimeoutMs} ms · read ${has('codex.read_timeout_ms') ? codex.readTimeoutMs : '30000 (Quartet default)'} ms · stall ${codex.stallTimeoutMs <= 0 ? 'off' : `${codex.stallTimeoutMs} ms`}`,
    `  quartet     attempts ${quartet.attempts} · checks ${quartet.checkCommand === null ? 'detect' : quartet.checkCommand === '' ? 'none' : `\`${quartet.checkCommand}\``} · land ${quartet.land.mode}/${quartet.land.policy}${quartet.land.pr ? '/pr' : ''} · token budget ${quartet.tokenBudget ?? 'none'} · loop limit ${quartet.loopLimit}${quartet.prices ? ' · prices' : ''}`,
    `  prompt      ${def.promptTemplate ? `${def.promptTemplate.split('\n').length} lines · reads ${usage.join(', ') || 'no variables'}` : "(empty: Quartet's default prompt)"}`,
  ];
  if (def.template && !usage.some((v) => v === 'issue.description' || v.startsWith('issue.description.'))) {
    lines.push(
      "  note        the template never reads issue.description: a local task's prompt will not reach the agent",
    );
  }
  return lines;
}

export async function runWorkflowCommand(
  positionals: string[],
  json: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, file] = positionals;
  if (sub !== 'validate') throw new WorkflowInvalid('usage', 'usage: quartet workflow validate [PATH] [--json]', false);
  const path = resolve(file ?? 'WORKFLOW.md');
  let def: WorkflowDefinition;
  try {
    def = check(path);
  } catch (err) {
    if (!(err instanceof WorkflowError)) throw err;
    if (json)
      console.log(
        JSON.stringify(
          { ok: false, path, error: { code: err.code, message: err.message, ...err.detail, path } },
          null,
          2,
        ),
      );
    throw new WorkflowInvalid(
      err.code,
      err.message.includes(path) ? err.describe() : `${path}: ${err.describe()}`,
      json,
    );
  }
  // The adapter's checks too (SPEC §6.3), with this shell's environment: a credential VS Code keeps in its secret
  // storage is not visible here, so a missing one says where it may come from (never a value).
  const preflight = await trackerPreflight(def, { env });
  if (json) {
    // `unsupported` stays for scripts that read it; always empty, since the Autopilot acts on every key Quartet parses.
    console.log(
      JSON.stringify(
        {
          ok: true,
          path,
          config: publicConfig(def),
          launchDefaults: launchDefaultsFrom(def),
          ignored: def.ignored,
          unsupported: [],
          notes: def.notes,
          preflight,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log([`OK ${path}`, ...summary(def)].join('\n'));
  if (def.ignored.length) console.log(`ignored (nobody reads them): ${def.ignored.join(', ')}`);
  for (const n of def.notes) console.log(`note: ${n}`);
  console.log(
    preflight.length
      ? `dispatch preflight (Autopilot): ${preflight.map((p) => `${p.code}: ${p.message}`).join('; ')}`
      : 'dispatch preflight (Autopilot): ok',
  );
  return 0;
}
