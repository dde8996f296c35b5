// New Task: title, prompt and attempt count (each step cancellable without side effects), then launch.

import * as vscode from 'vscode';
import type { TaskSnapshot } from '../../shared/model';
import type { SnapshotStore } from '../snapshotStore';
import { plural } from '../viewModel/format';
import type { CommandServices } from './commandServices';
import { attemptCountItems, validateTitle } from './newTaskModel';
import { redact, secretValues } from '../../core/config/secrets';
import { readSetting } from '../settings';
import { secretEnvNames } from '../settingsModel';

/** How long to wait for the pushed snapshot that contains a just-launched task before revealing it. */
const REVEAL_WAIT_MS = 5000;

export async function newTask(s: CommandServices): Promise<void> {
  // Fail before asking anything when no supervisor is reachable.
  s.client();
  // Hidden now = launched from the palette: only then may the launch open the view (see revealLaunched).
  const hiddenAtStart = !s.view.view.visible;
  const title = await vscode.window.showInputBox({
    title: 'Quartet: New Task (1/3)',
    prompt: 'Task title',
    placeHolder: 'e.g. Make the login test pass',
    ignoreFocusOut: true,
    validateInput: validateTitle,
  });
  if (title === undefined) return;
  const prompt = await vscode.window.showInputBox({
    title: 'Quartet: New Task (2/3)',
    prompt: 'What should the agents do?',
    value: title.trim(),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Tell the agents what to do.'),
  });
  if (prompt === undefined) return;
  const picked = await vscode.window.showQuickPick(attemptCountItems(s.defaultAttempts()), {
    title: 'Quartet: New Task (3/3)',
    placeHolder: 'How many attempts should run in parallel?',
    ignoreFocusOut: true,
  });
  if (!picked) return;

  // A token pasted into the title or prompt must not reach the model, the journals or the state file.
  const secrets = secretValues(process.env, secretEnvNames(readSetting));
  const task = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Quartet: launching ${plural(picked.count, 'attempt')}…` },
    () =>
      s.client().launch({
        title: redact(title.trim(), secrets),
        prompt: redact(prompt.trim(), secrets),
        attempts: picked.count,
        options: s.launchOptions(),
        env: s.agentEnv(),
      }),
  );
  s.log.info(`launched task=${task.id} attempts=${task.attempts.length} title=${JSON.stringify(task.title)}`);
  await waitForTask(s.store, task, REVEAL_WAIT_MS);
  await s.view.revealLaunched(task.id, hiddenAtStart);
}

/** The launch reply can beat the pushed snapshot; the tree can only reveal what it already has. */
export function waitForTask(store: SnapshotStore, task: TaskSnapshot, timeoutMs: number): Promise<void> {
  if (store.findTask(task.id)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const sub = store.onDidChange(() => {
      if (store.findTask(task.id)) done();
    });
  });
}
