// The web dashboard's host side: one SSE stream per open page carrying what the VS Code host posts to its webview.

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Orchestrator } from '../../orchestrator/orchestrator';
import type { HostToWebview, Reply, WebviewToHost } from '../../../shared/protocol';
import { PANEL_PROTOCOL_VERSION, REPLY_TYPE } from '../../../shared/protocol';
import { parseWebviewMessage } from '../../../shared/protocolGuards';
import { toWire } from '../../../shared/wire';
import { answerDashboardRequest, isStateChanging } from './dashboardRequests';

/** As in the VS Code panel: snapshots come up to 10×/s, a page redraws at most this often. */
const SNAPSHOT_DEBOUNCE_MS = 100;
const JOURNAL_POLL_MS = 500;
const JOURNAL_PAGE_BYTES = 512 * 1024;
const MAX_SESSIONS = 64;

interface Session {
  res: ServerResponse;
  ready: boolean;
  /** Attempt id → next journal seq to send. */
  journals: Map<string, number>;
}

/** What a POST of one webview message answers: an HTTP status and, for a request, its reply. */
export interface MessageOutcome {
  status: number;
  body: Reply | { error: { code: string; message: string } } | null;
}

export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();
  private snapshotTimer: NodeJS.Timeout | null = null;
  private readonly journalTimer: NodeJS.Timeout;

  constructor(
    private readonly orch: Orchestrator,
    private readonly log: (line: string) => void,
  ) {
    orch.on('change', () => {
      this.snapshotTimer ??= setTimeout(() => {
        this.snapshotTimer = null;
        for (const s of this.sessions.values()) if (s.ready) this.sendSnapshot(s);
      }, SNAPSHOT_DEBOUNCE_MS);
    });
    this.journalTimer = setInterval(() => this.pumpJournals(), JOURNAL_POLL_MS);
    this.journalTimer.unref();
  }

  /** Opens a page's stream: its session id first (the page posts its messages with it), then the snapshot. */
  open(res: ServerResponse): void {
    if (this.sessions.size >= MAX_SESSIONS) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { code: 'too_many_pages', message: `over ${MAX_SESSIONS} dashboard pages are open` },
        }),
      );
      return;
    }
    const id = randomBytes(16).toString('hex');
    const session: Session = { res, ready: false, journals: new Map() };
    this.sessions.set(id, session);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: session\ndata: ${JSON.stringify({ id })}\n\n`);
    res.on('close', () => this.sessions.delete(id));
  }

  /** One message from a page. `authorized`: it carried the server's token (needed for anything that changes state). */
  async message(sessionId: string, data: unknown, authorized: boolean): Promise<MessageOutcome> {
    const session = this.sessions.get(sessionId);
    if (!session)
      return {
        status: 404,
        body: { error: { code: 'no_session', message: 'no such dashboard session (reload the page)' } },
      };
    const parsed = parseWebviewMessage(data);
    if (!parsed.ok) {
      const reply: Reply | null =
        parsed.id !== undefined
          ? { type: REPLY_TYPE, inReplyTo: parsed.id, error: { code: 'invalid', message: parsed.reason } }
          : null;
      return { status: 400, body: reply };
    }
    const msg: WebviewToHost = parsed.message;
    switch (msg.type) {
      case 'webview/ready':
        session.ready = true;
        if (msg.params.protocol !== PANEL_PROTOCOL_VERSION)
          this.log(`dashboard: page speaks protocol ${msg.params.protocol}, server ${PANEL_PROTOCOL_VERSION}`);
        this.sendSnapshot(session);
        return { status: 204, body: null };
      case 'journal/subscription/set': {
        const known = this.knownAttempts();
        session.journals = new Map(
          msg.params.attempts.filter((w) => known.has(w.attemptId)).map((w) => [w.attemptId, w.fromSeq]),
        );
        return { status: 204, body: null };
      }
      case 'journal/resync/request':
        if (session.journals.has(msg.params.attemptId)) session.journals.set(msg.params.attemptId, msg.params.fromSeq);
        return { status: 204, body: null };
      case 'view/state/changed':
        return { status: 204, body: null };
      default:
        if (isStateChanging(msg.type) && !authorized) {
          return {
            status: 401,
            body: {
              type: REPLY_TYPE,
              inReplyTo: msg.id,
              error: {
                code: 'refused',
                message: 'This dashboard is read-only: open it with the server token (#token=… in its address) to act.',
              },
            },
          };
        }
        return { status: 200, body: await answerDashboardRequest(msg, this.orch) };
    }
  }

  close(): void {
    clearInterval(this.journalTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    for (const s of this.sessions.values()) s.res.end();
    this.sessions.clear();
  }

  private knownAttempts(): Set<string> {
    return new Set(this.orch.snapshot().tasks.flatMap((t) => t.attempts.map((a) => a.id)));
  }

  private post(s: Session, msg: HostToWebview): void {
    s.res.write(`data: ${JSON.stringify(msg)}\n\n`);
  }

  private sendSnapshot(s: Session): void {
    this.post(s, { type: 'state/snapshot/changed', params: { snapshot: this.orch.snapshot() } });
  }

  /** Each followed journal from where the page is: numbered chunks, raw protocol lines left on the server. */
  private pumpJournals(): void {
    for (const s of this.sessions.values()) {
      if (!s.ready) continue;
      for (const [attemptId, from] of s.journals) {
        let page;
        try {
          page = this.orch.journalPage(attemptId, from, JOURNAL_PAGE_BYTES);
        } catch {
          continue; // deleted meanwhile: the next subscription drops it
        }
        const last = page.records.at(-1);
        if (!last) continue;
        const records = page.records.map(toWire).filter((r) => r !== null);
        s.journals.set(attemptId, last.seq + 1);
        this.post(s, {
          type: 'journal/chunk/appended',
          params: { attemptId, fromSeq: from, nextSeq: last.seq + 1, records },
        });
      }
    }
  }
}
