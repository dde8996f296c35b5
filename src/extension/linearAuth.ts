// The Linear API key for a Linear tracker (Autopilot): kept in VS Code's SecretStorage, sent to the supervisor on Start only.

import * as vscode from 'vscode';
import type { QuartetLog } from './logging';
import { askAndStoreSecret } from './secretPrompt';

const KEY = 'quartet.linear.apiKey';

export interface LinearAccess {
  /** The stored key, or undefined; never prompts. */
  token(): Promise<string | undefined>;
  /** Asks for a key in a password box and stores it; undefined when cancelled. */
  setKey(): Promise<string | undefined>;
}

export class LinearAuth implements LinearAccess {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: QuartetLog,
  ) {}

  async token(): Promise<string | undefined> {
    return (await this.secrets.get(KEY)) || undefined;
  }

  setKey(): Promise<string | undefined> {
    return askAndStoreSecret(this.secrets, this.log, {
      key: KEY,
      title: 'Quartet: Linear API key',
      prompt:
        "A Linear personal API key (Settings → Security & access). Stored in VS Code's secret storage; sent to the Quartet supervisor when the Autopilot starts, kept in its memory only, never given to agents or written to logs.",
      tooShort: 'That does not look like a Linear API key.',
      stored: 'Linear API key stored in secret storage',
    });
  }
}
