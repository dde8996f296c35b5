// `quartet workers [--json]`: each worker host's health (ssh, git, codex, worktree root, disk) from the repository's workflow or --workers.

import { resolve } from 'node:path';
import { findRepoRoot } from '../core/git/gitRepo';
import { resolveCodexBinary } from '../core/execution/codexBinary';
import { loadWorkflow, resolveWorkflowPath } from '../core/workflow/loader';
import { WorkflowError } from '../core/workflow/errors';
import { preflightHost, type HostHealth } from '../core/workers/preflight';
import { defaultSshSettings } from '../core/workers/ssh';
import {
  effectiveWorkers,
  parseWorkersSetting,
  WorkerConfigError,
  type WorkerHost,
  type WorkflowWorkerSettings,
} from '../core/workers/workerConfig';
import { CliUsageError, str, type Parsed } from './args';

export const WORKERS_HELP = `quartet workers [--repo DIR] [--workers JSON] [--ssh-config FILE] [--json]

  Checks every worker host (WORKFLOW.md worker.ssh_hosts, or --workers, the value of the
  quartet.workers setting, e.g. '[{"host":"user@build-1","capacity":4,"worktreeRoot":"~/quartet"}]'):
  ssh reachable (BatchMode, your ssh config and agent), git and codex present with their versions,
  the worktree root writable, free disk. Nothing runs on worker hosts yet: this is the preflight.
  --ssh-config FILE   use this ssh config instead of ~/.ssh/config (also QUARTET_SSH_CONFIG)
  --json              {source, hosts: [{host, capacity, worktreeRoot, source, health}]}
  Exit 0 when every host is healthy (or none is configured), 1 when one is not, 2 on a bad configuration.`;

/** Configuration the command cannot use: exit 2 with this message. */
export class WorkersConfigInvalid extends Error {}

async function workflowWorkers(repo: string | null): Promise<WorkflowWorkerSettings | null> {
  if (!repo) return null;
  try {
    return loadWorkflow(resolveWorkflowPath(repo)).config.worker;
  } catch (err) {
    if (err instanceof WorkflowError && err.code === 'missing_workflow_file') return null;
    if (err instanceof WorkflowError)
      throw new WorkersConfigInvalid(`${err.detail.path ?? 'WORKFLOW.md'}: ${err.describe()}`);
    throw err;
  }
}

export async function workersCommand(p: Parsed, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let setting: WorkerHost[] | null = null;
  const raw = str(p, 'workers');
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new CliUsageError('--workers must be JSON, e.g. \'[{"host":"user@build-1","capacity":4}]\'');
    }
    try {
      setting = parseWorkersSetting(parsed, '--workers');
    } catch (err) {
      if (err instanceof WorkerConfigError) throw new WorkersConfigInvalid(err.message);
      throw err;
    }
  }
  const repo = await findRepoRoot(resolve(str(p, 'repo') ?? process.cwd()));
  const hosts = effectiveWorkers(setting, setting?.length ? null : await workflowWorkers(repo));
  const source = !hosts.length ? 'none' : setting?.length ? 'setting' : 'workflow';
  const configFile = str(p, 'ssh-config');
  const ssh = { ...defaultSshSettings(env), ...(configFile ? { configFile: resolve(configFile) } : {}) };
  // This machine's Codex, to compare with each host's (the same resolution a launch uses, minus the settings it cannot see).
  const local = hosts.length ? await resolveCodexBinary({ env, repo }) : null;
  const localCodexVersion = local?.ok ? local.version : null;
  const health = await Promise.all(hosts.map((h) => preflightHost(h, ssh, { localCodexVersion })));
  if (p.flags.has('json'))
    console.log(JSON.stringify({ source, hosts: hosts.map((h, i) => ({ ...h, health: health[i] })) }, null, 2));
  else if (!hosts.length)
    console.log(
      'No worker hosts configured (WORKFLOW.md worker.ssh_hosts or the quartet.workers setting): attempts run on this machine.',
    );
  else for (const [i, h] of hosts.entries()) console.log(formatHealth(h, health[i] as HostHealth));
  return health.every((h) => h.ok) ? 0 : 1;
}

export function formatHealth(h: WorkerHost, x: HostHealth): string {
  const head = `${h.host}  (${h.source}, capacity ${h.capacity ?? 'shared'})`;
  if (!x.reachable) return `${head}\n  unreachable: ${x.error}`;
  const free = x.freeBytes === null ? 'free space unknown' : `${(x.freeBytes / 2 ** 30).toFixed(1)} GiB free`;
  const lines = [
    `${head}  ${x.ok ? 'ok' : 'NOT READY'}  (${x.elapsedMs} ms)`,
    `  git    ${x.git ?? 'missing'}`,
    `  codex  ${x.codex ?? 'missing'}`,
    `  root   ${h.worktreeRoot}${x.resolvedRoot && x.resolvedRoot !== h.worktreeRoot ? ` → ${JSON.stringify(x.resolvedRoot)}` : ''}  ${x.writable ? 'writable' : 'NOT writable'} · ${free}`,
  ];
  for (const problem of x.problems) lines.push(`  ✗ ${problem}`);
  for (const note of x.notes) lines.push(`  ! ${note}`);
  return lines.join('\n');
}
