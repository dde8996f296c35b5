// Watches snapshot changes: logs every phase transition, announces needs-you, reports new failures once.

import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { SHOW_LOGS } from './logging';
import type { ErrorReporter, QuartetLog } from './logging';
import type { SnapshotChange, SnapshotStore } from './snapshotStore';
import type { TasksView } from './tree/tasksView';
import { attemptLabel, phaseWithReason } from './viewModel/attemptView';
import { oneLine } from './viewModel/format';
import { formatTransition, newFailures, newlyWaiting, phaseTransitions } from './viewModel/transitions';

const SHOW = 'Show';

export class AttentionNotifier extends Disposable {
  /** Questions already announced; survives reconnects, so a supervisor restart does not repeat them. */
  private readonly announced = new Set<string>();
  /** Supervisor warnings already shown: every snapshot repeats them. */
  private readonly warned = new Set<string>();

  constructor(
    store: SnapshotStore,
    private readonly view: TasksView,
    private readonly log: QuartetLog,
    private readonly errors: ErrorReporter,
  ) {
    super();
    this._register(store.onDidChange((change) => this.onChange(change)));
  }

  private onChange({ previous, current }: SnapshotChange): void {
    if (!current) return;
    // A different repository's snapshot is a fresh start, not a transition.
    const prev = previous?.repo === current.repo ? previous : undefined;
    for (const t of phaseTransitions(prev, current)) this.log.info(formatTransition(t));
    for (const w of newlyWaiting(current, this.announced)) {
      this.announced.add(w.key);
      const what = w.attempt.pending ? `: ${oneLine(w.attempt.pending.summary, 160)}` : '';
      const text = `${attemptLabel(w.attempt)} of “${oneLine(w.task.title, 60)}” needs you${what}`;
      void vscode.window.showInformationMessage(text, SHOW).then((choice) => {
        if (choice === SHOW) void this.view.reveal(w.task.id, w.attempt.id);
      });
    }
    for (const w of current.warnings ?? []) {
      if (this.warned.has(w)) continue;
      this.warned.add(w);
      this.log.warn(`supervisor: ${w}`);
      void vscode.window.showWarningMessage(`Quartet: ${oneLine(w, 300)}`, SHOW_LOGS).then((choice) => {
        if (choice === SHOW_LOGS) this.log.show();
      });
    }
    for (const f of newFailures(prev, current)) {
      const a = f.attempt;
      const detail = a.lastError ? `: ${oneLine(a.lastError, 300)}` : '';
      this.errors.report(`${a.id} ${phaseWithReason(a)}`, a.lastError ?? phaseWithReason(a), {
        key: f.key,
        userMessage: `Quartet: ${attemptLabel(a)} of “${oneLine(f.task.title, 60)}” ${phaseWithReason(a)}${detail}`,
      });
    }
  }
}
