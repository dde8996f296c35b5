// "Distill Skills" proposals: the prompt and output schema for one Codex turn, and strict parsing of its answer.

import { isAbsolute, posix } from 'node:path';
import { parseSkillMarkdown } from '../skills/frontMatter';
import type { EvidenceBundle } from './evidence';
import { PROPOSAL_KINDS, type Proposal, type ProposalKind } from '../contract/distill';

export interface ParsedProposals {
  proposals: Proposal[];
  dropped: { index: number; name: string; reason: string }[];
}

/**
 * JSON Schema for `turn/start.outputSchema`. Shaped for strict structured outputs: an object at the
 * top, every property required, no extra properties.
 */
export const PROPOSALS_SCHEMA = {
  type: 'object',
  properties: {
    proposals: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: [...PROPOSAL_KINDS] },
          name: { type: 'string' },
          path: { type: 'string' },
          content: { type: 'string' },
          rationale: { type: 'string' },
          provenance: { type: 'array', items: { type: 'string' } },
        },
        required: ['kind', 'name', 'path', 'content', 'rationale', 'provenance'],
        additionalProperties: false,
      },
    },
  },
  required: ['proposals'],
  additionalProperties: false,
} as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A repository-relative POSIX path that stays inside the repository. */
function safeRelative(path: string): string | null {
  if (!path || isAbsolute(path) || path.includes('\\')) return null;
  const norm = posix.normalize(path);
  return norm.startsWith('../') || norm === '..' || norm.startsWith('/') || norm === '.' ? null : norm;
}

/** Why one candidate is unusable, or null when it is fine. */
function problemOf(p: Proposal, known: ReadonlySet<string>): string | null {
  if (p.provenance.length === 0) return 'cites no evidence';
  const unknown = p.provenance.filter((id) => !known.has(id));
  if (unknown.length) return `cites unknown evidence ${unknown.join(', ')}`;
  if (!p.content.trim()) return 'empty content';
  const path = safeRelative(p.path);
  if (!path) return `unsafe path "${p.path}"`;
  if (p.kind === 'edit_agents_md')
    return posix.basename(path) === 'AGENTS.md' ? null : 'edit_agents_md must target an AGENTS.md';
  if (p.kind === 'new_skill' && path !== `.agents/skills/${p.name}/SKILL.md`)
    return `a new skill goes to .agents/skills/${p.name}/SKILL.md`;
  if (posix.basename(path) !== 'SKILL.md') return 'a skill edit must target a SKILL.md';
  const parsed = parseSkillMarkdown(p.content, posix.basename(posix.dirname(path)));
  if (!parsed.ok) return `invalid SKILL.md: ${parsed.message}`;
  return parsed.skill.name === p.name ? null : `front matter name "${parsed.skill.name}" differs from "${p.name}"`;
}

function toProposal(v: unknown): Proposal | null {
  if (!isRecord(v)) return null;
  const { kind, name, path, content, rationale, provenance } = v;
  if (!PROPOSAL_KINDS.includes(kind as ProposalKind)) return null;
  if (
    typeof name !== 'string' ||
    typeof path !== 'string' ||
    typeof content !== 'string' ||
    typeof rationale !== 'string'
  )
    return null;
  if (!Array.isArray(provenance) || !provenance.every((x) => typeof x === 'string')) return null;
  return {
    kind: kind as ProposalKind,
    name,
    path,
    content,
    rationale,
    provenance: [...new Set(provenance.map((x) => x.trim()))],
  };
}

/**
 * Keeps only proposals that rest on evidence the bundle really holds and whose files are valid.
 * A model may wrap JSON in a code fence despite the schema; that is tolerated, anything else is not.
 */
export function parseProposals(text: string, evidence: EvidenceBundle): ParsedProposals {
  const out: ParsedProposals = { proposals: [], dropped: [] };
  const json = text.trim().replace(/^```(?:json)?\s*\n([\s\S]*?)\n```$/, '$1');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    out.dropped.push({ index: -1, name: '', reason: 'the answer is not JSON' });
    return out;
  }
  const list = isRecord(data) && Array.isArray(data.proposals) ? data.proposals : null;
  if (!list) {
    out.dropped.push({ index: -1, name: '', reason: 'the answer has no proposals array' });
    return out;
  }
  const known = new Set(evidence.items.map((i) => i.id));
  const paths = new Set<string>();
  list.forEach((raw, index) => {
    const p = toProposal(raw);
    const name = isRecord(raw) && typeof raw.name === 'string' ? raw.name : '';
    const reason = p ? problemOf(p, known) : 'does not match the proposal schema';
    if (p && !reason && paths.has(posix.normalize(p.path)))
      out.dropped.push({ index, name, reason: `a second proposal for ${p.path}` });
    else if (!p || reason) out.dropped.push({ index, name, reason: reason ?? 'invalid' });
    else {
      paths.add(posix.normalize(p.path));
      out.proposals.push({ ...p, path: posix.normalize(p.path) });
    }
  });
  return out;
}
