// One open control panel: its HTML, the message loop, debounced snapshots and the journal pumps it asked for.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Snapshot } from '../../shared/model';
import type { PriceTable } from '../../shared/cost';
import {
  PANEL_PROTOCOL_VERSION,
  type HostToWebview,
  type PanelViewState,
  type WebviewToHost,
} from '../../shared/protocol';
import { parseWebviewMessage } from '../../shared/protocolGuards';
import { isTerminal } from '../../shared/model';
import { renderPanelHtml } from '../../shared/panelHtml';
import { answerRequest, type RequestDeps } from './panelRequests';
import { JournalSubscriptions } from './journalSubscriptions';
import { TrafficCounter } from './trafficCounter';

export interface SessionDeps extends Omit<RequestDeps, 'snapshot' | 'rawSeqs'> {
  getSnapshot(): Snapshot | null;
  onSnapshot(listener: (s: Snapshot) => void): vscode.Disposable;
  prices(): PriceTable;
  /** Remembers the panel's view so the next panel opens where this one was. */
  saveView(view: PanelViewState): void;
  log(msg: string): void;
}

/** Snapshots can arrive 10×/s; the panel redraws at most this often. */
const SNAPSHOT_DEBOUNCE_MS = 100;

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export class PanelSession implements vscode.Disposable {
  readonly traffic = new TrafficCounter();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly journals: JournalSubscriptions;
  private snapshotTimer: ReturnType<typeof setTimeout> | null = null;
  private ready = false;
  private pendingShow: string | null = null;
  private pendingNewTask = false;
  private lastEventAt = new Map<string, string | null>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly deps: SessionDeps,
    view: PanelViewState,
  ) {
    this.journals = new JournalSubscriptions({
      known: () => new Set(deps.getSnapshot()?.tasks.flatMap((t) => t.attempts.map((a) => a.id)) ?? []),
      isLive: (id) => this.isLive(id),
      // Pages say whether more follows, so a long backlog is read page after page without waiting a poll interval.
      fetch: (id, from) => (deps.api.journalPage ? deps.api.journalPage(id, from) : deps.api.journal(id, from)),
      send: (chunk, bytes) => this.post({ type: 'journal/chunk/appended', params: chunk }, bytes),
      log: deps.log,
    });
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
    webview.html = this.html(view);
    this.disposables.push(
      webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      deps.onSnapshot(() => this.scheduleSnapshot()),
      // A command (Distill Skills, Land Skills Branch) changed the review or the branches: the Skills view follows.
      deps.skills?.onDidChange((overview) => this.post({ type: 'skills/overview/changed', params: { overview } })) ?? {
        dispose: () => undefined,
      },
      // Hidden webviews are torn down (retainContextWhenHidden: false); they ask again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pause();
      }),
    );
  }

  showAttempt(attemptId: string): void {
    if (this.ready) this.post({ type: 'view/attempt/show', params: { attemptId } });
    else this.pendingShow = attemptId;
  }

  showNewTask(): void {
    if (this.ready) this.post({ type: 'view/newTask/show', params: {} });
    else this.pendingNewTask = true;
  }

  pricesChanged(): void {
    this.post({ type: 'config/prices/changed', params: { prices: this.deps.prices() } });
  }

  private html(view: PanelViewState): string {
    const webview = this.panel.webview;
    const dist = (file: string): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      initialState: {
        protocol: PANEL_PROTOCOL_VERSION,
        snapshot: this.deps.getSnapshot(),
        view,
        prices: this.deps.prices(),
      },
    });
  }

  private post(msg: HostToWebview, approxBytes?: number): void {
    if (!this.panel.visible && msg.type !== 'rpc/reply/sent') return;
    this.traffic.add(msg.type, approxBytes ?? JSON.stringify(msg).length);
    void this.panel.webview.postMessage(msg);
  }

  private receive(data: unknown): void {
    const parsed = parseWebviewMessage(data);
    if (!parsed.ok) {
      this.deps.log(`control panel: ignored a message: ${parsed.reason}`);
      if (parsed.id !== undefined)
        this.post({ type: 'rpc/reply/sent', inReplyTo: parsed.id, error: { code: 'invalid', message: parsed.reason } });
      return;
    }
    this.handle(parsed.message);
  }

  private handle(msg: WebviewToHost): void {
    switch (msg.type) {
      case 'webview/ready':
        this.ready = true;
        if (msg.params.protocol !== PANEL_PROTOCOL_VERSION)
          this.deps.log(
            `control panel: webview speaks protocol ${msg.params.protocol}, host ${PANEL_PROTOCOL_VERSION}`,
          );
        this.sendSnapshot();
        if (this.pendingShow) this.post({ type: 'view/attempt/show', params: { attemptId: this.pendingShow } });
        this.pendingShow = null;
        if (this.pendingNewTask) this.post({ type: 'view/newTask/show', params: {} });
        this.pendingNewTask = false;
        return;
      case 'journal/subscription/set':
        this.journals.set(msg.params.attempts);
        return;
      case 'journal/resync/request':
        this.journals.resync(msg.params.attemptId, msg.params.fromSeq);
        return;
      case 'view/state/changed':
        this.deps.saveView(msg.params.view);
        return;
      default:
        void answerRequest(msg, {
          ...this.deps,
          snapshot: () => this.deps.getSnapshot(),
          rawSeqs: (attemptId, itemId) => this.journals.rawSeqs(attemptId, itemId),
        }).then((reply) => this.post(reply));
    }
  }

  private isLive(attemptId: string): boolean {
    const a = this.deps
      .getSnapshot()
      ?.tasks.flatMap((t) => t.attempts)
      .find((x) => x.id === attemptId);
    return a !== undefined && !isTerminal(a.phase);
  }

  private scheduleSnapshot(): void {
    this.snapshotTimer ??= setTimeout(() => {
      this.snapshotTimer = null;
      this.sendSnapshot();
    }, SNAPSHOT_DEBOUNCE_MS);
  }

  private sendSnapshot(): void {
    const snapshot = this.deps.getSnapshot();
    this.post({ type: 'state/snapshot/changed', params: { snapshot } });
    if (this.ready) this.journals.startNewlyKnown();
    // An attempt that moved (new event, retry) may have journal lines an idle pump has not read.
    for (const a of snapshot?.tasks.flatMap((t) => t.attempts) ?? []) {
      if (this.lastEventAt.get(a.id) !== a.lastEventAt) this.journals.nudge(a.id);
      this.lastEventAt.set(a.id, a.lastEventAt);
    }
  }

  private pause(): void {
    this.ready = false;
    this.journals.stopAll();
  }

  dispose(): void {
    this.pause();
    if (this.snapshotTimer !== null) clearTimeout(this.snapshotTimer);
    for (const d of this.disposables) d.dispose();
    this.deps.log(`control panel closed: ${this.traffic.describe()}`);
  }
}
