// The "needs you" block: the pending approval or question, and the buttons (and text) that answer it.

import { useState, type ReactNode } from 'react';
import type { AttemptSnapshot, PendingQuestion } from '../../shared/model';
import { Badge, Button, TextField } from '../ui/elements';
import { useActions } from '../usePanel';

const KIND_LABEL: Record<PendingQuestion['kind'], string> = {
  command: 'wants to run a command',
  fileChange: 'wants to change files',
  permissions: 'asks for more permissions',
  userInput: 'asks you a question',
};

export function NeedsYou({ attempt, pending }: { attempt: AttemptSnapshot; pending: PendingQuestion }): ReactNode {
  const actions = useActions();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const question = pending.kind === 'userInput';
  const send = async (decision: 'accept' | 'decline'): Promise<void> => {
    setBusy(true);
    const ok = await actions.answer(attempt.id, pending.id, decision, text.trim() || undefined);
    setBusy(false);
    if (ok) setText('');
  };
  return (
    <div className="needs-you" role="group" aria-label={`Attempt ${attempt.index} needs you`} data-testid={`needs-you-${attempt.id}`}>
      <div className="needs-you-head">
        <Badge className="needs-you-badge">needs you</Badge>
        <span>{KIND_LABEL[pending.kind]}</span>
      </div>
      {pending.questions?.[0]?.question === pending.summary ? null : <div className="needs-you-summary">{pending.summary}</div>}
      {pending.reason ? <div className="muted">{pending.reason}</div> : null}
      {pending.questions?.map((q) => (
        <div key={q.id} className="needs-you-question">
          <div>{q.question}</div>
          <div className="row">
            {q.options.map((o) => (
              <Button key={o} secondary onClick={() => setText(o)} title="Use this option as the answer">
                {o}
              </Button>
            ))}
          </div>
        </div>
      ))}
      <TextField
        value={text}
        onChange={setText}
        placeholder={question ? 'Your answer' : 'Note for the agent (optional)'}
        ariaLabel={question ? 'Your answer' : 'Note for the agent'}
        testId={`answer-text-${attempt.id}`}
        className="grow"
      />
      <div className="row">
        <Button onClick={() => void send('accept')} disabled={busy || (question && !text.trim())} testId={`accept-${attempt.id}`}>
          {question ? 'Send answer' : 'Accept'}
        </Button>
        <Button secondary onClick={() => void send('decline')} disabled={busy} testId={`decline-${attempt.id}`}>
          Decline
        </Button>
      </div>
    </div>
  );
}
