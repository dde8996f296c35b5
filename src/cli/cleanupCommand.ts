// `quartet cleanup` (what retention frees, or chosen items) and `quartet restore` (an archive back into a worktree).

import { resolve } from 'node:path';
import type { SupervisorClient } from '../core/client/supervisorClient';
import type { CleanupPlan } from '../core/contract/replies';
import { formatBytes } from '../core/cleanup/diskUsage';
import { restoreArchive } from '../core/land/archive';
import { defaultWorktreeRoot } from '../core/git/worktrees';
import { CliUsageError, str, type Parsed } from './args';

export const CLEANUP_HELP = `quartet cleanup [--dry-run] [--all | --items ID,ID…] [--json] [--repo DIR]

  Lists what ended attempts hold — worktrees (with their size), quartet/ branches — and archives, and removes
  them. Without --all or --items it removes what the retention setting says is due (landed, archived, failed,
  stalled, stopped or interrupted attempts older than attemptDays; archives are never removed unless named).
  A worktree or branch with work that exists nowhere else is archived first (patch + manifest under
  <git dir>/quartet/archive; bring it back with quartet restore).
  --dry-run     only print the plan (items marked * are due)
  --all         every listed worktree and branch (archives only with --items)
  --items IDS   exactly these plan items (ids as printed by --dry-run, e.g. worktree:t-…-1,archive:t-…-2)
  --json        print the plan (or the plan and the result) as JSON`;

export const RESTORE_HELP = `quartet restore ARCHIVE_DIR --branch NAME [--worktree-root DIR] [--repo DIR]

  Recreates an archived attempt as uncommitted changes on a NEW branch and worktree started at its base.`;

function printPlan(plan: CleanupPlan): void {
  if (!plan.items.length) return void console.log('Nothing to clean up.');
  for (const i of plan.items)
    console.log(
      `${i.due ? '*' : ' '} ${i.id.padEnd(34)} ${formatBytes(i.bytes).padStart(8)}  ${i.label}\n      ${i.detail}`,
    );
  console.log(
    `\n${plan.items.length} item(s), ${formatBytes(plan.totalBytes)} in all; due by retention (*): ${formatBytes(plan.dueBytes)} (attempts after ${plan.retention.attemptDays} d, archives after ${plan.retention.archiveDays} d)`,
  );
}

export async function cleanupCommand(p: Parsed, client: SupervisorClient): Promise<number> {
  const plan = await client.cleanupPlan();
  const listed = str(p, 'items');
  const ids =
    listed !== undefined
      ? listed
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : plan.items
          .filter((i) => (p.flags.has('all') ? i.kind !== 'archive' : i.due && i.kind !== 'archive'))
          .map((i) => i.id);
  const unknown = ids.filter((id) => !plan.items.some((i) => i.id === id));
  if (unknown.length)
    throw new CliUsageError(`not in the clean-up plan: ${unknown.join(', ')} (see quartet cleanup --dry-run)`);
  if (p.flags.has('dry-run')) {
    if (p.flags.has('json')) console.log(JSON.stringify({ ...plan, selected: ids }, null, 2));
    else printPlan(plan);
    return 0;
  }
  const result = ids.length ? await client.cleanup(ids) : { removed: [], archived: [], failed: [], freedBytes: 0 };
  if (p.flags.has('json')) console.log(JSON.stringify({ plan, selected: ids, result }, null, 2));
  else {
    for (const a of result.archived) console.log(`archived ${a.attemptId} → ${a.patch}`);
    for (const r of result.removed) console.log(`removed ${r.id}${r.bytes ? ` (${formatBytes(r.bytes)})` : ''}`);
    for (const f of result.failed) console.log(`could not remove ${f.id}: ${f.error}`);
    console.log(
      ids.length
        ? `freed ${formatBytes(result.freedBytes)}`
        : 'Nothing is due for clean-up (see quartet cleanup --dry-run).',
    );
  }
  return result.failed.length ? 1 : 0;
}

export async function restoreCommand(p: Parsed, repo: string): Promise<number> {
  const archive = p.positionals[0];
  const branch = str(p, 'branch');
  if (!archive || !branch)
    throw new CliUsageError('usage: quartet restore ARCHIVE_DIR --branch NAME (see quartet restore --help)');
  const root = str(p, 'worktree-root');
  const path = await restoreArchive({
    repo,
    archive: resolve(archive),
    branch,
    worktreeRoot: root ? resolve(root) : defaultWorktreeRoot(),
  });
  console.log(`restored into ${path} on branch ${branch}`);
  return 0;
}
