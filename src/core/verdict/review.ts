// The review turn's contract (pure): the prompt around an attempt's annotated diff, the output schema, and the parser that keeps only real citations.

import type { AttemptReviewView, ReviewCitation, ReviewSeverity } from '../../shared/model';
import type { AnnotatedDiff } from './annotatedDiff';

const SEVERITIES: readonly ReviewSeverity[] = ['blocker', 'risk', 'unrelated', 'nit'];

const CITATION = {
  file: {
    type: 'string',
    description: 'Path as the diff names it after "=== ", or "" when nothing in the diff shows it.',
  },
  line: { type: 'integer', description: 'The line number written at the start of the diff line, or 0 with file "".' },
};

/**
 * Codex sends it as the Responses `text.format` schema (strict): every property required, nothing extra.
 * The demo model recognizes a review by the `requirements` and `findings` properties.
 */
export const REVIEW_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['requirements', 'findings'],
  properties: {
    requirements: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['requirement', 'met', 'file', 'line'],
        properties: { requirement: { type: 'string' }, met: { type: 'boolean' }, ...CITATION },
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['severity', 'summary', 'file', 'line'],
        properties: { severity: { type: 'string', enum: [...SEVERITIES] }, summary: { type: 'string' }, ...CITATION },
      },
    },
  },
} as const;

export interface ReviewPromptInput {
  title: string;
  prompt: string;
  attemptIndex: number;
  diff: AnnotatedDiff;
}

export function reviewPrompt(i: ReviewPromptInput): string {
  return [
    `You are reviewing attempt #${i.attemptIndex} at a task. Do not change anything: read the diff below (and the repository, read-only, if you must).`,
    '',
    '## The task',
    `# ${i.title}`,
    i.prompt.trim(),
    '',
    '## What to answer (JSON, as the output schema says)',
    '- requirements: each thing the task asks for, whether this diff meets it, and the diff line that shows it.',
    '- findings: problems only. severity "blocker" = the change is wrong or breaks something (a bug, lost behaviour, a security hole);',
    '  "risk" = may break something; "unrelated" = a change the task did not ask for; "nit" = style. Cite the line for each.',
    '- Cite a line by the number written at the start of it in the diff below, with its file (the path after "=== ").',
    '  Lines marked "-" without a number were removed: cite the nearest numbered line instead.',
    '- Be specific and short. No findings is a fine answer for a good change.',
    '',
    `## The diff${i.diff.truncated ? ' (cut: the end is listed by file name only)' : ''}`,
    i.diff.text || '(empty: the attempt changed nothing)',
  ].join('\n');
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_ITEMS = 20;
const MAX_TEXT = 300;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/** A citation only when the diff has that line; otherwise null (and the caller counts it as uncited). */
function citation(raw: Raw, diff: AnnotatedDiff): { cite: ReviewCitation | null; bad: boolean } {
  const file = typeof raw.file === 'string' ? raw.file.trim().replace(/^[ab]\//, '') : '';
  const line = typeof raw.line === 'number' && Number.isInteger(raw.line) ? raw.line : 0;
  if (!file && !line) return { cite: null, bad: false };
  const hit = diff.lines.get(file)?.get(line);
  return hit ? { cite: { file, line, text: clip(hit.text.trim()) }, bad: false } : { cite: null, bad: true };
}

export type ParsedReview = Pick<AttemptReviewView, 'requirements' | 'findings' | 'uncited'>;

/** Parses the final message; throws with a clear reason when it is not the schema's JSON. */
export function parseReview(text: string, diff: AnnotatedDiff): ParsedReview {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`the review was not JSON: ${clip(text.trim()) || '(empty)'}`);
  }
  if (!isRecord(json) || !Array.isArray(json.requirements) || !Array.isArray(json.findings))
    throw new Error('the review JSON lacks requirements[] and findings[]');
  let uncited = 0;
  const requirements: ParsedReview['requirements'] = [];
  for (const r of json.requirements.filter(isRecord).slice(0, MAX_ITEMS)) {
    if (typeof r.requirement !== 'string' || !r.requirement.trim() || typeof r.met !== 'boolean') continue;
    const { cite, bad } = citation(r, diff);
    if (bad) uncited++;
    requirements.push({ requirement: clip(r.requirement.trim()), met: r.met, cite });
  }
  const findings: ParsedReview['findings'] = [];
  for (const f of json.findings.filter(isRecord).slice(0, MAX_ITEMS)) {
    if (typeof f.summary !== 'string' || !f.summary.trim() || !SEVERITIES.includes(f.severity as ReviewSeverity))
      continue;
    const { cite, bad } = citation(f, diff);
    if (bad) uncited++;
    findings.push({ severity: f.severity as ReviewSeverity, summary: clip(f.summary.trim()), cite });
  }
  return { requirements, findings, uncited };
}

const where = (c: ReviewCitation | null): string => (c ? ` (${c.file}:${c.line})` : '');

/**
 * What counts against the attempt in the verdict: a blocker that cites a real line of its diff, and a
 * requirement the reviewer found unmet. An uncited blocker is shown but not counted: nobody can check it.
 */
export function reviewBlockers(review: Pick<AttemptReviewView, 'state' | 'requirements' | 'findings'>): string[] {
  if (review.state !== 'done') return [];
  return [
    ...review.requirements.filter((r) => !r.met).map((r) => `not met: ${r.requirement}${where(r.cite)}`),
    ...review.findings.filter((f) => f.severity === 'blocker' && f.cite).map((f) => `${f.summary}${where(f.cite)}`),
  ];
}
