// A multi-line message box with a Send button; Ctrl+Enter (⌘+Enter) sends. Used for follow-up messages.

import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button, TextArea } from './elements';

/** Ctrl+Enter or ⌘+Enter: send / launch, whatever has focus inside the form. */
export function isSubmitKey(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

export function MessageBox(props: {
  label: string;
  placeholder: string;
  /** Why nothing can be sent now (shown instead of the box), or null. */
  blocked: string | null;
  /** Resolves true when sent: the box is then cleared. */
  onSend(message: string): Promise<boolean>;
  testId: string;
}): ReactNode {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async (): Promise<void> => {
    if (busy || props.blocked || !text.trim()) return;
    setBusy(true);
    const ok = await props.onSend(text);
    setBusy(false);
    if (ok) setText('');
  };
  if (props.blocked) {
    return (
      <p className="muted message-blocked" data-testid={`${props.testId}-blocked`}>
        {props.label}: {props.blocked}.
      </p>
    );
  }
  return (
    <div
      className="message-box"
      data-testid={props.testId}
      onKeyDown={(e) => {
        if (!isSubmitKey(e)) return;
        e.preventDefault();
        void send();
      }}
    >
      <TextArea
        value={text}
        placeholder={props.placeholder}
        onChange={setText}
        ariaLabel={props.label}
        rows={3}
        disabled={busy}
        testId={`${props.testId}-text`}
      />
      <div className="row">
        <span className="muted grow">
          Ctrl+Enter sends. The agent continues on its own thread; the result is committed and checked again.
        </span>
        <Button onClick={() => void send()} disabled={busy || !text.trim()} testId={`${props.testId}-send`}>
          {busy ? 'Sending…' : 'Send'}
        </Button>
      </div>
    </div>
  );
}
