// A short, deterministic post-mortem of one attempt from its journal: what it ran, what failed, what it touched, how it ended.

import type { AgentEvent, JournalRecord } from '../../shared/events';
import { shortCommand } from '../observability/humanize';
import { summarizeOutput } from './checks';

const MAX_FILES = 20;
const MAX_MESSAGE = 600;

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The text the CLI prints for `quartet rework` and the panel shows next to an archived attempt. */
export function postMortem(records: JournalRecord[]): string {
  const events: AgentEvent[] = records.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
  const lines: string[] = [];

  let phase: Extract<AgentEvent, { type: 'phase' }> | null = null;
  for (const e of events) if (e.type === 'phase') phase = e;
  if (phase) {
    const why = phase.reason ? ` (${phase.reason})` : '';
    lines.push(`Outcome: ${phase.phase}${why}${phase.message ? `: ${clip(phase.message, 200)}` : ''}`);
  } else {
    lines.push('Outcome: unknown (no phase recorded)');
  }

  const commands = events.filter((e): e is Extract<AgentEvent, { type: 'command' }> => e.type === 'command');
  const failing = commands.filter((c) => c.status === 'failed' || (c.exitCode !== null && c.exitCode !== 0));
  const declined = commands.filter((c) => c.status === 'declined').length;
  lines.push(`Commands: ${commands.length} run, ${failing.length} failed${declined ? `, ${declined} declined` : ''}`);
  const first = failing[0];
  if (first) {
    lines.push(`First failing command: \`${shortCommand(first.command)}\` (exit ${first.exitCode ?? '?'})`);
    for (const l of summarizeOutput(first.outputTail, 6)) lines.push(`    ${l}`);
  }

  const files = new Set<string>();
  for (const e of events) {
    if (e.type === 'file_change' && e.status !== 'declined') for (const f of e.files) files.add(f.path);
  }
  const sorted = [...files].sort();
  const shown = sorted.slice(0, MAX_FILES).join(', ');
  lines.push(
    sorted.length
      ? `Files touched (${sorted.length}): ${shown}${sorted.length > MAX_FILES ? `, +${sorted.length - MAX_FILES} more` : ''}`
      : 'Files touched: none',
  );

  const committed = events.filter((e) => e.type === 'committed').pop();
  if (committed?.type === 'committed')
    lines.push(`Committed ${committed.commit.slice(0, 8)} (${committed.files} files)`);

  const lastError = [...events].reverse().find((e) => e.type === 'error' || (e.type === 'turn_completed' && e.error));
  if (lastError?.type === 'error') lines.push(`Last error: ${clip(lastError.message, 300)}`);
  else if (lastError?.type === 'turn_completed')
    lines.push(`Last error: turn ${lastError.status}: ${clip(lastError.error ?? '', 300)}`);

  const final = events.filter((e) => e.type === 'agent_message').pop();
  lines.push(
    final?.type === 'agent_message'
      ? `Final message: ${clip(final.text.replace(/\s+/g, ' '), MAX_MESSAGE)}`
      : 'Final message: none',
  );
  return `${lines.join('\n')}\n`;
}
