// Every message between the control-panel host (extension) and its webview, declared once and typed.

import type { JournalRecord, AgentEvent } from './events';
import type { Snapshot } from './model';
import type { PriceTable } from './cost';
import type { SkillsOverview } from './skills';
import type { NewTaskDefaults, NewTaskInput } from './newTaskForm';

/** Bumped when a message changes shape; a webview from an older bundle then asks for a reload. */
export const PANEL_PROTOCOL_VERSION = 1;

/** The webview panel type; the serializer and the activation event use it. */
export const CONTROL_PANEL_VIEW_TYPE = 'quartet.controlPanel';

/** Id of the `<script type="application/json">` element carrying the initial state. */
export const INITIAL_STATE_ELEMENT_ID = 'quartet-initial-state';

export type PanelView = 'board' | 'attempt' | 'compare' | 'skills' | 'new-task';
export type TraceFilter = 'all' | 'commands' | 'errors';

/** What the panel shows, independent of theme; saved with setState and handed to the serializer. */
export interface PanelViewState {
  view: PanelView;
  attemptId: string | null;
  /** 2–4 attempts of one task for Compare. */
  compareIds: string[];
  filter: TraceFilter;
  search: string;
}

export const DEFAULT_VIEW_STATE: PanelViewState = {
  view: 'board',
  attemptId: null,
  compareIds: [],
  filter: 'all',
  search: '',
};

/** Embedded in the HTML as JSON so the panel draws without a round trip. */
export interface PanelInitialState {
  protocol: number;
  snapshot: Snapshot | null;
  view: PanelViewState;
  prices: PriceTable;
}

/** Per-file line counts of a turn's diff: what crosses instead of the (large) diff text. */
export interface DiffFileStat {
  path: string;
  added: number;
  removed: number;
}

/** A normalized event as it crosses to the webview; raw protocol messages stay on the host. */
export type WireEvent = AgentEvent | { type: 'diffstat'; turnId: string; files: DiffFileStat[] };

/** One journal line on the wire; `seq` is the journal's own sequence number. */
export interface WireRecord {
  seq: number;
  at: string;
  event: WireEvent;
}

/** Notifications the host sends to the webview (no reply). */
export interface HostNotifications {
  /** host → webview: the complete current snapshot (debounced); it replaces the previous one. */
  'state/snapshot/changed': { snapshot: Snapshot | null };
  /** host → webview: journal records of a subscribed attempt covering sequence numbers [fromSeq, nextSeq). */
  'journal/chunk/appended': { attemptId: string; fromSeq: number; nextSeq: number; records: WireRecord[] };
  /** host → webview: show this attempt (the tree or a command asked for it). */
  'view/attempt/show': { attemptId: string };
  /** host → webview: the price table used for cost estimates changed. */
  'config/prices/changed': { prices: PriceTable };
  /** host → webview: show the New Task form ("Quartet: New Task", the Tasks view's "+"). */
  'view/newTask/show': Record<string, never>;
  /** host → webview: skills, branches or the distill review changed (a command, another view); replaces the previous overview. */
  'skills/overview/changed': { overview: SkillsOverview };
}

/** A line of an attempt's diff: the file as the diff names it and a 1-based line of its result side. */
export interface DiffLineRef {
  file: string;
  line: number;
}

/** Notifications the webview sends to the host (no reply). */
export interface WebviewNotifications {
  /** webview → host: the app mounted and listens; the host answers with a fresh snapshot. */
  'webview/ready': { protocol: number };
  /** webview → host: stream exactly these attempts' journals, each from `fromSeq` on. */
  'journal/subscription/set': { attempts: { attemptId: string; fromSeq: number }[] };
  /** webview → host: a chunk did not start where the previous one ended; send again from `fromSeq`. */
  'journal/resync/request': { attemptId: string; fromSeq: number };
  /** webview → host: the view changed; the host keeps it so a closed panel reopens where it was. */
  'view/state/changed': { view: PanelViewState };
}

/** Requests the webview sends; the host answers each with one reply carrying `inReplyTo`. */
export interface WebviewRequests {
  /** webview → host: stop an attempt (allowed in the same phases as the tree's Stop). */
  'attempt/run/stop': { params: { attemptId: string }; result: null };
  /** webview → host: retry an attempt (allowed in the same phases as the tree's Retry). */
  'attempt/run/retry': { params: { attemptId: string }; result: null };
  /**
   * webview → host: answer the attempt's pending request; `pendingId` must still be the pending one.
   * `acceptForSession` is "Accept for this attempt" (Codex's session-scoped accept).
   */
  'attempt/question/answer': {
    params: {
      attemptId: string;
      pendingId: string;
      decision: 'accept' | 'acceptForSession' | 'decline';
      text?: string;
    };
    result: null;
  };
  /** webview → host: hand a conflicting attempt to its agent (the tree's "Resolve with Agent"); answers once it started. */
  'attempt/conflicts/resolve': { params: { attemptId: string }; result: null };
  /**
   * webview → host: open the native diff editor for one attempt or between two; `at`: one attempt's file,
   * base against its result, with the cursor on that line of the result (a review's citation).
   */
  'diff/attempts/open': { params: { attemptIds: string[]; at?: DiffLineRef }; result: null };
  /** webview → host: open an http(s) link from agent output; the host checks the scheme. */
  'link/url/open': { params: { url: string }; result: null };
  /** webview → host: the full journal record at `seq` and the raw protocol messages of the same item. */
  'journal/record/get': { params: { attemptId: string; seq: number }; result: { records: JournalRecord[] } };
  /** webview → host: the skills catalog, skills branches, per-skill outcomes and the latest distill review. */
  'skills/overview/get': { params: Record<string, never>; result: { overview: SkillsOverview } };
  /** webview → host: accept (with the text edited in the proposal's document) or reject one proposal of the latest review. */
  'skills/proposal/decide': {
    params: { reviewId: string; proposalId: string; decision: 'accept' | 'reject' };
    result: { overview: SkillsOverview };
  };
  /** webview → host: open the proposal's editable `quartet-proposal:` document (as a diff against the base). */
  'skills/proposal/edit': { params: { reviewId: string; proposalId: string }; result: null };
  /** webview → host: open evidence `evidenceId`'s `ref`-th source (journal line or http(s) URL); the host looks it up itself. */
  'skills/evidence/open': { params: { reviewId: string; evidenceId: string; ref: number }; result: null };
  /** webview → host: land a `quartet/skills/*` branch on the current branch, like an attempt's land. */
  'skills/branch/land': { params: { branch: string }; result: { overview: SkillsOverview; message: string } };
  /** webview → host: the New Task form's local branches and defaults. */
  'task/form/get': { params: Record<string, never>; result: NewTaskDefaults };
  /** webview → host: launch the form's task (the host checks it again, scrubs secrets, adds the settings' options). */
  'task/launch/start': { params: NewTaskInput; result: { taskId: string; attemptIds: string[] } };
  /** webview → host: one more turn on an ended attempt's thread with a person's message; answers once it is queued. */
  'attempt/followUp/send': { params: { attemptId: string; message: string }; result: null };
  /** webview → host: the same message to every attempt of the task that can take it; says which were skipped and why. */
  'task/followUp/send': { params: { taskId: string; message: string }; result: { sent: number[]; skipped: string[] } };
}

export type HostNotificationType = keyof HostNotifications;
export type WebviewNotificationType = keyof WebviewNotifications;
export type RequestType = keyof WebviewRequests;
export type RequestParams<K extends RequestType> = WebviewRequests[K]['params'];
export type RequestResult<K extends RequestType> = WebviewRequests[K]['result'];

export type Notification<M, K extends keyof M> = { type: K; params: M[K] };
export type HostNotification = {
  [K in HostNotificationType]: Notification<HostNotifications, K>;
}[HostNotificationType];
export type WebviewNotification = {
  [K in WebviewNotificationType]: Notification<WebviewNotifications, K>;
}[WebviewNotificationType];
export type WebviewRequest = { [K in RequestType]: { type: K; id: number; params: RequestParams<K> } }[RequestType];

export type ReplyErrorCode = 'invalid' | 'not_found' | 'refused' | 'failed' | 'timeout';
export interface ReplyError {
  code: ReplyErrorCode;
  message: string;
}

/** host → webview: the answer to request `inReplyTo`: a result, or an error. */
export type Reply =
  | { type: 'rpc/reply/sent'; inReplyTo: number; result: unknown; error?: undefined }
  | { type: 'rpc/reply/sent'; inReplyTo: number; error: ReplyError; result?: undefined };

export const REPLY_TYPE = 'rpc/reply/sent';

export type HostToWebview = HostNotification | Reply;
export type WebviewToHost = WebviewNotification | WebviewRequest;

export const REQUEST_TYPES: readonly RequestType[] = [
  'attempt/run/stop',
  'attempt/run/retry',
  'attempt/question/answer',
  'attempt/conflicts/resolve',
  'diff/attempts/open',
  'link/url/open',
  'journal/record/get',
  'skills/overview/get',
  'skills/proposal/decide',
  'skills/proposal/edit',
  'skills/evidence/open',
  'skills/branch/land',
  'task/form/get',
  'task/launch/start',
  'attempt/followUp/send',
  'task/followUp/send',
];

export const HOST_NOTIFICATION_TYPES: readonly HostNotificationType[] = [
  'state/snapshot/changed',
  'journal/chunk/appended',
  'view/attempt/show',
  'config/prices/changed',
  'skills/overview/changed',
  'view/newTask/show',
];

export function isReply(msg: HostToWebview): msg is Reply {
  return msg.type === REPLY_TYPE;
}
