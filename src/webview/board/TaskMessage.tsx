// "Message all…" on a task: one follow-up message to every attempt of the task that can take one.

import { useState, type ReactNode } from 'react';
import { followUpBlocker } from '../../shared/attemptActions';
import type { TaskSnapshot } from '../../shared/model';
import { Button } from '../ui/elements';
import { MessageBox } from '../ui/MessageBox';
import { useActions } from '../usePanel';

/** The toggle for the task header. */
export function TaskMessageToggle(props: { task: TaskSnapshot; open: boolean; onToggle(): void }): ReactNode {
  const ready = props.task.attempts.filter((a) => !followUpBlocker(a, props.task.state === 'landed')).length;
  if (ready === 0 && !props.open) return null;
  return (
    <Button
      secondary
      onClick={props.onToggle}
      testId={`message-all-${props.task.id}`}
      title="Send one follow-up message to every attempt that has ended"
    >
      {props.open ? 'Close message' : `Message ${ready === 1 ? '1 attempt' : `all ${ready}`}…`}
    </Button>
  );
}

export function TaskMessage(props: { task: TaskSnapshot; onSent(): void }): ReactNode {
  const actions = useActions();
  const { task } = props;
  const ready = task.attempts.filter((a) => !followUpBlocker(a, task.state === 'landed'));
  return (
    <MessageBox
      label={`Message every ended attempt of "${task.title.slice(0, 60)}"`}
      placeholder="The same message goes to each attempt that has ended; each continues on its own thread."
      blocked={ready.length ? null : 'no attempt can take a message now (running, landed or archived)'}
      onSend={async (message) => {
        const ok = await actions.sendTaskFollowUp(task.id, message);
        if (ok) props.onSent();
        return ok;
      }}
      testId={`task-message-${task.id}`}
    />
  );
}

/** Which task's message box is open on the board (one at a time). */
export function useOpenTaskMessage(): [string | null, (taskId: string) => void, () => void] {
  const [open, setOpen] = useState<string | null>(null);
  return [open, (taskId) => setOpen((cur) => (cur === taskId ? null : taskId)), () => setOpen(null)];
}
