// The board: every task with its attempts as cards; tasks waiting on you come first.

import type { ReactNode } from 'react';
import type { TaskSnapshot } from '../../shared/model';
import { clipLine, formatClock } from '../../shared/panelFormat';
import { formatTokens } from '../../shared/tokenFormat';
import { Button } from '../ui/elements';
import { useNow, usePanel } from '../usePanel';
import { offersResolve } from '../../shared/landView';
import { LandingPanel } from '../land/LandingPanel';
import { AttemptCard } from './AttemptCard';
import { TaskMessage, TaskMessageToggle, useOpenTaskMessage } from './TaskMessage';

function waiting(task: TaskSnapshot): number {
  return task.attempts.filter((a) => a.pending).length;
}

export function Board(): ReactNode {
  const store = usePanel();
  const now = useNow(1000);
  const snapshot = store.snapshot;
  const [messaging, toggleMessage, closeMessage] = useOpenTaskMessage();
  if (!snapshot) return <p className="empty">Waiting for the Quartet supervisor…</p>;
  // Archived tasks live in the tree's history; the board is for work still to decide on (or just landed).
  const tasks = snapshot.tasks.filter((t) => t.state !== 'archived');
  if (tasks.length === 0)
    return <p className="empty">No tasks yet. Start one with “Quartet: New Task” or the New Task tab.</p>;
  // Stable sort: tasks that need you first, the rest in the supervisor's order.
  const ordered = [...tasks].sort((a, b) => Number(waiting(b) > 0) - Number(waiting(a) > 0));
  return (
    <div className="board" data-testid="board">
      {ordered.map((task) => (
        <section key={task.id} className="task" aria-label={`Task ${task.title}`} data-testid={`task-${task.id}`}>
          <header className="task-head">
            <h2 title={task.prompt}>{clipLine(task.title, 120)}</h2>
            {task.state === 'landed' ? <span className="flag passed">landed</span> : null}
            <span className="muted">
              {task.attempts.length} attempt{task.attempts.length === 1 ? '' : 's'} · from {clipLine(task.baseRef, 40)}{' '}
              · {formatClock(task.createdAt)}
            </span>
            {task.attempts.length >= 2 ? (
              <Button
                secondary
                onClick={() => store.compare(task.attempts.map((a) => a.id))}
                testId={`compare-${task.id}`}
              >
                Compare
              </Button>
            ) : null}
            <TaskMessageToggle task={task} open={messaging === task.id} onToggle={() => toggleMessage(task.id)} />
          </header>
          {messaging === task.id ? <TaskMessage task={task} onSent={closeMessage} /> : null}
          {task.earlyStop ? (
            <p className={`early-stop ${task.earlyStop.kind}`} data-testid={`early-stop-${task.id}`}>
              {task.earlyStop.kind === 'race' ? 'Race: ' : 'Budget: '}
              {task.earlyStop.message}
              {task.earlyStop.savedTokens !== null
                ? ` · saved ≈ ${formatTokens(task.earlyStop.savedTokens)} tokens (estimate: the winner's spend they did not repeat)`
                : ''}
            </p>
          ) : null}
          <LandingPanel task={task} />
          <div className="cards">
            {task.attempts.map((a) => (
              <AttemptCard key={a.id} attempt={a} now={now} resolvable={offersResolve(task, a)} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
