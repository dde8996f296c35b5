// Registers every Quartet command, each wrapped so a failure is logged and shown, never thrown at VS Code.

import * as vscode from 'vscode';
import { errorMessage, SHOW_LOGS } from '../logging';
import { landAttempt, landAttemptLocally, resolveWithAgent, reworkAttempt } from './landCommands';
import { deleteTaskCommand } from './deleteTask';
import { landAttemptAsPr, setGithubToken, signInGithub } from './landPrCommand';
import { distillSkills } from './distillSkills';
import {
  launchIssueAttempts,
  openIssue,
  refreshAutopilot,
  setLinearKey,
  startAutopilot,
  stopAutopilot,
} from './autopilotCommands';
import { landSkillsBranch } from './landSkillsBranch';
import { cleanUp } from './cleanupCommand';
import { chooseCodexBinary } from './chooseCodex';
import {
  acceptRequest,
  acceptRequestForAttempt,
  answerQuestion,
  declineRequest,
  resumeAttempt,
  retryAttempt,
  stopAttempt,
} from './attemptCommands';
import { CommandIds } from './commandIds';
import type { CommandId } from './commandIds';
import type { CommandServices } from './commandServices';
import { newTask } from './newTask';
import { OPEN_NEW_TASK_FORM_COMMAND } from '../panel/controlPanel';
import { showWaiting } from './showWaiting';
import { undoLand } from './undoLand';
import { showDiff } from './showDiff';
import { openTerminal, openWorktree, revealJournal } from './worktreeCommands';
import { MANAGE_TRUST, untrustedRefusal } from './trustModel';

type Handler = (s: CommandServices, arg: unknown) => Promise<void> | void;

const HANDLERS: Record<CommandId, Handler> = {
  // The form in the control panel; the quick input stays for keyboard users.
  [CommandIds.newTask]: () => void vscode.commands.executeCommand(OPEN_NEW_TASK_FORM_COMMAND),
  [CommandIds.newTaskQuickInput]: (s) => newTask(s),
  [CommandIds.refresh]: (s) => s.refresh(),
  [CommandIds.stopAttempt]: stopAttempt,
  [CommandIds.retryAttempt]: retryAttempt,
  [CommandIds.resumeAttempt]: resumeAttempt,
  [CommandIds.landAttempt]: landAttempt,
  [CommandIds.landAttemptLocally]: landAttemptLocally,
  [CommandIds.landAttemptAsPr]: landAttemptAsPr,
  [CommandIds.setGithubToken]: (s) => setGithubToken(s),
  [CommandIds.signInGithub]: (s) => signInGithub(s),
  [CommandIds.resolveWithAgent]: resolveWithAgent,
  [CommandIds.reworkAttempt]: reworkAttempt,
  [CommandIds.deleteTask]: deleteTaskCommand,
  [CommandIds.distillSkills]: (s) => distillSkills(s),
  [CommandIds.landSkillsBranch]: landSkillsBranch,
  [CommandIds.showDiff]: showDiff,
  [CommandIds.openWorktree]: openWorktree,
  [CommandIds.openTerminal]: openTerminal,
  [CommandIds.revealJournal]: revealJournal,
  [CommandIds.acceptRequest]: acceptRequest,
  [CommandIds.acceptRequestForAttempt]: acceptRequestForAttempt,
  [CommandIds.declineRequest]: declineRequest,
  [CommandIds.answerQuestion]: answerQuestion,
  [CommandIds.showLogs]: (s) => s.log.show(),
  [CommandIds.startAutopilot]: (s) => startAutopilot(s),
  [CommandIds.stopAutopilot]: (s) => stopAutopilot(s),
  [CommandIds.refreshAutopilot]: (s) => refreshAutopilot(s),
  [CommandIds.launchIssueAttempts]: launchIssueAttempts,
  [CommandIds.openIssue]: openIssue,
  [CommandIds.setLinearKey]: (s) => setLinearKey(s),
  [CommandIds.cleanUp]: (s) => cleanUp(s),
  [CommandIds.chooseCodexBinary]: (s) => chooseCodexBinary(s),
  [CommandIds.showWaiting]: (s) => showWaiting(s),
  [CommandIds.undoLand]: undoLand,
};

export function registerCommands(s: CommandServices): vscode.Disposable {
  const registrations = Object.entries(HANDLERS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      try {
        const refusal = untrustedRefusal(id, vscode.workspace.isTrusted);
        if (refusal) {
          // A command can also arrive through executeCommand or a tree button, which ignore `enablement`.
          s.log.warn(`${id} refused: the workspace is not trusted`);
          if ((await vscode.window.showWarningMessage(refusal, MANAGE_TRUST)) === MANAGE_TRUST)
            await vscode.commands.executeCommand('workbench.trust.manage');
          return;
        }
        await handler(s, arg);
      } catch (err) {
        // A user's own click deserves an answer every time, so this does not go through the once-only reporter.
        s.log.error(`${id} failed`, err);
        const choice = await vscode.window.showErrorMessage(`Quartet: ${errorMessage(err)}`, SHOW_LOGS);
        if (choice === SHOW_LOGS) s.log.show();
      }
    }),
  );
  return vscode.Disposable.from(...registrations);
}
