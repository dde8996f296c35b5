// One-line human summaries of agent events (Symphony SPEC §13.6): observability only, never logic.

import type { AgentEvent } from '../../shared/events';

const MAX = 120;

function clip(text: string, max = MAX): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Strips the `/bin/bash -lc "…"` wrapper Codex puts around shell commands. */
export function shortCommand(command: string): string {
  const m = /^\S*(?:bash|sh|zsh)\s+-l?c\s+(["'])([\s\S]*)\1$/.exec(command.trim());
  return clip(m ? (m[2] as string).replace(/\\"/g, '"') : command, 60);
}

/** A summary for the events worth showing as "latest event"; null for the rest. */
export function humanize(event: AgentEvent): string | null {
  switch (event.type) {
    case 'session_started':
      return 'session started';
    case 'turn_started':
      return 'turn started';
    case 'turn_completed':
      return event.status === 'completed'
        ? 'turn completed'
        : `turn ${event.status}${event.error ? `: ${clip(event.error, 80)}` : ''}`;
    case 'command_started':
      return `running \`${shortCommand(event.command)}\``;
    case 'command':
      if (event.status === 'declined') return `declined \`${shortCommand(event.command)}\``;
      return `ran \`${shortCommand(event.command)}\`${event.exitCode === null ? '' : ` (exit ${event.exitCode})`}`;
    case 'file_change': {
      const n = event.files.length;
      if (event.status === 'declined') return `patch declined (${n} file${n === 1 ? '' : 's'})`;
      return `edited ${n} file${n === 1 ? '' : 's'}`;
    }
    case 'agent_message':
      return `said: ${clip(event.text, 80)}`;
    case 'approval_requested':
      return `waiting for you: ${clip(event.summary, 80)}`;
    case 'approval_resolved':
      return `${event.decision} (${event.by}${event.rule ? `: ${event.rule}` : ''})`;
    case 'error':
      return `error: ${clip(event.message, 100)}`;
    case 'malformed':
      return `malformed output from Codex (${clip(event.reason, 60)})`;
    case 'committed':
      return `committed ${event.files} file${event.files === 1 ? '' : 's'}`;
    case 'phase':
      return event.message ? clip(event.message) : null;
    case 'pr_feedback':
      if (event.skipped)
        return `PR #${event.pr}: ${event.kind === 'review' ? 'review' : 'review comment'} by ${event.author} skipped (no write access)`;
      return event.kind === 'check_failed'
        ? `PR #${event.pr}: check ${event.check ?? '?'} failed`
        : `PR #${event.pr}: ${event.kind === 'review' ? 'review' : 'review comment'} by ${event.author}: ${clip(event.body, 80)}`;
    case 'tracker_tool':
      return event.allowed ? null : `${event.tool} refused: ${clip(event.call, 80)}`;
    default:
      return null;
  }
}
