// Typed errors of the execution layer; each carries a reason the orchestrator maps to a phase.

import type { Reason } from '../../shared/model';

export class QuartetError extends Error {
  constructor(
    message: string,
    readonly reason: Reason,
  ) {
    super(message);
    this.name = 'QuartetError';
  }
}

/** The app-server answered a request with a JSON-RPC error. */
export class RpcError extends QuartetError {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method} failed (${code}): ${message}`, 'codex_exit');
    this.name = 'RpcError';
  }
}

/** No response within the read timeout. */
export class ReadTimeoutError extends QuartetError {
  constructor(method: string, ms: number) {
    super(`no response to ${method} within ${ms} ms`, 'read_timeout');
    this.name = 'ReadTimeoutError';
  }
}

/** The app-server process ended while something was pending. */
export class CodexExitError extends QuartetError {
  constructor(code: number | null, signal: string | null, stderrTail: string) {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    super(`Codex app-server ended (${how})${stderrTail ? `: ${stderrTail}` : ''}`, 'codex_exit');
    this.name = 'CodexExitError';
  }
}
