// A fake extension host for webview tests: records what the webview posts, sends host messages, answers requests.

import { act } from 'react';
import type { HostToWebview, WebviewToHost } from '../../src/shared/protocol';
import type { VsCodeApi } from '../../src/webview/hostBridge';

export const settle = (ms = 40): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, ms)));

export class FakeHost implements VsCodeApi {
  readonly sent: WebviewToHost[] = [];
  state: unknown = null;

  postMessage(message: unknown): void {
    this.sent.push(message as WebviewToHost);
  }

  getState(): unknown {
    return this.state;
  }

  setState(state: unknown): void {
    this.state = state;
  }

  /** Delivers a host message the way VS Code does: a `message` event on the webview's window. */
  async send(msg: HostToWebview): Promise<void> {
    await act(async () => {
      window.dispatchEvent(new MessageEvent('message', { data: msg }));
    });
    await settle();
  }

  of<T extends WebviewToHost['type']>(type: T): Extract<WebviewToHost, { type: T }>[] {
    return this.sent.filter((m): m is Extract<WebviewToHost, { type: T }> => m.type === type);
  }

  last<T extends WebviewToHost['type']>(type: T): Extract<WebviewToHost, { type: T }> | undefined {
    return this.of(type).at(-1);
  }

  async reply(id: number, result: unknown): Promise<void> {
    await this.send({ type: 'rpc/reply/sent', inReplyTo: id, result });
  }
}
