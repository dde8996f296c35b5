// Normalizes app-server notifications (protocol notes §5) into Quartet's AgentEvents; pure, no I/O.

import { relative, isAbsolute } from 'node:path';
import type { AgentEvent } from '../../shared/events';
import { totalsFromUsage } from '../observability/tokens';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Notifications that only feed the journal (recognized on purpose, not unknown). */
export const JOURNAL_ONLY_NOTIFICATIONS = new Set([
  'thread/started',
  'thread/status/changed',
  'thread/readState/changed',
  'item/agentMessage/delta',
  'item/commandExecution/outputDelta',
  'item/fileChange/outputDelta',
  'item/fileChange/patchUpdated',
  'item/reasoning/summaryTextDelta',
  'item/reasoning/summaryPartAdded',
  'item/reasoning/textDelta',
  'item/plan/delta',
  'turn/plan/updated',
  'turn/diff/updated',
  'account/rateLimits/updated',
  'serverRequest/resolved',
  'remoteControl/status/changed',
  'mcpServer/startupStatus/updated',
  'skills/changed',
]);

function tail(text: string, max = 2000): string {
  return text.length > max ? text.slice(-max) : text;
}

function itemEvent(item: Obj, worktree: string, completed: boolean): AgentEvent | null {
  const id = str(item.id);
  switch (item.type) {
    case 'commandExecution':
      if (!completed) return { type: 'command_started', itemId: id, command: str(item.command) };
      return {
        type: 'command',
        itemId: id,
        command: str(item.command),
        exitCode: num(item.exitCode),
        durationMs: num(item.durationMs),
        status: str(item.status),
        outputTail: tail(str(item.aggregatedOutput)),
      };
    case 'fileChange': {
      if (!completed) return null;
      const changes = Array.isArray(item.changes) ? (item.changes as Obj[]) : [];
      const files = changes.map((c) => {
        const p = str(c.path);
        const kind = str((c.kind as Obj | undefined)?.type) || str(c.kind);
        return { path: isAbsolute(p) ? relative(worktree, p) : p, kind };
      });
      return { type: 'file_change', itemId: id, status: str(item.status), files };
    }
    case 'agentMessage':
      return completed ? { type: 'agent_message', itemId: id, text: str(item.text) } : null;
    case 'reasoning': {
      if (!completed) return null;
      const summary = Array.isArray(item.summary) ? (item.summary as unknown[]).map(str).join('\n') : '';
      return summary ? { type: 'reasoning', itemId: id, text: summary } : null;
    }
    case 'mcpToolCall':
    case 'dynamicToolCall':
    case 'webSearch':
    case 'collabAgentToolCall':
      return completed
        ? { type: 'tool_call', itemId: id, tool: str(item.tool) || str(item.type), status: str(item.status) }
        : null;
    default:
      return null;
  }
}

/** The AgentEvent a notification maps to, or null when it only belongs in the journal. */
export function normalizeNotification(method: string, params: Obj, worktree: string): AgentEvent | null {
  switch (method) {
    case 'turn/started':
      return { type: 'turn_started', turnId: str((params.turn as Obj | undefined)?.id) };
    case 'turn/completed': {
      const turn = (params.turn ?? {}) as Obj;
      const error = turn.error as Obj | null | undefined;
      return {
        type: 'turn_completed',
        turnId: str(turn.id),
        status: str(turn.status),
        error: error ? str(error.message) : null,
      };
    }
    case 'item/started':
      return itemEvent((params.item ?? {}) as Obj, worktree, false);
    case 'item/completed':
      return itemEvent((params.item ?? {}) as Obj, worktree, true);
    case 'thread/tokenUsage/updated': {
      const totals = totalsFromUsage(params.tokenUsage);
      return totals ? { type: 'tokens', threadId: str(params.threadId), totals } : null;
    }
    case 'error': {
      const err = (params.error ?? {}) as Obj;
      const info = err.codexErrorInfo;
      return {
        type: 'error',
        message: str(err.message),
        codexErrorInfo: typeof info === 'string' ? info : info ? JSON.stringify(info) : null,
        willRetry: params.willRetry === true,
      };
    }
    case 'warning':
      return { type: 'warning', message: str(params.message) };
    case 'configWarning':
    case 'deprecationNotice':
      return { type: 'warning', message: `${str(params.summary)}${params.details ? `: ${str(params.details)}` : ''}` };
    default:
      return null;
  }
}

/** Readable text of a turn error: the model's own message when Codex wraps a JSON error body. */
export function turnErrorText(message: string): string {
  try {
    const parsed = JSON.parse(message) as { error?: { message?: string } };
    if (parsed?.error?.message) return parsed.error.message;
  } catch {
    // not JSON: use as is
  }
  return message;
}
