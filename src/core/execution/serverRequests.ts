// Server→client requests (protocol notes §6): what each one asks, the policy answer, and the reply shapes.

import type { PendingQuestion } from '../../shared/model';
import { isInside, canonicalPath } from './pathSafety';
import { shortCommand } from '../observability/humanize';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export type Decision = 'accept' | 'decline' | 'cancel';

/** What Quartet does with a server request before asking anyone. */
export type Triage =
  | { kind: 'auto'; result: unknown; decision: string }
  | { kind: 'ask'; question: Omit<PendingQuestion, 'id'>; reply(decision: Decision, text?: string): unknown }
  | { kind: 'reject'; message: string };

function insideWorktree(path: string, worktree: string): boolean {
  if (!path) return true;
  const c = canonicalPath(path);
  return c === canonicalPath(worktree) || isInside(worktree, c);
}

function legacyDecision(d: Decision): unknown {
  return d === 'accept' ? 'approved' : d === 'cancel' ? 'abort' : { denied: { rejection: 'declined by the user in Quartet' } };
}

/**
 * Triage per policy. `autoApprove === 'worktree'` accepts commands and patches confined to the attempt's
 * worktree; everything else waits for a person (`needs-you`). Unknown requests are rejected at once so a
 * turn never hangs on a request nobody will answer.
 */
export function triageServerRequest(method: string, params: Obj, worktree: string, autoApprove: 'worktree' | 'none'): Triage {
  switch (method) {
    case 'item/commandExecution/requestApproval': {
      const cwd = str(params.cwd);
      if (autoApprove === 'worktree' && insideWorktree(cwd, worktree)) return { kind: 'auto', result: { decision: 'accept' }, decision: 'accept' };
      const cmd = str(params.command);
      return {
        kind: 'ask',
        question: { kind: 'command', summary: cmd ? `run \`${shortCommand(cmd)}\`` : 'run a command', reason: str(params.reason) || null },
        reply: (d) => ({ decision: d }),
      };
    }
    case 'item/fileChange/requestApproval': {
      const root = str(params.grantRoot);
      if (autoApprove === 'worktree' && insideWorktree(root, worktree)) return { kind: 'auto', result: { decision: 'accept' }, decision: 'accept' };
      return {
        kind: 'ask',
        question: { kind: 'fileChange', summary: root ? `write under ${root}` : 'apply a patch', reason: str(params.reason) || null },
        reply: (d) => ({ decision: d }),
      };
    }
    case 'item/permissions/requestApproval': {
      const requested = (params.permissions ?? {}) as Obj;
      return {
        kind: 'ask',
        question: { kind: 'permissions', summary: `grant extra permissions: ${JSON.stringify(requested).slice(0, 160)}`, reason: str(params.reason) || null },
        reply: (d) => ({
          permissions: d === 'accept' ? { network: requested.network ?? undefined, fileSystem: requested.fileSystem ?? undefined } : {},
          scope: 'turn',
        }),
      };
    }
    case 'item/tool/requestUserInput': {
      const qs = Array.isArray(params.questions) ? (params.questions as Obj[]) : [];
      const questions = qs.map((q) => ({
        id: str(q.id),
        question: str(q.question) || str(q.header),
        options: Array.isArray(q.options) ? (q.options as Obj[]).map((o) => str(o.label) || str(o)) : [],
      }));
      return {
        kind: 'ask',
        question: { kind: 'userInput', summary: questions.map((q) => q.question).join(' / ') || 'the agent asks a question', reason: null, questions },
        reply: (d, text) => ({
          answers: Object.fromEntries(questions.map((q) => [q.id, { answers: d === 'accept' && text ? [text] : [] }])),
        }),
      };
    }
    case 'execCommandApproval':
    case 'applyPatchApproval': {
      if (autoApprove === 'worktree' && insideWorktree(str(params.cwd), worktree)) return { kind: 'auto', result: { decision: 'approved' }, decision: 'accept' };
      return {
        kind: 'ask',
        question: { kind: method === 'execCommandApproval' ? 'command' : 'fileChange', summary: method, reason: str(params.reason) || null },
        reply: (d) => ({ decision: legacyDecision(d) }),
      };
    }
    case 'item/tool/call':
      return {
        kind: 'auto',
        decision: 'unknown tool',
        result: { contentItems: [{ type: 'inputText', text: `Quartet does not provide the tool "${str(params.tool)}".` }], success: false },
      };
    case 'mcpServer/elicitation/request':
      return { kind: 'auto', decision: 'decline', result: { action: 'decline', content: null, _meta: null } };
    default:
      return { kind: 'reject', message: `Quartet does not handle ${method}` };
  }
}
