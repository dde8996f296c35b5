// Task and attempt identity: ids, task keys and branch names (see docs/ARCHITECTURE.md "Identity").

import { randomBytes } from 'node:crypto';

export function newTaskId(): string {
  return `t-${randomBytes(6).toString('hex')}`;
}

export function attemptId(taskId: string, index: number): string {
  return `${taskId}-${index}`;
}

/** Lowercase ASCII slug of a title, at most `max` chars, never empty. */
export function slugify(title: string, max = 40): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return slug || 'task';
}

/** `<slug ≤ 40>-<8 hex of the id>`: readable and unique because the id is. */
export function taskKey(title: string, taskId: string): string {
  return `${slugify(title)}-${taskId.replace(/^t-/, '').slice(0, 8)}`;
}

export function branchName(key: string, index: number): string {
  return `quartet/${key}/${index}`;
}
