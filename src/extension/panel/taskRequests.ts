// The panel's New Task form and follow-up messages, checked against the form's rules and the current snapshot.

import { followUpBlocker } from '../../shared/attemptActions';
import type { Snapshot } from '../../shared/model';
import { newTaskProblems, type NewTaskDefaults, type NewTaskInput } from '../../shared/newTaskForm';
import type { WebviewRequest } from '../../shared/protocol';
import { Refusal } from './refusal';

/** What the host side of the form and the message boxes does (the extension's composition root builds it). */
export interface TaskHost {
  defaults(): Promise<NewTaskDefaults>;
  /** Launches with the settings' options plus the form's overrides; secrets are scrubbed first. */
  launch(input: NewTaskInput): Promise<{ taskId: string; attemptIds: string[] }>;
  /** Sends the message as a follow-up turn; resolves once the supervisor queued it, rejects with its refusal. */
  followUp(attemptId: string, message: string): Promise<void>;
}

type TaskRequest = Extract<
  WebviewRequest,
  { type: 'task/form/get' | 'task/launch/start' | 'attempt/followUp/send' | 'task/followUp/send' }
>;

export function isTaskRequest(req: WebviewRequest): req is TaskRequest {
  return (
    req.type === 'task/form/get' ||
    req.type === 'task/launch/start' ||
    req.type === 'attempt/followUp/send' ||
    req.type === 'task/followUp/send'
  );
}

function taskOf(snapshot: Snapshot | null, taskId: string): NonNullable<Snapshot>['tasks'][number] {
  const task = snapshot?.tasks.find((t) => t.id === taskId);
  if (!task) throw new Refusal('not_found', `Task ${taskId} is not in the current snapshot.`);
  return task;
}

export async function performTask(
  req: TaskRequest,
  host: TaskHost | undefined,
  snapshot: Snapshot | null,
): Promise<unknown> {
  if (!host)
    throw new Refusal('failed', 'This window cannot launch tasks or send messages (no supervisor connection).');
  switch (req.type) {
    case 'task/form/get':
      return host.defaults();
    case 'task/launch/start': {
      const input: NewTaskInput = {
        ...req.params,
        title: req.params.title.trim(),
        prompt: req.params.prompt.trim(),
        model: req.params.model?.trim() || null,
      };
      const problems = Object.values(newTaskProblems(input));
      if (problems.length) throw new Refusal('invalid', problems.join(' '));
      return host.launch(input);
    }
    case 'attempt/followUp/send': {
      const task = snapshot?.tasks.find((t) => t.attempts.some((a) => a.id === req.params.attemptId));
      const attempt = task?.attempts.find((a) => a.id === req.params.attemptId);
      if (!task || !attempt)
        throw new Refusal('not_found', `Attempt ${req.params.attemptId} is not in the current snapshot.`);
      const blocker = followUpBlocker(attempt, task.state === 'landed');
      if (blocker) throw new Refusal('refused', `Cannot send a message: ${blocker}.`);
      await host.followUp(attempt.id, req.params.message);
      return null;
    }
    case 'task/followUp/send': {
      const task = taskOf(snapshot, req.params.taskId);
      const sent: number[] = [];
      const skipped: string[] = [];
      // One at a time: each follow-up is queued by the supervisor before the next is asked for.
      for (const a of task.attempts) {
        const blocker = followUpBlocker(a, task.state === 'landed');
        if (blocker) {
          skipped.push(blocker);
          continue;
        }
        try {
          await host.followUp(a.id, req.params.message);
          sent.push(a.index);
        } catch (err) {
          skipped.push(`attempt #${a.index}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (!sent.length)
        throw new Refusal('refused', `No attempt of "${task.title}" can take a message now: ${skipped.join('; ')}.`);
      return { sent, skipped };
    }
  }
}
