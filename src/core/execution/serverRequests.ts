// Server→client requests (protocol notes §6): what each one asks, the policy answer, and the reply shapes.

import type { PendingQuestion } from '../../shared/model';
import { shortCommand } from '../observability/humanize';
import { allowedPrefix } from './commandArgv';
import {
  allInsideWorktree,
  commandText,
  legacyPatchPaths,
  normalizeAutoApprove,
  offersSessionAccept,
  pathInsideWorktree,
} from './approvalRules';
import type { AutoApproveInput } from '../contract/launch';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `acceptForSession` is Codex's session-scoped accept: Quartet shows it as "Accept for this attempt". */
export type Decision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** What Quartet does with a server request before asking anyone. */
export type Triage =
  | { kind: 'auto'; result: unknown; decision: string; rule?: string }
  | { kind: 'ask'; question: Omit<PendingQuestion, 'id'>; reply(decision: Decision, text?: string): unknown }
  | { kind: 'reject'; message: string };

/** What the policy knows besides the request: the attempt's worktree, the settings, and the patch items seen so far. */
export interface TriageContext {
  worktree: string;
  autoApprove: AutoApproveInput;
  /** The user's "always allow" command prefixes (user settings only), matched on the parsed argv. */
  allowedCommandPrefixes: readonly string[];
  /** The paths of the fileChange item an approval names (from its `item/started`), or null when unknown. */
  patchPaths(itemId: string): string[] | null;
}

function legacyDecision(d: Decision): unknown {
  if (d === 'accept') return 'approved';
  if (d === 'acceptForSession') return 'approved_for_session';
  return d === 'cancel' ? 'abort' : { denied: { rejection: 'declined by the user in Quartet' } };
}

const reason = (params: Obj): string | null => str(params.reason) || null;
const accepted = (d: Decision): boolean => d === 'accept' || d === 'acceptForSession';

function commandQuestion(command: string, cwd: string, params: Obj, canSession: boolean): Omit<PendingQuestion, 'id'> {
  return {
    kind: 'command',
    summary: command ? `run \`${shortCommand(command)}\`` : 'run a command',
    reason: reason(params),
    command,
    cwd: cwd || null,
    canAcceptForAttempt: canSession,
  };
}

function patchQuestion(
  paths: string[] | null,
  root: string,
  params: Obj,
  canSession: boolean,
): Omit<PendingQuestion, 'id'> {
  const list = paths ?? [];
  const summary = list.length
    ? `change ${list.length === 1 ? list[0] : `${list.length} files`}`
    : root
      ? `write under ${root}`
      : 'apply a patch';
  return {
    kind: 'fileChange',
    summary,
    reason: reason(params),
    paths: list,
    grantRoot: root || null,
    cwd: str(params.cwd) || null,
    canAcceptForAttempt: canSession,
  };
}

/** Auto-accept a patch only when every path it changes (and any root it wants granted) is provably inside the worktree. */
function patchInside(paths: string[] | null, root: string, ctx: TriageContext): boolean {
  return (
    normalizeAutoApprove(ctx.autoApprove, 'none') === 'patches-in-worktree' &&
    allInsideWorktree(paths, ctx.worktree) &&
    (!root || pathInsideWorktree(root, ctx.worktree))
  );
}

/**
 * Triage per policy. Under `on-request` Codex asks only for what wants to leave its sandbox, so a
 * command or permissions request always waits for a person (`needs-you`) whatever its cwd, unless
 * its parsed argv starts with one of the user's allowed prefixes. A patch is accepted by policy only
 * when every path it changes is inside the worktree. Unknown requests are rejected at once so a turn
 * never hangs on a request nobody will answer.
 */
export function triageServerRequest(method: string, params: Obj, ctx: TriageContext): Triage {
  switch (method) {
    case 'item/commandExecution/requestApproval': {
      const cmd = str(params.command);
      const plainCommand = (str(params.kind) || 'command') === 'command' && !params.networkApprovalContext;
      const rule = plainCommand && cmd ? allowedPrefix(cmd, ctx.allowedCommandPrefixes) : null;
      if (rule)
        return { kind: 'auto', result: { decision: 'accept' }, decision: 'accept', rule: `allowed prefix \`${rule}\`` };
      return {
        kind: 'ask',
        question: commandQuestion(cmd, str(params.cwd), params, offersSessionAccept(params)),
        reply: (d) => ({ decision: d }),
      };
    }
    case 'item/fileChange/requestApproval': {
      const root = str(params.grantRoot);
      const paths = ctx.patchPaths(str(params.itemId));
      if (patchInside(paths, root, ctx))
        return {
          kind: 'auto',
          result: { decision: 'accept' },
          decision: 'accept',
          rule: 'every path inside the worktree',
        };
      return { kind: 'ask', question: patchQuestion(paths, root, params, true), reply: (d) => ({ decision: d }) };
    }
    case 'item/permissions/requestApproval': {
      const requested = (params.permissions ?? {}) as Obj;
      const full = JSON.stringify(requested);
      return {
        kind: 'ask',
        question: {
          kind: 'permissions',
          summary: `grant extra permissions: ${full.length > 160 ? `${full.slice(0, 159)}…` : full}`,
          reason: reason(params),
          permissions: full,
          cwd: str(params.cwd) || null,
          canAcceptForAttempt: true,
        },
        reply: (d) => ({
          permissions: accepted(d)
            ? { network: requested.network ?? undefined, fileSystem: requested.fileSystem ?? undefined }
            : {},
          scope: d === 'acceptForSession' ? 'session' : 'turn',
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
        question: {
          kind: 'userInput',
          summary: questions.map((q) => q.question).join(' / ') || 'the agent asks a question',
          reason: null,
          questions,
          canAcceptForAttempt: false,
        },
        reply: (d, text) => ({
          answers: Object.fromEntries(questions.map((q) => [q.id, { answers: accepted(d) && text ? [text] : [] }])),
        }),
      };
    }
    case 'execCommandApproval': {
      const argv = Array.isArray(params.command) ? (params.command as unknown[]).map(String) : [];
      const rule = argv.length ? allowedPrefix(argv, ctx.allowedCommandPrefixes) : null;
      if (rule)
        return {
          kind: 'auto',
          result: { decision: 'approved' },
          decision: 'accept',
          rule: `allowed prefix \`${rule}\``,
        };
      return {
        kind: 'ask',
        question: commandQuestion(commandText(params.command), str(params.cwd), params, true),
        reply: (d) => ({ decision: legacyDecision(d) }),
      };
    }
    case 'applyPatchApproval': {
      const root = str(params.grantRoot);
      const paths = legacyPatchPaths(params.fileChanges);
      if (patchInside(paths, root, ctx))
        return {
          kind: 'auto',
          result: { decision: 'approved' },
          decision: 'accept',
          rule: 'every path inside the worktree',
        };
      return {
        kind: 'ask',
        question: patchQuestion(paths, root, params, true),
        reply: (d) => ({ decision: legacyDecision(d) }),
      };
    }
    case 'item/tool/call':
      return {
        kind: 'auto',
        decision: 'unknown tool',
        result: {
          contentItems: [{ type: 'inputText', text: `Quartet does not provide the tool "${str(params.tool)}".` }],
          success: false,
        },
      };
    case 'mcpServer/elicitation/request':
      return { kind: 'auto', decision: 'decline', result: { action: 'decline', content: null, _meta: null } };
    default:
      return { kind: 'reject', message: `Quartet does not handle ${method}` };
  }
}
