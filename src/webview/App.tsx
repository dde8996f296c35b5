// The panel shell: tab bar (Board / Attempt / Compare / Skills / New Task), the supervisor's warnings, the notice, the view.

import type { ReactNode } from 'react';
import type { PanelView } from '../shared/protocol';
import { AttemptView } from './attempt/AttemptView';
import { Board } from './board/Board';
import { CompareView } from './compare/CompareView';
import { NewTaskForm } from './newTask/NewTaskForm';
import { SkillsView } from './skills/SkillsView';
import { usePanel } from './usePanel';

const TABS: { view: PanelView; label: string }[] = [
  { view: 'board', label: 'Board' },
  { view: 'attempt', label: 'Attempt' },
  { view: 'compare', label: 'Compare' },
  { view: 'skills', label: 'Skills' },
  { view: 'new-task', label: 'New Task' },
];

function View({ view }: { view: PanelView }): ReactNode {
  if (view === 'board') return <Board />;
  if (view === 'attempt') return <AttemptView />;
  if (view === 'compare') return <CompareView />;
  if (view === 'new-task') return <NewTaskForm />;
  return <SkillsView />;
}

export function App(): ReactNode {
  const store = usePanel();
  const { view } = store.view;
  const counts = store.snapshot?.counts;
  return (
    <div className="app">
      <nav className="tabs" role="tablist" aria-label="Quartet views">
        {TABS.map((t) => (
          <button
            key={t.view}
            type="button"
            role="tab"
            aria-selected={view === t.view}
            className={view === t.view ? 'tab active' : 'tab'}
            data-testid={`tab-${t.view}`}
            onClick={() => store.setView({ view: t.view })}
          >
            {t.label}
          </button>
        ))}
        {counts ? (
          <span className="muted counts">
            {counts.running} running · {counts.queued} queued · {counts.finished} finished · {counts.failed} failed
            {counts.needsYou ? <strong className="needs-you-count"> · {counts.needsYou} need you</strong> : null}
          </span>
        ) : null}
      </nav>
      {store.snapshot?.warnings.map((w, i) => (
        <div key={i} className="warning-bar" role="status">
          {w}
        </div>
      ))}
      {store.notice ? (
        <div className="notice" role="alert" data-testid="notice">
          <span className="grow">{store.notice}</span>
          <button type="button" className="link" onClick={() => store.setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main role="tabpanel">
        <View view={view} />
      </main>
    </div>
  );
}
