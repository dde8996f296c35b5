// "Resolve with agent": asks the host to run the tree's Resolve with Agent on a conflicting attempt.

import type { ReactNode } from 'react';
import type { AttemptSnapshot } from '../../shared/model';
import { Button } from '../ui/elements';
import { useActions } from '../usePanel';

export function ResolveButton({
  attempt,
  secondary = false,
}: {
  attempt: Pick<AttemptSnapshot, 'id' | 'index'>;
  secondary?: boolean;
}): ReactNode {
  const actions = useActions();
  return (
    <Button
      secondary={secondary}
      onClick={() => void actions.resolve(attempt.id)}
      testId={`resolve-${attempt.id}`}
      title={`Attempt #${attempt.index}'s agent resolves the conflicts with the base on its own thread; Quartet checks and lands the result`}
    >
      Resolve with agent
    </Button>
  );
}
