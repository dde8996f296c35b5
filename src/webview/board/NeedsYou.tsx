// The "needs you" block: the pending approval or question (whole command / every path, reason, cwd) and the buttons that answer it.

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

/** What the request would touch, unclipped: a person decides on this, not on the one-line summary. */
function RequestDetails({ pending }: { pending: PendingQuestion }): ReactNode {
  return (
    <dl className="needs-you-details">
      {pending.command ? (
        <>
          <dt>Command</dt>
          <dd>
            <pre className="needs-you-code" data-testid="pending-command">
              {pending.command}
            </pre>
          </dd>
        </>
      ) : null}
      {pending.kind === 'fileChange' ? (
        <>
          <dt>Paths</dt>
          <dd>
            {pending.paths?.length ? (
              <ul className="needs-you-paths" data-testid="pending-paths">
                {pending.paths.map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">Codex named no paths: treated as outside the worktree.</span>
            )}
          </dd>
        </>
      ) : null}
      {pending.grantRoot ? (
        <>
          <dt>Write access under</dt>
          <dd>
            <code>{pending.grantRoot}</code>
          </dd>
        </>
      ) : null}
      {pending.permissions ? (
        <>
          <dt>Permissions</dt>
          <dd>
            <pre className="needs-you-code">{pending.permissions}</pre>
          </dd>
        </>
      ) : null}
      {pending.reason ? (
        <>
          <dt>Reason</dt>
          <dd data-testid="pending-reason">{pending.reason}</dd>
        </>
      ) : null}
      {pending.cwd ? (
        <>
          <dt>Cwd</dt>
          <dd>
            <code data-testid="pending-cwd">{pending.cwd}</code>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

export function NeedsYou({ attempt, pending }: { attempt: AttemptSnapshot; pending: PendingQuestion }): ReactNode {
  const actions = useActions();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const question = pending.kind === 'userInput';
  const forAttempt = !question && pending.canAcceptForAttempt !== false;
  const send = async (decision: 'accept' | 'acceptForSession' | 'decline'): Promise<void> => {
    setBusy(true);
    const ok = await actions.answer(attempt.id, pending.id, decision, text.trim() || undefined);
    setBusy(false);
    if (ok) setText('');
  };
  return (
    <div
      className="needs-you"
      role="group"
      aria-label={`Attempt ${attempt.index} needs you`}
      data-testid={`needs-you-${attempt.id}`}
    >
      <div className="needs-you-head">
        <Badge className="needs-you-badge">needs you</Badge>
        <span>{KIND_LABEL[pending.kind]}</span>
      </div>
      {pending.questions?.[0]?.question === pending.summary ? null : (
        <div className="needs-you-summary">{pending.summary}</div>
      )}
      {question ? (
        pending.reason ? (
          <div className="muted">{pending.reason}</div>
        ) : null
      ) : (
        <RequestDetails pending={pending} />
      )}
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
        <Button
          onClick={() => void send('accept')}
          disabled={busy || (question && !text.trim())}
          testId={`accept-${attempt.id}`}
        >
          {question ? 'Send answer' : 'Accept once'}
        </Button>
        {forAttempt ? (
          <Button
            secondary
            onClick={() => void send('acceptForSession')}
            disabled={busy}
            testId={`accept-attempt-${attempt.id}`}
            title="Accept this, and the same request again later in this attempt's Codex session"
          >
            Accept for this attempt
          </Button>
        ) : null}
        <Button secondary onClick={() => void send('decline')} disabled={busy} testId={`decline-${attempt.id}`}>
          Decline
        </Button>
      </div>
    </div>
  );
}
