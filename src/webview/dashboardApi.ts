// The web dashboard's stand-in for `acquireVsCodeApi()`: posts go to the server over HTTP, the host's messages come over SSE.

import { DASHBOARD_PATHS } from '../shared/dashboard';
import type { VsCodeApi } from './hostBridge';

const TOKEN_KEY = 'quartet.dashboard.token';
const STATE_KEY = 'quartet.dashboard.state';

interface Posted {
  type: string;
  id?: number;
}

/**
 * `#token=…` in the address is taken once into this tab's session storage and removed from the address (a fragment
 * never reaches the server, its logs or a Referer). Without a token the page reads; the server refuses the rest.
 */
export function takeToken(loc: Location, storage: Storage, history: History): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (m?.[1]) {
    storage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', loc.pathname + loc.search);
  }
  return storage.getItem(TOKEN_KEY);
}

export function dashboardApi(win: Window = window): VsCodeApi {
  // Read at each post: a `#token=…` pasted into the open page (no reload) counts at once.
  const token = (): string | null => takeToken(win.location, win.sessionStorage, win.history);
  let session: string | null = null;
  const queue: Posted[] = [];
  // Replayed on a new session (the stream reconnected: the server forgot this page): "ready" and what it follows.
  const replay = new Map<string, Posted>();
  const deliver = (data: unknown): void => void win.dispatchEvent(new MessageEvent('message', { data }));

  const send = async (msg: Posted): Promise<void> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const t = token();
    if (t) headers.authorization = `Bearer ${t}`;
    try {
      const res = await fetch(`${DASHBOARD_PATHS.message}?session=${encodeURIComponent(session ?? '')}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(msg),
      });
      if (res.status === 204) return;
      const body = (await res.json()) as { type?: string };
      if (body?.type === 'rpc/reply/sent') deliver(body);
      else if (msg.id !== undefined)
        deliver({
          type: 'rpc/reply/sent',
          inReplyTo: msg.id,
          error: { code: 'failed', message: `the server answered ${res.status}` },
        });
    } catch (err) {
      if (msg.id !== undefined)
        deliver({
          type: 'rpc/reply/sent',
          inReplyTo: msg.id,
          error: { code: 'failed', message: `the server cannot be reached: ${String(err)}` },
        });
    }
  };

  token();
  const events = new EventSource(DASHBOARD_PATHS.events);
  events.addEventListener('session', (e) => {
    session = (JSON.parse((e as MessageEvent<string>).data) as { id: string }).id;
    for (const m of replay.values()) if (!queue.includes(m)) void send(m);
    for (const m of queue.splice(0)) void send(m);
  });
  events.onmessage = (e: MessageEvent<string>) => deliver(JSON.parse(e.data));

  return {
    postMessage(message: unknown): void {
      const msg = message as Posted;
      if (msg.type === 'webview/ready' || msg.type === 'journal/subscription/set') replay.set(msg.type, msg);
      if (session) void send(msg);
      else queue.push(msg);
    },
    getState: () => {
      try {
        return JSON.parse(win.sessionStorage.getItem(STATE_KEY) ?? 'null') as unknown;
      } catch {
        return null;
      }
    },
    setState: (state: unknown) => win.sessionStorage.setItem(STATE_KEY, JSON.stringify(state)),
  };
}
