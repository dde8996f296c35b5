// The "Distill Skills" prompt: evidence + existing skills + AGENTS.md → one Codex turn; or "not enough evidence".

import type { EvidenceBundle } from './evidence';
import { PROPOSALS_SCHEMA } from './propose';

export interface KnownSkill {
  name: string;
  description: string;
  /** Repository-relative path of its SKILL.md (built-in skills: where Quartet installs them). */
  path: string;
  source: 'builtin' | 'repo';
}

export interface DistillInput {
  evidence: EvidenceBundle;
  skills: readonly KnownSkill[];
  /** Current AGENTS.md text, or null when the repository has none. */
  agentsMd: string | null;
  /** Fewer occurrences than this (over all items) is "not enough evidence". Default 2. */
  minOccurrences?: number;
}

export type DistillPlan =
  | { status: 'not_enough_evidence'; message: string }
  | { status: 'ready'; prompt: string; outputSchema: typeof PROPOSALS_SCHEMA };

const MAX_AGENTS_MD = 8000;

/**
 * Decides whether a model is worth asking. One stray failure is not a pattern: with less than
 * `minOccurrences` the caller shows a plain message and no model runs.
 */
export function planDistill(input: DistillInput): DistillPlan {
  const occurrences = input.evidence.items.reduce((n, i) => n + i.count, 0);
  if (input.evidence.items.length === 0 || occurrences < (input.minOccurrences ?? 2)) {
    return {
      status: 'not_enough_evidence',
      message: `Not enough evidence to distill skills yet: ${occurrences} recorded problem${occurrences === 1 ? '' : 's'} across past attempts. Run more tasks and try again.`,
    };
  }
  return { status: 'ready', prompt: distillPrompt(input), outputSchema: PROPOSALS_SCHEMA };
}

export function distillPrompt(input: DistillInput): string {
  const skills = input.skills.length
    ? input.skills.map((s) => `- ${s.name} (${s.source}, ${s.path}): ${s.description}`).join('\n')
    : '(none)';
  const agents = input.agentsMd === null ? '(the repository has no AGENTS.md)' : clip(input.agentsMd, MAX_AGENTS_MD);
  return [
    'You are reviewing what went wrong in past Quartet runs of this repository, to propose skills that help future',
    'attempts avoid the same problems. Quartet runs several Codex attempts per task, each in its own git worktree,',
    'and keeps a journal of every attempt. The evidence below was extracted from those journals (including review',
    "comments and failed checks on pull requests) and from people's rework reasons. Each item has an id like [E1], a",
    'count, and where it came from.',
    '',
    'Propose at most 3 changes, each one of:',
    '- new_skill: a new `.agents/skills/<name>/SKILL.md` (name: lowercase letters, digits and single dashes).',
    '- edit_skill: the full new text of an existing SKILL.md listed below (same path, same name).',
    '- edit_agents_md: the full new text of AGENTS.md, for a short project rule that every attempt needs.',
    '',
    'Rules:',
    '- Every proposal cites the evidence ids it rests on in `provenance`. Cite only ids shown below.',
    '- Only propose what the evidence shows happened more than once or cost a whole attempt. No generic advice.',
    '- Prefer editing an existing skill over adding a new one with an overlapping purpose.',
    '- A SKILL.md starts with YAML front matter (`name`, `description` saying when to use it), then a short,',
    '  concrete body: what to check or run, in this repository, and why. Under 60 lines.',
    '- Write the guidance in your own words and in general terms: no attempt ids, worktree paths, tokens or secrets.',
    '- Do not edit files or run commands; answer only with the JSON object the output schema describes.',
    '- If nothing is worth proposing, answer {"proposals": []}.',
    '',
    '## Existing skills',
    skills,
    '',
    '## AGENTS.md',
    agents,
    '',
    `## Evidence (${input.evidence.items.length} groups${input.evidence.omitted ? `, ${input.evidence.omitted} lower-ranked groups left out` : ''})`,
    input.evidence.text,
  ].join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n…(cut at ${max} characters)` : text;
}
