// Pure view model of the Tasks tree's Autopilot section: section, status, tracker issue and retry rows, context values.

import type { AutopilotIssueRow, AutopilotRetryRow, AutopilotSnapshot } from '../../shared/autopilot';
import { escapeMarkdown, formatTimestamp, humanizeElapsed, oneLine } from './format';
import type { IconSpec } from './attemptView';

export interface RowView {
  label: string;
  description: string;
  tooltip: string;
  icon: IconSpec;
  contextValue: string;
}

/** Value of the `quartet.autopilot` context key that drives the palette and menus. */
export type AutopilotContext = 'running' | 'stopped' | 'unconfigured';

export function autopilotContext(ap: AutopilotSnapshot | undefined): AutopilotContext {
  if (!ap) return 'unconfigured';
  if (ap.status === 'running') return 'running';
  return ap.configured ? 'stopped' : 'unconfigured';
}

/** The section shows once a tracker is configured (or something ran): no clutter for repos without one. */
export function autopilotSectionVisible(ap: AutopilotSnapshot | undefined): boolean {
  return !!ap && (ap.configured || ap.status === 'running' || ap.events.length > 0);
}

/** What the section's rows show, minus what changes every second (run time): the tree refreshes the section only when this changes. */
export function autopilotRowsKey(ap: AutopilotSnapshot | undefined): string {
  if (!ap) return '';
  const { totals: _t, events: _e, ...rows } = ap;
  return JSON.stringify(rows);
}

const since = (iso: string | null, now: number): string | null => (iso ? humanizeElapsed(now - Date.parse(iso)) : null);

export function autopilotSectionRow(ap: AutopilotSnapshot): RowView {
  const parts: string[] = [ap.status];
  if (ap.running.length) parts.push(`${ap.running.length} running`);
  if (ap.retrying.length) parts.push(`${ap.retrying.length} retrying`);
  if (ap.lastPollError) parts.push('error');
  if (ap.status !== 'running' && ap.problem)
    parts.push(ap.problem.code === 'needs_credentials' ? 'needs the token again' : 'could not start');
  return {
    label: 'Autopilot',
    description: parts.join(' · '),
    tooltip: `**Autopilot** — ${ap.status}${ap.source ? ` on ${escapeMarkdown(ap.source)}` : ''}`,
    icon: {
      id: ap.status === 'running' ? 'rocket' : 'circle-slash',
      color: ap.lastPollError || (ap.status !== 'running' && ap.problem) ? 'charts.red' : undefined,
    },
    contextValue: `quartet.autopilot.section.${autopilotContext(ap)}`,
  };
}

/** Not running although asked to: a failed start (typed error) or a restart that needs the token again. */
function problemRow(ap: AutopilotSnapshot, problem: NonNullable<AutopilotSnapshot['problem']>): RowView {
  const needsToken = problem.code === 'needs_credentials';
  const label = needsToken ? 'Needs the token again: run Start Autopilot' : `Could not start: ${problem.code}`;
  return {
    label,
    description: oneLine(problem.message, 120),
    tooltip: [
      `**Autopilot** ${escapeMarkdown(label)}`,
      escapeMarkdown(oneLine(problem.message, 600)),
      ap.source ? `Tracker: ${escapeMarkdown(ap.source)}` : '',
    ]
      .filter(Boolean)
      .join('  \n'),
    icon: { id: 'warning', color: 'charts.red' },
    contextValue: `quartet.autopilot.status.${autopilotContext(ap)}`,
  };
}

/** `running on GitHub o/r` · `last poll 12s ago · next in 18s` (or the error). */
export function autopilotStatusRow(ap: AutopilotSnapshot, now: number): RowView {
  if (ap.status !== 'running' && ap.problem) return problemRow(ap, ap.problem);
  const label =
    ap.status === 'running'
      ? `Running${ap.source ? ` on ${ap.source}` : ''}`
      : ap.configured
        ? 'Stopped'
        : 'No tracker configured';
  const parts: string[] = [];
  const last = since(ap.lastPollAt, now);
  if (last) parts.push(`last poll ${last} ago`);
  if (ap.status === 'running' && ap.nextPollAt)
    parts.push(`next in ${humanizeElapsed(Date.parse(ap.nextPollAt) - now)}`);
  if (ap.lastPollError) parts.push(oneLine(ap.lastPollError, 80));
  const t = ap.totals;
  return {
    label,
    description:
      parts.join(' · ') ||
      (ap.configured ? 'Start Autopilot to work tracker issues' : 'set tracker.kind in WORKFLOW.md'),
    tooltip: [
      `**Autopilot** ${escapeMarkdown(label)}`,
      `Last poll: ${escapeMarkdown(formatTimestamp(ap.lastPollAt))}`,
      ap.lastPollError ? `Error: ${escapeMarkdown(oneLine(ap.lastPollError, 400))}` : '',
      `Dispatched ${t.dispatched} · completed ${t.completed} · failed ${t.failed} · ${humanizeElapsed(t.secondsRunning * 1000)} of agent time`,
      ap.events.length ? `Latest: ${escapeMarkdown(oneLine(ap.events[ap.events.length - 1]?.message ?? '', 200))}` : '',
    ]
      .filter(Boolean)
      .join('  \n'),
    icon: ap.lastPollError
      ? { id: 'warning', color: 'charts.yellow' }
      : { id: ap.status === 'running' ? 'sync' : 'debug-pause' },
    contextValue: `quartet.autopilot.status.${autopilotContext(ap)}`,
  };
}

const ISSUE_ICONS: Record<AutopilotIssueRow['status'], IconSpec> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  retrying: { id: 'history', color: 'charts.yellow' },
  eligible: { id: 'issues', color: 'charts.green' },
  waiting: { id: 'debug-pause' },
  held: { id: 'eye' },
  ineligible: { id: 'circle-slash' },
  skipped: { id: 'shield', color: 'charts.orange' },
};

/** `#42 Fix the greeter` · `In Progress · bug, ui · running`. */
export function issueRowView(row: AutopilotIssueRow): RowView {
  const status = row.note && row.status !== 'running' ? `${row.status}: ${oneLine(row.note, 60)}` : row.status;
  const launchable = row.status !== 'running' && row.status !== 'retrying';
  return {
    label: `${row.identifier} ${oneLine(row.title, 80)}`,
    description: [row.state, row.labels.length ? row.labels.join(', ') : '', status].filter(Boolean).join(' · '),
    tooltip: [
      `**${escapeMarkdown(row.identifier)}** ${escapeMarkdown(oneLine(row.title, 200))}`,
      `State: ${escapeMarkdown(row.state)}${row.priority !== null ? ` · priority ${row.priority}` : ''}`,
      row.labels.length ? `Labels: ${escapeMarkdown(row.labels.join(', '))}` : '',
      `Autopilot: ${escapeMarkdown(row.note && row.status !== 'running' ? `${row.status}: ${oneLine(row.note, 300)}` : row.status)}`,
      row.taskId ? `Task: ${escapeMarkdown(row.taskId)}` : '',
      row.url ? escapeMarkdown(row.url) : '',
    ]
      .filter(Boolean)
      .join('  \n'),
    icon: ISSUE_ICONS[row.status],
    contextValue: ['quartet.autopilot.issue', row.url ? 'link' : '', launchable ? 'launchable' : '']
      .filter(Boolean)
      .join('.'),
  };
}

/** `#42 retry 2` · `in 18s · worker exited: …`. */
export function retryRowView(row: AutopilotRetryRow, now: number): RowView {
  const due = Date.parse(row.dueAt) - now;
  const what = row.kind === 'continuation' ? 're-check' : `retry ${row.attempt}`;
  return {
    label: `${row.identifier} ${what}`,
    description: [due > 0 ? `in ${humanizeElapsed(due)}` : 'due now', row.error ? oneLine(row.error, 80) : '']
      .filter(Boolean)
      .join(' · '),
    tooltip: [
      `**${escapeMarkdown(row.identifier)}** ${what} at ${escapeMarkdown(formatTimestamp(row.dueAt))}`,
      row.error ? escapeMarkdown(oneLine(row.error, 600)) : '',
    ]
      .filter(Boolean)
      .join('  \n'),
    icon: { id: 'history', color: row.kind === 'failure' ? 'charts.yellow' : undefined },
    contextValue: ['quartet.autopilot.retry', row.url ? 'link' : ''].filter(Boolean).join('.'),
  };
}
