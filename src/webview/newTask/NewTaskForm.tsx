// The New Task form: a multi-line Markdown prompt, the title from its first line unless edited, attempts, base and overrides.

import { useEffect, useState, type ReactNode } from 'react';
import { MAX_ATTEMPTS } from '../../shared/launchLimits';
import {
  newTaskProblems,
  parseTokenBudget,
  titleFromPrompt,
  type NewTaskDefaults,
  type NewTaskInput,
} from '../../shared/newTaskForm';
import type { NewTaskDraft } from '../panelStore';
import { Button, SingleSelect, TextArea, TextField } from '../ui/elements';
import { isSubmitKey } from '../ui/MessageBox';
import { useActions, usePanel } from '../usePanel';

const EMPTY: NewTaskDraft = { prompt: '', title: null, attempts: '', base: '', model: '', tokenBudget: '' };

/** The draft as launch input, or the problems to show (by field). */
function toInput(d: NewTaskDraft, defaults: NewTaskDefaults): { input: NewTaskInput; problems: string[] } {
  const budget = parseTokenBudget(d.tokenBudget);
  const input: NewTaskInput = {
    title: (d.title ?? titleFromPrompt(d.prompt)).trim(),
    prompt: d.prompt.trim(),
    attempts: Number(d.attempts || defaults.attempts),
    base: d.base || defaults.currentBranch,
    model: d.model.trim() || null,
    tokenBudget: budget.ok ? budget.value : null,
  };
  const problems = Object.values(newTaskProblems(input));
  if (!budget.ok) problems.push(budget.problem);
  return { input, problems };
}

export function NewTaskForm(): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const [defaults, setDefaults] = useState<NewTaskDefaults | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const draft = store.newTaskDraft ?? EMPTY;
  const edit = (patch: Partial<NewTaskDraft>): void => {
    store.setNewTaskDraft({ ...draft, ...patch });
    setProblems([]);
  };
  useEffect(() => {
    let live = true;
    void actions.taskFormDefaults().then((d) => live && setDefaults(d));
    return () => {
      live = false;
    };
  }, [actions]);
  if (!defaults) return <p className="muted">Loading branches and defaults…</p>;

  const launch = async (): Promise<void> => {
    if (busy) return;
    const { input, problems: found } = toInput(draft, defaults);
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    const taskId = await actions.launchTask(input);
    setBusy(false);
    if (!taskId) return;
    store.setNewTaskDraft(null);
    store.setView({ view: 'board' });
  };
  const attempts = draft.attempts || String(defaults.attempts);
  const branches =
    defaults.currentBranch && !defaults.branches.includes(defaults.currentBranch)
      ? [defaults.currentBranch, ...defaults.branches]
      : defaults.branches;
  return (
    <form
      className="new-task"
      data-testid="new-task-form"
      onSubmit={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        if (!isSubmitKey(e)) return;
        e.preventDefault();
        void launch();
      }}
    >
      <h2>New Task</h2>
      <label className="field">
        <span>Prompt (Markdown)</span>
        <TextArea
          value={draft.prompt}
          placeholder="What should the agents do? The first line becomes the title."
          onChange={(prompt) => edit({ prompt })}
          ariaLabel="Prompt"
          rows={12}
          testId="new-task-prompt"
        />
      </label>
      <label className="field">
        <span>Title {draft.title === null ? <em className="muted">(from the prompt's first line)</em> : null}</span>
        <TextField
          value={draft.title ?? titleFromPrompt(draft.prompt)}
          placeholder="Derived from the prompt"
          // Emptying the field hands the title back to the prompt.
          onChange={(title) => edit({ title: title.trim() ? title : null })}
          ariaLabel="Title"
          testId="new-task-title"
        />
      </label>
      <div className="row fields">
        <label className="field">
          <span>Attempts</span>
          <SingleSelect
            value={attempts}
            options={Array.from({ length: MAX_ATTEMPTS }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }))}
            onChange={(v) => edit({ attempts: v })}
            ariaLabel="Attempts"
            testId="new-task-attempts"
          />
        </label>
        <label className="field">
          <span>Base branch</span>
          <SingleSelect
            value={draft.base || defaults.currentBranch || ''}
            options={branches.map((b) => ({ value: b, label: b === defaults.currentBranch ? `${b} (current)` : b }))}
            onChange={(v) => edit({ base: v })}
            ariaLabel="Base branch"
            testId="new-task-base"
          />
        </label>
        <label className="field">
          <span>Model</span>
          <TextField
            value={draft.model}
            placeholder={defaults.model ?? 'default'}
            onChange={(model) => edit({ model })}
            ariaLabel="Model"
            testId="new-task-model"
          />
        </label>
        <label className="field">
          <span>Token budget per attempt</span>
          <TextField
            value={draft.tokenBudget}
            placeholder={defaults.tokenBudget ? String(defaults.tokenBudget) : 'none'}
            onChange={(tokenBudget) => edit({ tokenBudget })}
            ariaLabel="Token budget"
            testId="new-task-budget"
          />
        </label>
      </div>
      {problems.length ? (
        <ul className="error-text" data-testid="new-task-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="row">
        <Button onClick={() => void launch()} disabled={busy} testId="new-task-launch">
          {busy ? 'Launching…' : `Launch ${attempts} attempt${attempts === '1' ? '' : 's'}`}
        </Button>
        <span className="muted">Ctrl+Enter launches.</span>
      </div>
    </form>
  );
}
