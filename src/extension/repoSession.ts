// Decides the window's state (noRepo / noCodex / error / ready) and owns the supervisor connection.

import * as vscode from 'vscode';
import { resolveCodexBinary } from '../core/execution/codexBinary';
import { findRepoRoot } from '../core/git/gitRepo';
import { scrubSecrets } from '../core/config/secrets';
import { Disposable, toDisposable } from './lifecycle';
import type { ErrorReporter, QuartetLog } from './logging';
import { isSettingSet, readSetting, readUserSetting } from './settings';
import {
  agentEnv,
  allowedCommandPrefixes,
  codexPathSetting,
  secretEnvNames,
  supervisorSettings,
} from './settingsModel';
import type { SupervisorSettings } from '../core/contract/settings';
import type { SnapshotStore } from './snapshotStore';
import { SupervisorConnection } from './supervisorConnection';
import { SupervisorMismatchError } from '../core/client/handshake';

export type QuartetState = 'noRepo' | 'untrusted' | 'noCodex' | 'starting' | 'error' | 'ready';
const START_ERROR_KEY = 'supervisor/start';
/** A refused supervisor (another API, still busy) restarts by itself once idle: look again this often. */
const REFUSED_RECHECK_MS = 30_000;

/** A folder the (possibly remote) extension host can read; code-server hands it `file:` URIs. */
function folderPath(uri: vscode.Uri): string | undefined {
  if (uri.scheme === 'file') return uri.fsPath;
  return uri.scheme === 'vscode-remote' ? uri.path : undefined;
}

export class RepoSession extends Disposable {
  private connection: SupervisorConnection | undefined;
  private codexPath: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private _state: QuartetState | undefined;
  private recheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly supervisorEntry: string,
    private readonly store: SnapshotStore,
    private readonly log: QuartetLog,
    private readonly errors: ErrorReporter,
    /** Quartet's own pinned codex, tried after the setting, QUARTET_CODEX, PATH and the repo. */
    private readonly codexFallbacks: readonly string[] = [],
  ) {
    super();
    this._register(toDisposable(() => this.closeConnection()));
    this._register(toDisposable(() => clearTimeout(this.recheck)));
  }

  get state(): QuartetState | undefined {
    return this._state;
  }

  get current(): SupervisorConnection | undefined {
    return this.connection;
  }

  /** The environment agents (and a supervisor this window starts) get. */
  agentEnv(): Record<string, string> {
    return agentEnv(scrubSecrets(process.env, secretEnvNames(readSetting)), this.codexPath);
  }

  /** Re-runs the checks; calls are queued so a burst of events never races two connections. */
  refresh(): Promise<void> {
    this.queue = this.queue
      .then(() => this.check())
      .catch((err: unknown) => this.errors.report('checking the repository failed', err));
    return this.queue;
  }

  private async check(): Promise<void> {
    if (this.isDisposed) return;
    if (!vscode.workspace.isTrusted) {
      // Workspace Trust: even `git rev-parse` honours a repo's own config (core.fsmonitor runs a command), resolving
      // Codex may run the repo's node_modules/.bin/codex, and a supervisor runs WORKFLOW.md hooks. Until the person
      // trusts the folder nothing starts; onDidGrantWorkspaceTrust refreshes.
      if (this._state !== 'untrusted')
        this.log.info('the folder is not trusted: Quartet launches nothing until you trust it');
      return this.stopAt('untrusted');
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    const dir = folder ? folderPath(folder.uri) : undefined;
    const repo = dir ? await findRepoRoot(dir) : null;
    if (!repo) {
      this.log.info(dir ? `${dir} is not inside a git repository` : 'no folder is open');
      return this.stopAt('noRepo');
    }
    const codex = await resolveCodexBinary({
      configured: codexPathSetting(readSetting),
      env: process.env,
      repo,
      fallbacks: this.codexFallbacks,
    });
    if (!codex.ok) {
      this.log.warn(codex.error);
      return this.stopAt('noCodex');
    }
    if (codex.path !== this.codexPath) this.log.info(`using Codex ${codex.version} at ${codex.path}`);
    this.codexPath = codex.path;
    try {
      if (this.connection?.repo !== repo) {
        // The first start of a supervisor takes a few seconds: the view says so instead of staying blank.
        if (this._state !== 'ready') await this.setState('starting');
        await this.connect(repo);
      } else await this.connection.resync();
      this.errors.forget(START_ERROR_KEY);
      await this.setState('ready');
    } catch (err) {
      this.closeConnection();
      if (err instanceof SupervisorMismatchError) {
        // The message says what to do; once the old supervisor's work ends it restarts, and this window connects.
        this.errors.report('the Quartet supervisor is another version', err, {
          key: START_ERROR_KEY,
          userMessage: `Quartet: ${err.message}`,
        });
        clearTimeout(this.recheck);
        this.recheck = setTimeout(() => void this.refresh(), REFUSED_RECHECK_MS);
      } else this.errors.report('could not start the Quartet supervisor', err, { key: START_ERROR_KEY });
      await this.setState('error');
    }
  }

  /** The settings for the supervisor; allow-list entries that can never match are named to the user (once each), not sent. */
  private supervisorSettings(): SupervisorSettings {
    const { invalid } = allowedCommandPrefixes(readUserSetting);
    if (invalid.length) {
      const list = invalid.map((e) => JSON.stringify(e)).join(', ');
      this.errors.report('quartet.approvals.allowedCommandPrefixes', `not plain command prefixes: ${list}`, {
        key: `allow-list:${list}`,
        userMessage: `Quartet: quartet.approvals.allowedCommandPrefixes: ${list} can never match (shell operators, quotes with expansions, globs or VAR=); use plain words such as "npm ci". The other entries apply.`,
      });
    }
    return supervisorSettings(readSetting, isSettingSet, readUserSetting);
  }

  private async connect(repo: string): Promise<void> {
    this.closeConnection();
    const connection = new SupervisorConnection({
      repo,
      supervisorEntry: this.supervisorEntry,
      env: () => this.agentEnv(),
      settings: () => this.supervisorSettings(),
      store: this.store,
      log: this.log,
      errors: this.errors,
    });
    this.connection = connection;
    await connection.start();
  }

  private async stopAt(state: QuartetState): Promise<void> {
    this.closeConnection();
    await this.setState(state);
  }

  private closeConnection(): void {
    this.connection?.dispose();
    this.connection = undefined;
    this.store.set(undefined);
    this.store.setNotice(undefined);
  }

  private async setState(state: QuartetState): Promise<void> {
    if (state !== this._state) this.log.info(`state=${state}`);
    this._state = state;
    // The welcome views of quartet.tasks are keyed on this.
    await vscode.commands.executeCommand('setContext', 'quartet.state', state);
  }
}
