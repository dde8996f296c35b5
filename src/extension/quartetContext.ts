// Composition root: builds the extension's services in order, owns their disposables, and shuts them down.

import * as vscode from 'vscode';
import { AttentionNotifier } from './attentionNotifier';
import { BaseContentProvider } from './baseContentProvider';
import { quartetCodexCandidates } from './quartetCodex';
import { ProposalFileSystem } from './proposalFileSystem';
import { SkillsReview } from './skillsReview';
import { registerControlPanel } from './panel/controlPanel';
import { createTaskHost } from './panel/taskFormHost';
import { openAttemptsDiff } from './commands/compareDiff';
import type { QuartetApi } from '../core/contract/quartetApi';
import type { CommandServices } from './commands/commandServices';
import { registerCommands } from './commands/registerCommands';
import { CommandIds } from './commands/commandIds';
import { Disposable } from './lifecycle';
import { ErrorReporter, QuartetLog } from './logging';
import { RepoSession } from './repoSession';
import { isSettingSet, PREFLIGHT_SETTING_KEYS, initSettings, readSetting, SUPERVISOR_SETTING_KEYS } from './settings';
import { defaultAttempts, explicitLaunchOptions } from './settingsModel';
import { SnapshotStore } from './snapshotStore';
import { QuartetStatusBar } from './statusBar';
import { WorktreeTabCloser } from './worktreeTabs';
import { TasksView } from './tree/tasksView';
import { NotConnectedError } from './supervisorConnection';
import { GithubAuth, GithubAvailability } from './githubAuth';
import { LinearAuth } from './linearAuth';
import { GlobalTokenHostConsent } from './tokenHostConsent';

export class QuartetContext extends Disposable {
  readonly store: SnapshotStore;
  private readonly skills: SkillsReview;
  readonly view: TasksView;
  readonly session: RepoSession;
  private readonly github: GithubAuth;
  private readonly linear: LinearAuth;
  private readonly tokenHosts: GlobalTokenHostConsent;

  constructor(
    extension: vscode.ExtensionContext,
    readonly log: QuartetLog,
    readonly errors: ErrorReporter,
  ) {
    super();
    // First in, last out: everything disposed after it may still want to log.
    this._register(log);
    initSettings(extension.extension.packageJSON, (m) => log.warn(m));
    this.store = this._register(new SnapshotStore());
    this.view = this._register(new TasksView(this.store));
    this._register(new QuartetStatusBar(this.store));
    this._register(new AttentionNotifier(this.store, this.view, log, errors));
    this._register(new WorktreeTabCloser(this.store, (line) => log.info(line)));
    this._register(BaseContentProvider.register());
    const proposals = ProposalFileSystem.register();
    this._register(proposals.disposable);
    this.session = this._register(
      new RepoSession(
        extension.asAbsolutePath('dist/supervisor.js'),
        this.store,
        log,
        errors,
        quartetCodexCandidates(extension.extensionPath),
      ),
    );
    this.github = new GithubAuth(extension.secrets, log);
    this.linear = new LinearAuth(extension.secrets, log);
    this.tokenHosts = new GlobalTokenHostConsent(extension.globalState, log);
    this._register(new GithubAvailability(this.store, log));
    const client = (): QuartetApi => this.commandServices().client();
    this.skills = this._register(new SkillsReview(client, proposals.fs, () => this.store.current?.repo ?? null));
    this._register(registerCommands(this.commandServices()));
    this._register(
      registerControlPanel(extension, {
        getSnapshot: () => this.store.current ?? null,
        onSnapshot: (l) => this.store.onDidChange(({ current }) => current && l(current)),
        api: {
          journal: (id, from) => client().journal(id, from),
          journalPage: (id, from, max) => client().journalPage(id, from, max),
          stop: (id) => client().stop(id),
          retry: (id) => client().retry(id),
          answer: (id, d, t) => client().answer(id, d, t),
        },
        openDiff: (ids, at) => openAttemptsDiff(this.store, ids, at),
        resolveWithAgent: (id) => void vscode.commands.executeCommand(CommandIds.resolveWithAgent, id),
        skills: this.skills,
        tasks: createTaskHost(this.commandServices()),
        log: (m) => this.log.info(m),
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.session.refresh()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.session.refresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (PREFLIGHT_SETTING_KEYS.some((k) => e.affectsConfiguration(k))) void this.session.refresh();
        else if (SUPERVISOR_SETTING_KEYS.some((k) => e.affectsConfiguration(k))) void this.session.current?.configure();
      }),
    );
  }

  /** Builds everything and starts the first check; failures are reported here, never thrown at VS Code. */
  static start(extension: vscode.ExtensionContext): QuartetContext | undefined {
    const log = new QuartetLog();
    const errors = new ErrorReporter(log);
    try {
      const ctx = new QuartetContext(extension, log, errors);
      log.info(
        `Quartet ${String(extension.extension.packageJSON.version)} activated (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`,
      );
      void ctx.session.refresh();
      return ctx;
    } catch (err) {
      errors.report('Quartet failed to start', err, {
        userMessage: `Quartet failed to start: ${err instanceof Error ? err.message : String(err)}`,
      });
      // Keep the log channel alive so "Show Logs" still has something to show.
      extension.subscriptions.push(log);
      return undefined;
    }
  }

  /**
   * Closes this window's connection; attempts keep running. With
   * quartet.stopAttemptsWhenLastClientDisconnects on, the supervisor (told through configure) stops
   * them once its last client is gone — it alone knows whether a CLI or another window still watches.
   */
  shutdown(): void {
    this.dispose();
  }

  private commandServices(): CommandServices {
    return {
      store: this.store,
      view: this.view,
      log: this.log,
      errors: this.errors,
      skills: this.skills,
      repo: () => this.store.current?.repo ?? null,
      client: () => {
        const connection = this.session.current;
        if (!connection) throw new NotConnectedError();
        return connection.requireClient();
      },
      launchOptions: () => explicitLaunchOptions(readSetting, isSettingSet),
      // An explicit setting wins; else the repo's WORKFLOW.md `quartet.attempts`; else the setting's default.
      defaultAttempts: () =>
        (isSettingSet('attempts') ? null : this.store.current?.workflow?.attempts) ?? defaultAttempts(readSetting),
      agentEnv: () => this.session.agentEnv(),
      github: this.github,
      linear: this.linear,
      tokenHosts: this.tokenHosts,
      refresh: () => this.session.refresh(),
    };
  }
}
