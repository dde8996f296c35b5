// Quartet's own tasks as a TaskSource (kind `local`): the orchestrator's task list read through the tracker boundary.

import type { TaskSnapshot, TaskState } from '../../shared/model';
import { instantOrNull } from './normalize';
import { stateKey, type NormalizedIssue, type TaskSource } from './types';

/** The task fields the local source reads (a TaskSnapshot satisfies it). */
export type LocalTask = Pick<TaskSnapshot, 'id' | 'key' | 'title' | 'prompt' | 'createdAt' | 'state'>;

/** Task state → issue state name. Defaults: active `In Progress`, terminal `Done`, `Cancelled`. */
export const LOCAL_STATE_NAMES: Record<TaskState, string> = {
  open: 'In Progress',
  landed: 'Done',
  archived: 'Cancelled',
};
export const LOCAL_ACTIVE_STATES = [LOCAL_STATE_NAMES.open];
export const LOCAL_TERMINAL_STATES = [LOCAL_STATE_NAMES.landed, LOCAL_STATE_NAMES.archived];

export function normalizeLocalTask(task: LocalTask): NormalizedIssue {
  return {
    id: task.id,
    nativeRef: null,
    identifier: task.key,
    title: task.title,
    description: task.prompt || null,
    priority: null,
    state: LOCAL_STATE_NAMES[task.state] ?? task.state,
    // Attempts each have their own branch (quartet/<key>/<n>); the task itself has none.
    branchName: null,
    url: null,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    // Only open tasks can take new work; landed/archived ones are finished.
    dispatchable: task.state === 'open',
    // Local tasks are typed by the person at this machine.
    author: { login: null, role: 'local', canWrite: true },
    createdAt: instantOrNull(task.createdAt),
    updatedAt: null,
  };
}

/** `getTasks` is the orchestrator's current task list; it is not called for an empty query. */
export function createLocalSource(getTasks: () => readonly LocalTask[] | Promise<readonly LocalTask[]>): TaskSource {
  return {
    kind: 'local',
    label: 'Local tasks',
    secretEnvNames: [],
    async fetchIssuesByStates(stateNames) {
      const wanted = new Set(stateNames.map(stateKey));
      if (wanted.size === 0) return [];
      return (await getTasks()).map(normalizeLocalTask).filter((i) => wanted.has(stateKey(i.state)));
    },
    async fetchIssuesByIds(ids) {
      const wanted = new Set(ids);
      if (wanted.size === 0) return [];
      return (await getTasks()).filter((t) => wanted.has(t.id)).map(normalizeLocalTask);
    },
    async preflight() {},
  };
}
