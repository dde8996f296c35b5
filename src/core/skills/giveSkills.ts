// Gives an attempt its skills (built-in, the repo's own, accepted proposals) where Codex finds them; journals and returns what it got; never fatal.

import { rmSync } from 'node:fs';
import type { Journal } from '../observability/journal';
import type { AttemptSkill } from '../../shared/skills';
import { installSkills } from './install';
import { loadBuiltinSkills } from './catalog';
import { acceptedSkills, materializeSkills } from './acceptedSkills';

export interface GiveSkillsInput {
  worktree: string;
  /** The repository (its `quartet/skills/*` branches are read from here). */
  repo: string;
  /** The commit the attempt's branch started from: accepted skills are what the skills branches add to it. */
  base: string;
  journal: Journal;
  log(line: string): void;
}

export async function giveSkills(input: GiveSkillsInput): Promise<AttemptSkill[]> {
  const { journal } = input;
  const warn = (message: string): void => {
    input.log(message);
    journal.event({ type: 'warning', message });
  };
  let tmp: string | null = null;
  try {
    // Accepted skills are a bonus: an unreadable skills branch must not cost the attempt its built-ins.
    const accepted = await acceptedSkills(input.repo, input.base).catch((err: unknown) => {
      warn(`accepted skills not read: ${(err as Error).message}`);
      return null;
    });
    for (const p of accepted?.problems ?? []) warn(`skill ${p.path}: ${p.message}`);
    const m = materializeSkills(accepted?.skills ?? []);
    tmp = m.root;
    const r = await installSkills({ worktree: input.worktree, skills: loadBuiltinSkills().skills, accepted: m.skills });
    journal.event({ type: 'skills', skills: r.received });
    for (const p of r.problems) journal.event({ type: 'warning', message: `skill ${p.path}: ${p.message}` });
    for (const s of r.skipped)
      if (s.reason === 'unsafe_path')
        journal.event({
          type: 'warning',
          message: `skill ${s.name} not installed: its folder's path runs through a symbolic link`,
        });
    return r.received;
  } catch (err) {
    // An attempt without skills is still an attempt: say so and go on.
    warn(`skills not installed: ${(err as Error).message}`);
    return [];
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
