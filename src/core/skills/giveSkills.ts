// Gives an attempt the built-in skills: installed where Codex discovers them, hidden from its diff; never fatal.

import type { Journal } from '../observability/journal';
import { installSkills } from './install';
import { loadBuiltinSkills } from './catalog';

export async function giveSkills(worktree: string, journal: Journal, log: (line: string) => void): Promise<void> {
  try {
    const r = await installSkills({ worktree, skills: loadBuiltinSkills().skills });
    if (r.installed.length) journal.event({ type: 'phase', phase: 'preparing', reason: null, message: `skills: ${r.skillInputs.map((x) => x.name).join(', ')}` });
    for (const p of r.problems) journal.event({ type: 'warning', message: `skill ${p.path}: ${p.message}` });
  } catch (err) {
    // An attempt without skills is still an attempt: say so and go on.
    log(`skills not installed: ${(err as Error).message}`);
    journal.event({ type: 'warning', message: `skills not installed: ${(err as Error).message}` });
  }
}
