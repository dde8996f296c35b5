// Asks for a secret (token, API key) in a password box and keeps it in VS Code's SecretStorage; one place for both trackers.

import * as vscode from 'vscode';
import type { QuartetLog } from './logging';

export interface SecretPrompt {
  /** SecretStorage key. */
  key: string;
  title: string;
  prompt: string;
  /** What the box says under a value too short to be real. */
  tooShort: string;
  /** The log line once stored (never the value). */
  stored: string;
}

/** The trimmed value once stored, or undefined when cancelled. */
export async function askAndStoreSecret(
  secrets: vscode.SecretStorage,
  log: QuartetLog,
  ask: SecretPrompt,
): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: ask.title,
    prompt: ask.prompt,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().length < 10 ? ask.tooShort : undefined),
  });
  if (!value) return undefined;
  await secrets.store(ask.key, value.trim());
  log.info(ask.stored);
  return value.trim();
}
