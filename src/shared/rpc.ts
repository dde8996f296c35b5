// The one request/response helper: numbered requests, replies matched by `inReplyTo`, timeouts, error replies.

import type { Reply, ReplyError, RequestParams, RequestResult, RequestType, WebviewRequest } from './protocol';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** A request that ended in an error reply, a timeout, or disposal. */
export class RequestError extends Error {
  constructor(
    readonly code: ReplyError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly post: (msg: WebviewRequest) => void,
    private readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {}

  /** `timeoutMs`: for requests that wait on a person (a confirmation dialog) or on git, longer than the default. */
  request<K extends RequestType>(
    type: K,
    params: RequestParams<K>,
    timeoutMs = this.timeoutMs,
  ): Promise<RequestResult<K>> {
    const id = this.nextId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout', `${type} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        // The union cannot be narrowed through the generic K; the pair (type, params) is typed by the signature.
        this.post({ type, id, params } as WebviewRequest);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new RequestError('failed', err instanceof Error ? err.message : String(err)));
      }
    });
  }

  /** Settles the matching request; false when nobody waits for it (late reply after a timeout). */
  handleReply(reply: Reply): boolean {
    const p = this.pending.get(reply.inReplyTo);
    if (!p) return false;
    this.pending.delete(reply.inReplyTo);
    clearTimeout(p.timer);
    if (reply.error) p.reject(new RequestError(reply.error.code, reply.error.message));
    else p.resolve(reply.result);
    return true;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RequestError('failed', `request ${id} abandoned: the panel closed`));
    }
    this.pending.clear();
  }
}
