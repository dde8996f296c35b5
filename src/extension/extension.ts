// VS Code entry points: activate builds the composition root, deactivate shuts it down.

import type * as vscode from 'vscode';
import { QuartetContext } from './quartetContext';

let current: QuartetContext | undefined;

export function activate(context: vscode.ExtensionContext): void {
  current = QuartetContext.start(context);
  // Belt and braces: VS Code disposes subscriptions even if deactivate is never awaited.
  if (current) context.subscriptions.push(current);
}

/** Disposes only what the extension owns; the supervisor keeps the attempts. */
export function deactivate(): void {
  const ctx = current;
  current = undefined;
  ctx?.shutdown();
}
