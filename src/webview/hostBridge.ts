// The webview's only link to the extension host: typed posts, validated incoming messages, saved view state.

import type {
  HostNotification,
  PanelViewState,
  RequestParams,
  RequestResult,
  RequestType,
  WebviewNotification,
} from '../shared/protocol';
import { isReply } from '../shared/protocol';
import { isHostMessage } from '../shared/protocolGuards';
import { RequestClient } from '../shared/rpc';

/** What `acquireVsCodeApi()` returns inside a VS Code webview. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What the panel persists with `setState` (and VS Code hands to the serializer after a reload). */
export interface SavedState {
  view: PanelViewState;
}

type Listener = (msg: HostNotification) => void;

export class HostBridge {
  readonly rpc: RequestClient;
  private readonly listeners = new Set<Listener>();
  private readonly onWindowMessage = (e: MessageEvent): void => this.receive(e.data);

  constructor(
    private readonly api: VsCodeApi,
    private readonly target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
  ) {
    this.rpc = new RequestClient((m) => api.postMessage(m));
    target.addEventListener('message', this.onWindowMessage);
  }

  notify(msg: WebviewNotification): void {
    this.api.postMessage(msg);
  }

  request<K extends RequestType>(type: K, params: RequestParams<K>, timeoutMs?: number): Promise<RequestResult<K>> {
    return this.rpc.request(type, params, timeoutMs);
  }

  onNotification(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Anything that is not a well-formed host message (another extension's postMessage, a stray event) is ignored. */
  receive(data: unknown): void {
    if (!isHostMessage(data)) return;
    if (isReply(data)) {
      this.rpc.handleReply(data);
      return;
    }
    for (const l of this.listeners) l(data);
  }

  saved(): SavedState | null {
    const s = this.api.getState() as Partial<SavedState> | null | undefined;
    return s && typeof s === 'object' && s.view && typeof s.view === 'object' ? (s as SavedState) : null;
  }

  save(state: SavedState): void {
    this.api.setState(state);
  }

  dispose(): void {
    this.target.removeEventListener('message', this.onWindowMessage);
    this.rpc.dispose();
    this.listeners.clear();
  }
}

/** The VS Code API when running in a webview; a no-op stand-in elsewhere (a stray load of the bundle). */
export function acquireApi(): VsCodeApi {
  const g = globalThis as { acquireVsCodeApi?: () => VsCodeApi };
  if (typeof g.acquireVsCodeApi === 'function') return g.acquireVsCodeApi();
  let state: unknown = null;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => (state = s) };
}
