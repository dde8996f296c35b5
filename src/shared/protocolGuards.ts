// Runtime checks of messages crossing the webview boundary: the host trusts no shape it did not verify.

import {
  DEFAULT_VIEW_STATE,
  HOST_NOTIFICATION_TYPES,
  REPLY_TYPE,
  REQUEST_TYPES,
  type HostToWebview,
  type PanelView,
  type PanelViewState,
  type RequestType,
  type WebviewToHost,
} from './protocol';
import { MAX_FOLLOW_UP_MESSAGE } from './attemptActions';
import { MAX_FORM_PROMPT, MAX_FORM_TITLE } from './newTaskForm';

const MAX_ID = 200;
const MAX_TEXT = 20_000;
const MAX_URL = 4096;
/** Compare shows at most four attempts; one more for the attempt view. */
export const MAX_SUBSCRIPTIONS = 5;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** A repo-relative path (no `..`, not absolute) and a line ≥ 1; only with exactly one attempt. */
const isLineRef = (v: unknown, attempts: number): boolean =>
  attempts === 1 &&
  isObj(v) &&
  typeof v.file === 'string' &&
  v.file.length > 0 &&
  v.file.length <= MAX_URL &&
  !v.file.startsWith('/') &&
  !v.file.split('/').includes('..') &&
  isSeq(v.line) &&
  v.line >= 1;
const isRequestType = (v: unknown): v is RequestType => REQUEST_TYPES.includes(v as RequestType);

const isMessage = (v: unknown): v is string =>
  typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_FOLLOW_UP_MESSAGE;
const isNullable = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === null || check(v);

/** Shape only (strings, numbers, nulls); the form's rules (newTaskProblems) run on the host afterwards. */
function isNewTaskInput(p: Obj): boolean {
  return (
    typeof p.title === 'string' &&
    p.title.length <= MAX_FORM_TITLE * 2 &&
    typeof p.prompt === 'string' &&
    p.prompt.length <= MAX_FORM_PROMPT &&
    typeof p.attempts === 'number' &&
    isNullable(p.base, isId) &&
    isNullable(p.model, isId) &&
    (p.tokenBudget === null || typeof p.tokenBudget === 'number')
  );
}

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string; id?: number };

function requestParamsValid(type: RequestType, p: Obj): boolean {
  switch (type) {
    case 'attempt/run/stop':
    case 'attempt/run/retry':
    case 'attempt/conflicts/resolve':
      return isId(p.attemptId);
    case 'attempt/question/answer':
      return (
        isId(p.attemptId) &&
        isId(p.pendingId) &&
        (p.decision === 'accept' || p.decision === 'acceptForSession' || p.decision === 'decline') &&
        (p.text === undefined || (typeof p.text === 'string' && p.text.length <= MAX_TEXT))
      );
    case 'diff/attempts/open':
      return (
        Array.isArray(p.attemptIds) &&
        p.attemptIds.length >= 1 &&
        p.attemptIds.length <= 2 &&
        p.attemptIds.every(isId) &&
        (p.at === undefined || isLineRef(p.at, p.attemptIds.length))
      );
    case 'link/url/open':
      return typeof p.url === 'string' && p.url.length > 0 && p.url.length <= MAX_URL;
    case 'journal/record/get':
      return isId(p.attemptId) && isSeq(p.seq);
    case 'skills/overview/get':
      return true;
    case 'skills/proposal/decide':
      return isId(p.reviewId) && isId(p.proposalId) && (p.decision === 'accept' || p.decision === 'reject');
    case 'skills/proposal/edit':
      return isId(p.reviewId) && isId(p.proposalId);
    case 'skills/evidence/open':
      return isId(p.reviewId) && isId(p.evidenceId) && isSeq(p.ref) && p.ref < 1000;
    case 'skills/branch/land':
      return isId(p.branch) && p.branch.startsWith('quartet/skills/');
    case 'task/form/get':
      return true;
    case 'task/launch/start':
      return isNewTaskInput(p);
    case 'attempt/followUp/send':
      return isId(p.attemptId) && isMessage(p.message);
    case 'task/followUp/send':
      return isId(p.taskId) && isMessage(p.message);
  }
}

/** Validates a message from the webview; anything unexpected is rejected with a reason. */
export function parseWebviewMessage(data: unknown): Parsed<WebviewToHost> {
  if (!isObj(data) || typeof data.type !== 'string') return { ok: false, reason: 'not a message' };
  const p = data.params;
  if (!isObj(p)) return { ok: false, reason: `${data.type}: params missing` };
  if (isRequestType(data.type)) {
    if (!isSeq(data.id)) return { ok: false, reason: `${data.type}: request without id` };
    if (!requestParamsValid(data.type, p)) return { ok: false, reason: `${data.type}: invalid params`, id: data.id };
    return { ok: true, message: data as unknown as WebviewToHost };
  }
  switch (data.type) {
    case 'webview/ready':
      return typeof p.protocol === 'number'
        ? { ok: true, message: { type: 'webview/ready', params: { protocol: p.protocol } } }
        : { ok: false, reason: 'ready: protocol missing' };
    case 'view/state/changed':
      return { ok: true, message: { type: 'view/state/changed', params: { view: sanitizeViewState(p.view) } } };
    case 'journal/resync/request':
      if (!isId(p.attemptId) || !isSeq(p.fromSeq)) return { ok: false, reason: 'resync: invalid params' };
      return {
        ok: true,
        message: { type: 'journal/resync/request', params: { attemptId: p.attemptId, fromSeq: p.fromSeq } },
      };
    case 'journal/subscription/set': {
      const list = p.attempts;
      if (!Array.isArray(list) || list.length > MAX_SUBSCRIPTIONS)
        return { ok: false, reason: 'subscription: invalid list' };
      const attempts: { attemptId: string; fromSeq: number }[] = [];
      for (const a of list) {
        if (!isObj(a) || !isId(a.attemptId) || !isSeq(a.fromSeq))
          return { ok: false, reason: 'subscription: invalid entry' };
        attempts.push({ attemptId: a.attemptId, fromSeq: a.fromSeq });
      }
      return { ok: true, message: { type: 'journal/subscription/set', params: { attempts } } };
    }
    default:
      // Answer an unknown request too, so whoever sent it is not left waiting for a timeout.
      return isSeq(data.id)
        ? { ok: false, reason: `unknown message type ${data.type.slice(0, 60)}`, id: data.id }
        : { ok: false, reason: `unknown message type ${data.type.slice(0, 60)}` };
  }
}

/** A view state from outside (the webview, VS Code's saved state), made well-formed; junk becomes the default. */
export function sanitizeViewState(v: unknown): PanelViewState {
  if (!isObj(v)) return DEFAULT_VIEW_STATE;
  const views: PanelView[] = ['board', 'attempt', 'compare', 'skills', 'new-task'];
  return {
    view: views.includes(v.view as PanelView) ? (v.view as PanelView) : 'board',
    attemptId: isId(v.attemptId) ? v.attemptId : null,
    compareIds: Array.isArray(v.compareIds) ? v.compareIds.filter(isId).slice(0, 4) : [],
    filter: v.filter === 'commands' || v.filter === 'errors' ? v.filter : 'all',
    search: typeof v.search === 'string' ? v.search.slice(0, 200) : '',
  };
}

/** A light check of what the host sends (trusted, but a stray postMessage must not crash the app). */
export function isHostMessage(data: unknown): data is HostToWebview {
  if (!isObj(data) || typeof data.type !== 'string') return false;
  if (data.type === REPLY_TYPE) return isSeq(data.inReplyTo);
  return HOST_NOTIFICATION_TYPES.includes(data.type as never) && isObj(data.params);
}

/** Only http and https links ever leave the panel; everything else (javascript:, file:, command:) is refused. */
export function isOpenableUrl(url: string): boolean {
  if (url.length > MAX_URL) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
