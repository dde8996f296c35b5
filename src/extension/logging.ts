// The Quartet log channel, and error reporting that shows each distinct error to the user once.

import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

export const SHOW_LOGS = 'Show Logs';

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

export class QuartetLog extends Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('Quartet', { log: true }));
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  /** Logs the message with its context and, for real errors, the stack. */
  error(context: string, err: unknown): void {
    const detail = err instanceof Error && err.stack ? `\n${err.stack}` : '';
    this.channel.error(`${context}: ${errorMessage(err)}${detail}`);
  }

  show(): void {
    this.channel.show(true);
  }
}

export class ErrorReporter {
  /** Keys already shown: the same failure repeated by every snapshot or reconnect must not nag. */
  private readonly shown = new Set<string>();

  constructor(private readonly log: QuartetLog) {}

  /**
   * Always logs `context: message`; shows `userMessage` (default: the same text) once per `key`
   * (default: the message), with a "Show Logs" action.
   */
  report(context: string, err: unknown, opts: { key?: string; userMessage?: string } = {}): void {
    this.log.error(context, err);
    const text = opts.userMessage ?? `Quartet: ${context}: ${errorMessage(err)}`;
    const key = opts.key ?? text;
    if (this.shown.has(key)) return;
    this.shown.add(key);
    void vscode.window.showErrorMessage(text, SHOW_LOGS).then((choice) => {
      if (choice === SHOW_LOGS) this.log.show();
    });
  }

  /** Lets a fixed problem be reported again if it comes back later. */
  forget(key: string): void {
    this.shown.delete(key);
  }
}
