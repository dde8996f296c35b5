// Which commands start something (an agent, a check, a land, a tracker poll) and so are refused in an untrusted folder.

import { CommandIds, type CommandId } from './commandIds';

/**
 * VS Code Workspace Trust: in a folder the person has not trusted, Quartet shows its view but launches nothing —
 * these are refused with a message (stop, refresh, logs, diffs, tokens and clean-up stay available).
 */
export const TRUST_REQUIRED_COMMANDS: readonly CommandId[] = [
  CommandIds.newTask,
  CommandIds.newTaskQuickInput,
  CommandIds.retryAttempt,
  CommandIds.resumeAttempt,
  CommandIds.landAttempt,
  CommandIds.landAttemptLocally,
  CommandIds.landAttemptAsPr,
  CommandIds.resolveWithAgent,
  CommandIds.reworkAttempt,
  CommandIds.acceptRequest,
  CommandIds.acceptRequestForAttempt,
  CommandIds.distillSkills,
  CommandIds.landSkillsBranch,
  CommandIds.startAutopilot,
  CommandIds.refreshAutopilot,
  CommandIds.launchIssueAttempts,
];

export const MANAGE_TRUST = 'Manage Workspace Trust';

/** The refusal for `id` in an untrusted folder, or null when it may run. */
export function untrustedRefusal(id: string, trusted: boolean): string | null {
  if (trusted || !TRUST_REQUIRED_COMMANDS.some((c) => c === id)) return null;
  return 'Quartet: this folder is not trusted, so Quartet launches nothing here (no agents, checks, hooks, lands or Autopilot). Trust the folder to use it.';
}
