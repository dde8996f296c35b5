// The host side of the New Task form and the follow-up message boxes, over the supervisor client and the settings.

import { redact, secretValues } from '../../core/config/secrets';
import { headInfo, localBranches } from '../../core/git/gitRepo';
import type { NewTaskInput } from '../../shared/newTaskForm';
import type { CommandServices } from '../commands/commandServices';
import { waitForTask } from '../commands/newTask';
import { readSetting } from '../settings';
import { secretEnvNames } from '../settingsModel';
import type { TaskHost } from './taskRequests';
import { queueFollowUp, type FollowUpWatch } from './followUpQueue';

/** How long to wait for the pushed snapshot that contains a just-launched task before revealing it in the tree. */
const REVEAL_WAIT_MS = 5000;

export function createTaskHost(s: CommandServices): TaskHost {
  // A token pasted into the form or a message must not reach the model, the journals or the state file.
  const scrub = (text: string): string => redact(text, secretValues(process.env, secretEnvNames(readSetting)));
  const watch: FollowUpWatch = {
    followUpCount: (id) => s.store.findAttempt(id)?.attempt.followUps.length ?? null,
    onChange: (l) => s.store.onDidChange(l),
  };
  return {
    defaults: async () => {
      const repo = s.repo();
      const [branches, head] = repo ? await Promise.all([localBranches(repo), headInfo(repo)]) : [[], { branch: null }];
      const options = s.launchOptions();
      return {
        branches,
        currentBranch: head.branch,
        attempts: s.defaultAttempts(),
        model: options.model ?? null,
        tokenBudget: options.tokenBudget ?? null,
      };
    },
    launch: async (input: NewTaskInput) => {
      const overrides = {
        ...(input.base ? { base: input.base } : {}),
        ...(input.model ? { model: input.model } : {}),
        ...(input.tokenBudget !== null ? { tokenBudget: input.tokenBudget } : {}),
      };
      const task = await s.client().launch({
        title: scrub(input.title),
        prompt: scrub(input.prompt),
        attempts: input.attempts,
        options: { ...s.launchOptions(), ...overrides },
        env: s.agentEnv(),
      });
      s.log.info(
        `launched task=${task.id} attempts=${task.attempts.length} from the New Task form title=${JSON.stringify(task.title)}`,
      );
      // Launched from the panel: select it in the tree if the tree shows, never switch the person's side bar to it.
      void waitForTask(s.store, task, REVEAL_WAIT_MS).then(() => s.view.revealLaunched(task.id, false));
      return { taskId: task.id, attemptIds: task.attempts.map((a) => a.id) };
    },
    followUp: (attemptId, message) => queueFollowUp(s.client(), watch, attemptId, scrub(message), (l) => s.log.info(l)),
  };
}
