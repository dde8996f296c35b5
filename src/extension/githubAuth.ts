// The GitHub token for "Land as Pull Request": kept in SecretStorage, or taken from VS Code's GitHub sign-in on an explicit click.

import * as vscode from 'vscode';
import { resolveGithubTarget } from '../core/github/remote';
import { apiUrlProblem, configuredBySettings, githubSettings, type GithubSettings } from './githubModel';
import { Disposable } from './lifecycle';
import type { QuartetLog } from './logging';
import { askAndStoreSecret } from './secretPrompt';
import { readSetting } from './settings';
import type { SnapshotStore } from './snapshotStore';

const TOKEN_KEY = 'quartet.github.token';
export const GITHUB_CONTEXT_KEY = 'quartet.githubAvailable';
/** How long Land waits for VS Code to say whether a GitHub session was already granted. */
const SILENT_SESSION_WAIT_MS = 2000;

export interface GithubAccess {
  /** The stored token, or undefined; never prompts. */
  token(): Promise<string | undefined>;
  /** The stored token, else the token of a GitHub session VS Code already granted Quartet; never prompts. */
  availableToken(): Promise<string | undefined>;
  /** owner/repo a pull request would go to (settings, else a GitHub remote of the repo), or null. */
  target(repo: string | null): Promise<{ owner: string; repo: string } | null>;
  /** Asks for a token in a password box and stores it; undefined when cancelled. */
  setToken(): Promise<string | undefined>;
  /** VS Code's GitHub sign-in (`repo` scope), only on this explicit call; the session's token is stored. */
  signIn(): Promise<string | undefined>;
  settings(): GithubSettings;
  /** Why `quartet.github.apiUrl` must not carry the token (e.g. plain http to another machine), or null. */
  apiUrlProblem(): string | null;
}

export class GithubAuth implements GithubAccess {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: QuartetLog,
  ) {}

  async token(): Promise<string | undefined> {
    return (await this.secrets.get(TOKEN_KEY)) || undefined;
  }

  async availableToken(): Promise<string | undefined> {
    const stored = await this.token();
    if (stored) return stored;
    // `silent` never shows UI; the race bounds the wait when no GitHub provider is registered (offline builds).
    const session = vscode.authentication.getSession('github', ['repo'], { silent: true }).then(
      (s) => s?.accessToken,
      () => undefined,
    );
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SILENT_SESSION_WAIT_MS));
    return (await Promise.race([session, timeout])) || undefined;
  }

  async target(repo: string | null): Promise<{ owner: string; repo: string } | null> {
    if (!repo) return null;
    return resolveGithubTarget(repo, this.settings()).then(
      (t) => ({ owner: t.owner, repo: t.repo }),
      () => null,
    );
  }

  setToken(): Promise<string | undefined> {
    return askAndStoreSecret(this.secrets, this.log, {
      key: TOKEN_KEY,
      title: 'Quartet: GitHub token',
      prompt:
        'A token with the "repo" scope (classic) or contents + pull requests read/write (fine-grained). Stored in VS Code\'s secret storage; never given to agents or written to logs.',
      tooShort: 'That does not look like a GitHub token.',
      stored: 'GitHub token stored in secret storage',
    });
  }

  async signIn(): Promise<string | undefined> {
    // OAuth needs a browser and the network: only ever on the user's click, never at startup.
    const session = await vscode.authentication.getSession('github', ['repo'], { createIfNone: true });
    await this.secrets.store(TOKEN_KEY, session.accessToken);
    this.log.info(`signed in to GitHub as ${session.account.label}`);
    return session.accessToken;
  }

  settings(): GithubSettings {
    return githubSettings(readSetting);
  }

  apiUrlProblem(): string | null {
    return apiUrlProblem(readSetting);
  }
}

/** Keeps the `quartet.githubAvailable` context key: the repo has a GitHub remote, or the settings name one. */
export class GithubAvailability extends Disposable {
  private repo: string | null = null;

  constructor(
    private readonly store: SnapshotStore,
    private readonly log: QuartetLog,
  ) {
    super();
    this._register(
      store.onDidChange(({ current }) => {
        if ((current?.repo ?? null) !== this.repo) void this.update();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('quartet.github')) void this.update();
      }),
    );
  }

  async update(): Promise<void> {
    this.repo = this.store.current?.repo ?? null;
    const settings = githubSettings(readSetting);
    let available = configuredBySettings(settings);
    if (!available && this.repo) {
      available = await resolveGithubTarget(this.repo, settings).then(
        () => true,
        () => false,
      );
    }
    this.log.info(
      `Land as Pull Request ${available ? 'available' : 'not available (no GitHub remote, no quartet.github settings)'}`,
    );
    await vscode.commands.executeCommand('setContext', GITHUB_CONTEXT_KEY, available);
  }
}
