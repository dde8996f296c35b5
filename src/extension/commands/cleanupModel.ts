// Pure parts of Clean Up…: one picker row per plan item (size, why, due ones pre-selected) and the summary line.

import type { CleanupItem, CleanupPlan } from '../../core/contract/replies';
import { formatBytes } from '../../core/cleanup/diskUsage';

export interface CleanupPickRow {
  id: string;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

const ICON: Record<CleanupItem['kind'], string> = {
  worktree: '$(folder)',
  branch: '$(git-branch)',
  archive: '$(archive)',
  pool: '$(flame)',
};

/** Biggest first within each kind (worktrees, branches, archives, then warm worktrees): what frees the most is on top. */
export function cleanupPickRows(plan: CleanupPlan): CleanupPickRow[] {
  const order: CleanupItem['kind'][] = ['worktree', 'branch', 'archive', 'pool'];
  return [...plan.items]
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || b.bytes - a.bytes)
    .map((i) => ({
      id: i.id,
      label: `${ICON[i.kind]} ${i.label}`,
      description: [i.kind === 'branch' ? '' : formatBytes(i.bytes), i.due ? 'due' : ''].filter(Boolean).join(' · '),
      detail: i.detail,
      picked: i.due,
    }));
}

export function cleanupPlaceholder(plan: CleanupPlan): string {
  return `${plan.items.length} item(s), ${formatBytes(plan.totalBytes)} in all; pre-selected: due by retention (${formatBytes(plan.dueBytes)})`;
}

/** What the confirmation says: how much goes, and that unsaved work is archived first. */
export function cleanupConfirmation(plan: CleanupPlan, ids: readonly string[]): string {
  const chosen = plan.items.filter((i) => ids.includes(i.id));
  const bytes = chosen.reduce((s, i) => s + i.bytes, 0);
  const archived = chosen.filter((i) => i.archiveFirst).length;
  const archives = chosen.filter((i) => i.kind === 'archive').length;
  return [
    `Remove ${chosen.length} item(s), freeing ${formatBytes(bytes)}?`,
    archived ? `${archived} with unsaved work are archived first (restorable).` : '',
    archives ? `${archives} archive(s) are deleted for good.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
