// The webview's state: latest snapshot, view state, and one incremental trace per attempt it follows.

import type { AttemptSnapshot, Snapshot, TaskSnapshot } from '../shared/model';
import {
  PANEL_PROTOCOL_VERSION,
  type HostNotification,
  type HostNotifications,
  type PanelInitialState,
  type PanelViewState,
} from '../shared/protocol';
import type { PriceTable } from '../shared/cost';
import type { SkillsOverview } from '../shared/skills';
import { TraceBuilder } from '../shared/traceBuilder';
import type { HostBridge } from './hostBridge';

/** Traces kept for attempts no longer shown, so going back is instant; older ones are dropped. */
const KEPT_TRACES = 6;
/** Renders are coalesced: a burst of chunks redraws once. */
const EMIT_DELAY_MS = 16;
/**
 * While chunks keep arriving (a long journal opening), a redraw happens at least this often: queued messages
 * run before timers, so a timer alone would wait for the last chunk and the first rows with it.
 */
const PROGRESS_MS = 100;

/** What the person typed into the New Task form (strings as typed; checked when launching). */
export interface NewTaskDraft {
  prompt: string;
  /** null: derived from the prompt's first line. */
  title: string | null;
  attempts: string;
  base: string;
  model: string;
  tokenBudget: string;
}

interface JournalState {
  trace: TraceBuilder;
  /** Set while a resync from this seq is asked for, so a burst of gapped chunks asks once. */
  resyncFrom: number | null;
  usedAt: number;
}

export class PanelStore {
  snapshot: Snapshot | null;
  view: PanelViewState;
  prices: PriceTable;
  /** The last failure a person should see (a refused command, a timeout); cleared by dismissing it. */
  notice: string | null = null;
  /** The Skills view's data: asked for when the view opens, replaced by every answer and push. */
  skills: SkillsOverview | null = null;
  /** The New Task form's unsent input, kept while the person looks at another tab (memory only). */
  newTaskDraft: NewTaskDraft | null = null;
  /** Bumped on every change; `useSyncExternalStore` reads it. */
  version = 0;
  private readonly journals = new Map<string, JournalState>();
  private readonly listeners = new Set<() => void>();
  private subscriptionKey = '';
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private lastEmitAt = 0;
  private clock = 0;

  constructor(
    private readonly bridge: HostBridge,
    initial: PanelInitialState,
  ) {
    this.snapshot = initial.snapshot;
    this.prices = initial.prices;
    // A view the webview saved itself (hide/show) wins over the one the host embedded.
    this.view = { ...initial.view, ...(bridge.saved()?.view ?? {}) };
    bridge.onNotification((m) => this.handle(m));
  }

  /** Tells the host the app listens, and which journals to stream. */
  start(): void {
    this.bridge.notify({ type: 'webview/ready', params: { protocol: PANEL_PROTOCOL_VERSION } });
    this.syncSubscriptions();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  setView(patch: Partial<PanelViewState>): void {
    this.view = { ...this.view, ...patch };
    this.bridge.save({ view: this.view });
    this.bridge.notify({ type: 'view/state/changed', params: { view: this.view } });
    this.syncSubscriptions();
    this.changed(true);
  }

  setSkills(overview: SkillsOverview): void {
    this.skills = overview;
    this.changed(true);
  }

  setNewTaskDraft(draft: NewTaskDraft | null): void {
    this.newTaskDraft = draft;
    this.changed(true);
  }

  setNotice(notice: string | null): void {
    this.notice = notice;
    this.changed(true);
  }

  showAttempt(attemptId: string): void {
    this.setView({ view: 'attempt', attemptId });
  }

  compare(attemptIds: string[]): void {
    this.setView({ view: 'compare', compareIds: attemptIds.slice(0, 4) });
  }

  findAttempt(attemptId: string | null): { task: TaskSnapshot; attempt: AttemptSnapshot } | null {
    if (!attemptId) return null;
    for (const task of this.snapshot?.tasks ?? []) {
      const attempt = task.attempts.find((a) => a.id === attemptId);
      if (attempt) return { task, attempt };
    }
    return null;
  }

  trace(attemptId: string): TraceBuilder | null {
    return this.journals.get(attemptId)?.trace ?? null;
  }

  handle(msg: HostNotification): void {
    switch (msg.type) {
      case 'state/snapshot/changed':
        this.snapshot = msg.params.snapshot;
        this.changed();
        return;
      case 'journal/chunk/appended':
        this.onChunk(msg.params);
        return;
      case 'view/attempt/show':
        this.showAttempt(msg.params.attemptId);
        return;
      case 'view/newTask/show':
        this.setView({ view: 'new-task' });
        return;
      case 'config/prices/changed':
        this.prices = msg.params.prices;
        this.changed();
        return;
      case 'skills/overview/changed':
        this.setSkills(msg.params.overview);
        return;
    }
  }

  private onChunk(c: HostNotifications['journal/chunk/appended']): void {
    const j = this.journals.get(c.attemptId);
    if (!j) return; // not followed any more: a late chunk
    if (c.fromSeq > j.trace.nextSeq) {
      // A chunk was lost (or the host restarted its pump): ask for what is missing, once.
      if (j.resyncFrom !== j.trace.nextSeq) {
        j.resyncFrom = j.trace.nextSeq;
        this.bridge.notify({
          type: 'journal/resync/request',
          params: { attemptId: c.attemptId, fromSeq: j.trace.nextSeq },
        });
      }
      return;
    }
    j.resyncFrom = null;
    const wasEmpty = j.trace.items.length === 0;
    j.trace.append(c.records, c.nextSeq);
    // The first rows of a trace draw at once, and a long burst redraws as it goes (see PROGRESS_MS).
    this.changed((wasEmpty && j.trace.items.length > 0) || Date.now() - this.lastEmitAt >= PROGRESS_MS);
  }

  private wantedIds(): string[] {
    if (this.view.view === 'attempt' && this.view.attemptId) return [this.view.attemptId];
    if (this.view.view === 'compare') return this.view.compareIds.slice(0, 4);
    return [];
  }

  private syncSubscriptions(): void {
    const ids = this.wantedIds();
    for (const id of ids) {
      const j = this.journals.get(id) ?? { trace: new TraceBuilder(), resyncFrom: null, usedAt: 0 };
      j.usedAt = ++this.clock;
      this.journals.set(id, j);
    }
    this.evict(new Set(ids));
    const attempts = ids.map((attemptId) => ({ attemptId, fromSeq: this.journals.get(attemptId)?.trace.nextSeq ?? 0 }));
    const key = ids.join('\n');
    if (key === this.subscriptionKey) return;
    this.subscriptionKey = key;
    this.bridge.notify({ type: 'journal/subscription/set', params: { attempts } });
  }

  private evict(keep: Set<string>): void {
    const idle = [...this.journals.entries()].filter(([id]) => !keep.has(id)).sort((a, b) => a[1].usedAt - b[1].usedAt);
    while (this.journals.size > KEPT_TRACES && idle.length)
      this.journals.delete((idle.shift() as [string, JournalState])[0]);
  }

  private changed(now = false): void {
    this.version++;
    if (now) return this.emit();
    this.emitTimer ??= setTimeout(() => this.emit(), EMIT_DELAY_MS);
  }

  private emit(): void {
    if (this.emitTimer !== null) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    this.lastEmitAt = Date.now();
    for (const l of this.listeners) l();
  }
}
