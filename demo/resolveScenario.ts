// The demo model in a "Resolve with agent" turn: it recognizes Quartet's own resolve prompt and drops the conflict markers.

import { RESOLVE_HEADING } from '../src/core/policy/resolvePrompt';
import { CHECK_COMMAND, shortId, turnPrompts, stepOf, type Reply, type Scenario } from './demoScript';

type Json = unknown;

/** The text of the turn's own prompt (the latest of `turnPrompts`). */
export function currentPrompt(input: readonly Json[]): string | null {
  return turnPrompts(input).at(-1) ?? null;
}

/** The files listed under the resolve heading (`- path` lines), or null when the prompt is not a resolve prompt. */
export function conflictedFiles(prompt: string | null): string[] | null {
  if (!prompt || !prompt.startsWith(RESOLVE_HEADING)) return null;
  const files: string[] = [];
  for (const line of prompt.split('\n').slice(1)) {
    if (!line.startsWith('- ')) break;
    files.push(line.slice(2).trim());
  }
  return files;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Keeps both sides' lines: deletes the marker lines (and a diff3 base section), which is the right
 * resolution for the demo's one-line notes and never needs a model.
 */
export function resolveCommand(files: string[]): string {
  return `sed -i -e '/^||||||| /,/^=======$/d' -e '/^<<<<<<< /d' -e '/^=======$/d' -e '/^>>>>>>> /d' -- ${files.map(quote).join(' ')}`;
}

/** The reply in a resolve turn, or null when this request is not one (the scenario's own script answers). */
export function resolveReply(input: readonly Json[], scenario: Scenario, threadId: string): Reply | null {
  const files = conflictedFiles(currentPrompt(input));
  if (!files) return null;
  const step = stepOf(input);
  const id = shortId(threadId);
  if (scenario === 'keep-markers') {
    // A lazy agent: looks, claims success, changes nothing.
    if (step === 0) return { kind: 'exec', cmd: 'git status --short' };
    return { kind: 'message', text: `Resolved the conflicts ${id}\n\nEverything looks fine to me.` };
  }
  if (step === 0) return { kind: 'exec', cmd: resolveCommand(files) };
  if (step === 1) return { kind: 'exec', cmd: CHECK_COMMAND };
  return {
    kind: 'message',
    text: `Resolve merge conflicts ${id}\n\nKept both sides' lines in ${files.join(', ')} and ran the checks.`,
  };
}
