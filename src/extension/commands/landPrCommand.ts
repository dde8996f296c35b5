// "Land as Pull Request" from the tree, and the GitHub token commands; progress follows the task's landing steps.

import * as vscode from 'vscode';
import type { LandProgress } from '../../shared/model';
import { landingLine, safeLink } from '../githubModel';
import { attemptLabel } from '../viewModel/attemptView';
import { isLandable } from '../viewModel/contextValue';
import type { CommandServices } from './commandServices';
import { landingTitle, type LandChoice } from './landChoice';
import { resolveAttempt, type AttemptTarget } from './resolveAttempt';

const SET_TOKEN = 'Set GitHub Token';
const SIGN_IN = 'Sign in with GitHub';
const OPEN_PR = 'Open Pull Request';

async function tokenOrAsk(s: CommandServices): Promise<string | undefined> {
  const stored = await s.github.token();
  if (stored) return stored;
  const pick = await vscode.window.showWarningMessage(
    "Quartet: landing as a pull request needs a GitHub token (repo scope). It is kept in VS Code's secret storage and never reaches an agent.",
    SET_TOKEN,
    SIGN_IN,
  );
  if (pick === SET_TOKEN) return s.github.setToken();
  if (pick === SIGN_IN) return s.github.signIn();
  return undefined;
}

function openPr(url: string | undefined): void {
  const link = safeLink(url);
  if (link) void vscode.env.openExternal(vscode.Uri.parse(link));
}

/** The explicit "Land as Pull Request" entry: asks for a token when none is stored. */
export async function landAttemptAsPr(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(
    s.store,
    arg,
    (a) => isLandable(a, false),
    'Land which attempt as a pull request?',
  );
  if (!target || !isLandable(target.attempt, target.task.state === 'landed')) return;
  const token = await tokenOrAsk(s);
  if (!token) return;
  const github = await s.github.target(s.repo());
  // Without a target the supervisor refuses with a message naming the settings to use.
  const repo = github ? `${github.owner}/${github.repo}` : 'GitHub';
  await landTargetAsPr(s, target, token, { kind: 'pr', repo, reason: 'chosen from the menu' });
}

/** Starts the land in the supervisor, then follows task.landing in a notification until it ends. */
export async function landTargetAsPr(
  s: CommandServices,
  target: AttemptTarget,
  token: string,
  choice: LandChoice,
): Promise<void> {
  const label = `${attemptLabel(target.attempt)} of "${target.task.title}"`;
  // The snapshot may still hold an earlier land of this attempt (one that needed you): never mistake it for this one's end.
  const earlier = JSON.stringify(s.store.findTask(target.task.id)?.landing ?? null);
  let started = false;
  const bad = s.github.apiUrlProblem();
  if (bad) throw new Error(`quartet.github.apiUrl ${bad}. Fix the setting; the token was not sent.`);
  await s.client().land(target.attempt.id, { pr: true, github: { token, ...s.github.settings() } });
  s.log.info(`task=${target.task.id} attempt=${target.attempt.id} land as PR started (${choice.reason})`);
  let announced = false;
  const final = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: landingTitle(choice, label), cancellable: true },
    (progress, cancel) =>
      new Promise<LandProgress | null>((resolve) => {
        const check = (): void => {
          const l = s.store.findTask(target.task.id)?.landing;
          if (!l || l.attemptId !== target.attempt.id) return;
          started ||= l.status === 'running' || JSON.stringify(l) !== earlier;
          if (!started) return;
          progress.report({ message: landingLine(l) });
          if (l.pr && !announced) {
            announced = true;
            void vscode.window
              .showInformationMessage(`Quartet: opened pull request #${l.pr.number} for ${label}.`, OPEN_PR)
              .then((p) => p && openPr(l.pr?.url));
          }
          if (l.status !== 'running') done(l);
        };
        const sub = s.store.onDidChange(check);
        // Closing the notification only stops watching: the land goes on in the supervisor, the tree shows it.
        const stop = cancel.onCancellationRequested(() => done(null));
        const done = (l: LandProgress | null): void => {
          sub.dispose();
          stop.dispose();
          resolve(l);
        };
        check();
      }),
  );
  if (!final) return;
  s.log.info(`task=${target.task.id} attempt=${target.attempt.id} land-pr=${final.status} ${final.message}`);
  const pick =
    final.status === 'landed' || final.status === 'landed_aside'
      ? await vscode.window.showInformationMessage(`Quartet: ${final.message}`, ...(final.pr ? [OPEN_PR] : []))
      : await vscode.window.showWarningMessage(
          `Quartet: the pull request of ${label} ${final.status === 'needs_you' ? 'needs you' : 'did not land'}: ${final.message}`,
          ...(final.pr ? [OPEN_PR] : []),
          'Show Logs',
        );
  if (pick === OPEN_PR) openPr(final.pr?.url);
  else if (pick === 'Show Logs') s.log.show();
}

export async function setGithubToken(s: CommandServices): Promise<void> {
  if (await s.github.setToken()) void vscode.window.setStatusBarMessage('Quartet: GitHub token stored', 5000);
}

export async function signInGithub(s: CommandServices): Promise<void> {
  if (await s.github.signIn()) void vscode.window.setStatusBarMessage('Quartet: signed in to GitHub', 5000);
}
