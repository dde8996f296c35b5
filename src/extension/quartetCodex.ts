// Where Quartet's own pinned codex may sit: its extension folder, or the checkout it was built from.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of dist/build-info.json that scripts/build.mjs writes. */
interface BuildInfo {
  checkout?: unknown;
}

/**
 * Candidates for the codex binary that ships with Quartet: a development host runs from the checkout
 * (node_modules/.bin beside package.json); a packaged VSIX built by `npm start` records the checkout it
 * came from, whose pinned @openai/codex is what the launch command means to use.
 */
export function quartetCodexCandidates(extensionDir: string): string[] {
  const out = [join(extensionDir, 'node_modules', '.bin', 'codex')];
  try {
    const info = JSON.parse(readFileSync(join(extensionDir, 'dist', 'build-info.json'), 'utf8')) as BuildInfo;
    if (typeof info.checkout === 'string' && info.checkout)
      out.push(join(info.checkout, 'node_modules', '.bin', 'codex'));
  } catch {
    // No build info (an older or foreign build): the extension folder is the only candidate.
  }
  return out;
}
