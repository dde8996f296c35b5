// "Distill Skills" over a repository's history: gather journals and rework notes, ask Codex, return proposals with evidence.

import { existsSync } from 'node:fs';
import { readRegularFileIfExists } from '../git/safeFiles';
import { join, relative } from 'node:path';
import type { TaskSnapshot } from '../../shared/model';
import { collectEvidence, type EvidenceNote } from './evidence';
import { runDistill } from './runDistill';
import type { KnownSkill } from './prompt';
import { loadBuiltinSkills, loadRepoSkills } from '../skills/catalog';
import type { DistillOutcome } from '../contract/distill';

export interface DistillRequest {
  repo: string;
  /** The orchestrator's task records (only the attempts' archive notes are read). */
  tasks: readonly Pick<TaskSnapshot, 'attempts'>[];
  env: Record<string, string>;
  codexArgv: string[];
}

/** Rework reasons and post-mortems are evidence too: a person said what went wrong. */
function notesOf(tasks: readonly Pick<TaskSnapshot, 'attempts'>[]): EvidenceNote[] {
  const notes: EvidenceNote[] = [];
  for (const a of tasks.flatMap((t) => t.attempts)) {
    if (!a.archived || !a.archived.reason.startsWith('rework:')) continue;
    notes.push({ attemptId: a.id, kind: 'rework_reason', text: a.archived.reason.replace(/^rework:\s*/, '') });
    if (a.archived.postMortem) notes.push({ attemptId: a.id, kind: 'post_mortem', text: a.archived.postMortem });
  }
  return notes;
}

function knownSkills(repo: string): KnownSkill[] {
  const builtin = loadBuiltinSkills().skills.map((s) => ({
    name: s.name,
    description: s.description,
    path: `.agents/skills/${s.name}/SKILL.md`,
    source: 'builtin' as const,
  }));
  const own = loadRepoSkills(repo).skills.map((s) => ({
    name: s.name,
    description: s.description,
    path: relative(repo, s.file),
    source: 'repo' as const,
  }));
  return [...builtin.filter((b) => !own.some((o) => o.name === b.name)), ...own];
}

export async function distill(req: DistillRequest): Promise<DistillOutcome> {
  const journals = req.tasks
    .flatMap((t) => t.attempts)
    .filter((a) => existsSync(a.journal))
    .map((a) => ({ attemptId: a.id, path: a.journal }));
  const evidence = collectEvidence({ journals, notes: notesOf(req.tasks), env: req.env });
  const agentsPath = join(req.repo, 'AGENTS.md');
  const result = await runDistill({
    evidence,
    skills: knownSkills(req.repo),
    agentsMd: readRegularFileIfExists(agentsPath, { maxBytes: 1024 * 1024 })?.toString('utf8') ?? null,
    codexArgv: req.codexArgv,
    cwd: req.repo,
    env: req.env,
  });
  if (result.status === 'proposed')
    return {
      status: 'proposed',
      proposals: result.proposals,
      dropped: result.dropped.map((d) => ({ name: d.name, reason: d.reason })),
      evidence: evidence.items,
    };
  return { ...result, evidence: evidence.items };
}
