// Pure view model of the task rows and the overall counts shown by the badge and the status bar.

import type { AttemptSnapshot, Phase, Snapshot, TaskSnapshot } from '../../shared/model';
import { codeSpan, escapeMarkdown, formatTimestamp, oneLine, plural } from './format';
import { formatTokens } from '../../shared/tokenFormat';

/** Summary buckets in the order a task row lists them. */
const BUCKETS: readonly { label: string; phases: readonly Phase[] }[] = [
  { label: 'running', phases: ['preparing', 'starting', 'working'] },
  { label: 'needs you', phases: ['needs-you'] },
  { label: 'queued', phases: ['queued'] },
  { label: 'finished', phases: ['finished'] },
  { label: 'failed', phases: ['failed'] },
  { label: 'stalled', phases: ['stalled'] },
  { label: 'stopped', phases: ['stopped'] },
  { label: 'interrupted', phases: ['interrupted'] },
];

/** Open tasks, newest first, attempts by index: the order must not jump between snapshots. */
export function visibleTasks(snapshot: Snapshot | undefined): TaskSnapshot[] {
  if (!snapshot) return [];
  return snapshot.tasks
    .filter((t) => t.state !== 'archived')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .map((t) => ({ ...t, attempts: sortedAttempts(t.attempts) }));
}

export function sortedAttempts(attempts: readonly AttemptSnapshot[]): AttemptSnapshot[] {
  return [...attempts].sort((a, b) => a.index - b.index);
}

/** `4 attempts · 2 running · 1 needs you`. */
export function taskDescription(
  task: Pick<TaskSnapshot, 'attempts'> & Partial<Pick<TaskSnapshot, 'state' | 'landing' | 'earlyStop'>>,
): string {
  const parts = [plural(task.attempts.length, 'attempt')];
  const early = task.earlyStop ?? null;
  // Why attempts stopped early comes first: "3 stopped" alone would read like a failure.
  if (early)
    parts.unshift(
      early.kind === 'race'
        ? `race won by #${task.attempts.find((a) => a.id === early.winner)?.index ?? '?'}`
        : 'task budget reached',
    );
  const landing = task.landing ?? null;
  // A land as a PR names its pull request: the person may want to look at it while it waits.
  const pr = landing?.pr
    ? ` (PR #${landing.pr.number})`
    : landing?.prRepo
      ? ` (pull request on ${landing.prRepo})`
      : '';
  if (task.state === 'landed') parts.unshift(`${landing?.status === 'landed_aside' ? 'landed aside' : 'landed'}${pr}`);
  else if (landing?.status === 'running') parts.unshift(`landing: ${landing.step}${pr}`);
  else if (landing && landing.status !== 'landed') parts.unshift(`land ${landing.status.replace('_', ' ')}${pr}`);
  for (const bucket of BUCKETS) {
    const n = task.attempts.filter((a) => bucket.phases.includes(a.phase)).length;
    if (n > 0) parts.push(`${n} ${bucket.label}`);
  }
  return parts.join(' · ');
}

export function taskTooltipMarkdown(task: TaskSnapshot): string {
  const base = task.attempts[0]?.base;
  return [
    `**${escapeMarkdown(task.title)}**`,
    '',
    escapeMarkdown(oneLine(task.prompt, 500)),
    '',
    `Created: ${escapeMarkdown(formatTimestamp(task.createdAt))}`,
    `Base: ${codeSpan(task.baseRef)}${base ? ` (${codeSpan(base.slice(0, 12))})` : ''}`,
    `Task: ${codeSpan(task.id)}`,
    ...earlyStopLines(task),
  ].join('  \n');
}

/** The race's or the budget's sentence, and the saving a race claims with what it is based on. */
function earlyStopLines(task: TaskSnapshot): string[] {
  const e = task.earlyStop;
  if (!e) return [];
  const saved =
    e.savedTokens !== null
      ? [
          `Saved: about ${formatTokens(e.savedTokens)} tokens (the winner's spend the stopped attempts did not repeat; an estimate)`,
        ]
      : [];
  return [`${e.kind === 'race' ? 'Race' : 'Budget'}: ${escapeMarkdown(e.message)}`, ...saved];
}

export interface AttentionCounts {
  /** Attempts preparing, starting or working. */
  running: number;
  needsYou: number;
  queued: number;
}

/** Counts over the tasks the tree shows, so the badge and the status bar never disagree with it. */
export function attentionCounts(snapshot: Snapshot | undefined): AttentionCounts {
  const counts: AttentionCounts = { running: 0, needsYou: 0, queued: 0 };
  for (const task of visibleTasks(snapshot)) {
    for (const a of task.attempts) {
      if (a.phase === 'needs-you') counts.needsYou++;
      else if (a.phase === 'queued') counts.queued++;
      else if (a.phase === 'preparing' || a.phase === 'starting' || a.phase === 'working') counts.running++;
    }
  }
  return counts;
}

/** `$(pulse) 2 running · $(bell) 1 needs you`, or `$(pulse) Quartet` when idle. */
export function statusBarText(counts: AttentionCounts): string {
  const parts: string[] = [];
  if (counts.running > 0) parts.push(`$(pulse) ${counts.running} running`);
  if (counts.queued > 0) parts.push(`$(clock) ${counts.queued} queued`);
  if (counts.needsYou > 0) parts.push(`$(bell) ${counts.needsYou} needs you`);
  return parts.length ? parts.join(' · ') : '$(pulse) Quartet';
}

export function statusBarTooltip(counts: AttentionCounts): string {
  if (counts.running + counts.needsYou + counts.queued === 0)
    return 'Quartet: no attempt running. Click to open the Tasks view.';
  const click = counts.needsYou > 0 ? 'Click to select the attempt waiting for you.' : 'Click to open the Tasks view.';
  return `Quartet: ${counts.running} running, ${counts.queued} queued, ${counts.needsYou} waiting for you. ${click}`;
}

/** The attempt the status bar's click selects: the first waiting one in tree order (what the badge counts). */
export function firstWaiting(snapshot: Snapshot | undefined): { taskId: string; attemptId: string } | null {
  for (const task of visibleTasks(snapshot)) {
    const a = task.attempts.find((x) => x.phase === 'needs-you');
    if (a) return { taskId: task.id, attemptId: a.id };
  }
  return null;
}

/** How a finished launch shows its task: see TasksView.revealLaunched (never steals a view the person chose). */
export function launchReveal(hiddenAtStart: boolean, visibleNow: boolean): 'focus' | 'select' | 'none' {
  if (hiddenAtStart) return visibleNow ? 'select' : 'focus';
  return visibleNow ? 'select' : 'none';
}
