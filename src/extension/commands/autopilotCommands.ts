// Autopilot commands: start, stop, refresh now, open an issue's link, and launch attempts on one issue by hand.

import * as vscode from 'vscode';
import type { AutopilotIssueRow } from '../../shared/autopilot';
import { credentialsFromEnv } from '../../core/tracker/credentials';
import type { TrackerCredentials } from '../../core/contract/replies';
import { errorMessage } from '../logging';
import { oneLine, plural } from '../viewModel/format';
import type { CommandServices } from './commandServices';
import { attemptCountItems } from './newTaskModel';
import { waitForTask } from './newTask';

const STATUS_MESSAGE_MS = 4000;

const SET_GITHUB = 'Set GitHub Token';
const SET_LINEAR = 'Set Linear API Key';

/**
 * The credentials the configured tracker reads (the supervisor names them; never values): the stored GitHub token /
 * Linear key from SecretStorage and the named variables of this window's environment. The supervisor keeps them in
 * memory only; the built-in secret names never reach it through its own environment.
 */
export async function trackerCredentials(s: CommandServices): Promise<TrackerCredentials> {
  // Asked each time (the supervisor re-reads WORKFLOW.md first): the snapshot may predate an edit.
  const needs = (await s.client().autopilot()).credentials;
  // Before any token is read: a WORKFLOW.md endpoint on a new host needs the person's yes (remembered per host).
  const hosts = await s.tokenHosts.allowedHosts(needs?.endpoints ?? []);
  if (!hosts)
    throw new Error(
      'the tracker token was not sent: its host was not confirmed. Start the Autopilot again to be asked again, or change tracker.provider.endpoint in WORKFLOW.md.',
    );
  const stored: Record<string, string> = {};
  if (needs?.secretKeys.includes('github')) {
    const t = await s.github.token();
    if (t) stored.github = t;
  }
  if (needs?.secretKeys.includes('linear')) {
    const t = await s.linear.token();
    if (t) stored.linear = t;
  }
  return credentialsFromEnv(needs, process.env, stored, hosts);
}

export async function startAutopilot(s: CommandServices): Promise<void> {
  let ap;
  try {
    const credentials = await trackerCredentials(s);
    ap = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Quartet: starting the Autopilot…' },
      () => s.client().autopilotStart({ credentials }),
    );
  } catch (err) {
    const text = errorMessage(err);
    if (!/missing_tracker_secret/.test(text)) throw err;
    // The tree's Autopilot row says the same; here the person can fix it at once.
    const action = /linear/i.test(text) ? SET_LINEAR : SET_GITHUB;
    const choice = await vscode.window.showErrorMessage(
      `Quartet: the Autopilot needs a tracker credential. ${text}`,
      action,
    );
    if (choice === SET_GITHUB && (await s.github.setToken())) return startAutopilot(s);
    if (choice === SET_LINEAR && (await s.linear.setKey())) return startAutopilot(s);
    return;
  }
  vscode.window.setStatusBarMessage(`Quartet: Autopilot running on ${ap.source ?? 'the tracker'}`, STATUS_MESSAGE_MS);
  if (ap.lastPollError)
    void vscode.window.showWarningMessage(
      `Quartet: the Autopilot started, but its first poll failed: ${ap.lastPollError}`,
    );
}

export async function setLinearKey(s: CommandServices): Promise<void> {
  if (await s.linear.setKey())
    vscode.window.setStatusBarMessage('Quartet: Linear API key stored (used when the Autopilot starts)', 5000);
}

export async function stopAutopilot(s: CommandServices): Promise<void> {
  await s.client().autopilotStop();
  vscode.window.setStatusBarMessage(
    'Quartet: Autopilot stopped (running attempts go on as ordinary tasks)',
    STATUS_MESSAGE_MS,
  );
}

export async function refreshAutopilot(s: CommandServices): Promise<void> {
  const r = await s.client().autopilotRefresh();
  if (!r.queued) void vscode.window.showInformationMessage('Quartet: the Autopilot is not running; start it first.');
}

/** A tree row (`{issueId}`), an issue id, or a pick among the tracker issues the Autopilot shows. */
async function resolveIssue(
  s: CommandServices,
  arg: unknown,
  placeHolder: string,
  fits: (i: AutopilotIssueRow) => boolean,
): Promise<AutopilotIssueRow | undefined> {
  const issues = s.store.current?.autopilot?.issues ?? [];
  const id =
    typeof arg === 'string'
      ? arg
      : arg && typeof arg === 'object' && 'issueId' in arg && typeof arg.issueId === 'string'
        ? arg.issueId
        : undefined;
  if (id) {
    const found = issues.find((i) => i.id === id);
    if (!found) void vscode.window.showWarningMessage(`Quartet: issue ${id} is no longer listed by the Autopilot.`);
    return found;
  }
  const candidates = issues.filter(fits);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(
      'Quartet: no tracker issues to choose from (start the Autopilot to list them).',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((i) => ({
      label: `${i.identifier} ${oneLine(i.title, 80)}`,
      description: `${i.state} · ${i.status}`,
      issue: i,
    })),
    { placeHolder },
  );
  return picked?.issue;
}

export async function openIssue(s: CommandServices, arg: unknown): Promise<void> {
  const retryUrl =
    arg && typeof arg === 'object' && 'issueId' in arg
      ? s.store.current?.autopilot?.retrying.find((r) => r.issueId === arg.issueId)?.url
      : undefined;
  const url = retryUrl ?? (await resolveIssue(s, arg, 'Open which issue?', (i) => !!i.url))?.url;
  if (!url) return;
  const uri = vscode.Uri.parse(url, true);
  // Tracker data is untrusted: only web links open.
  if (uri.scheme !== 'https' && uri.scheme !== 'http') throw new Error(`refusing to open ${url}: not an http(s) link`);
  await vscode.env.openExternal(uri);
}

export async function launchIssueAttempts(s: CommandServices, arg: unknown): Promise<void> {
  s.client();
  // Like New Task: the launch shows its task without taking the view the person moved to (revealLaunched).
  const hiddenAtStart = !s.view.view.visible;
  const issue = await resolveIssue(
    s,
    arg,
    'Launch attempts on which issue?',
    (i) => i.status !== 'running' && i.status !== 'retrying',
  );
  if (!issue) return;
  const picked = await vscode.window.showQuickPick(attemptCountItems(s.defaultAttempts()), {
    title: `Quartet: attempts on ${issue.identifier}`,
    placeHolder: 'How many attempts should run in parallel?',
    ignoreFocusOut: true,
  });
  if (!picked) return;
  const task = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Quartet: launching ${plural(picked.count, 'attempt')} on ${issue.identifier}…`,
    },
    async () =>
      s.client().launchIssue(issue.id, {
        attempts: picked.count,
        options: s.launchOptions(),
        env: s.agentEnv(),
        credentials: await trackerCredentials(s),
      }),
  );
  s.log.info(`launched task=${task.id} from issue ${issue.identifier} attempts=${task.attempts.length}`);
  await waitForTask(s.store, task, 5000);
  await s.view.revealLaunched(task.id, hiddenAtStart);
}
