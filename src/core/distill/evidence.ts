// Deterministic "Distill Skills" evidence: what went wrong across attempts, grouped, ranked, bounded, with provenance.

import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { scanJournal, type Occurrence } from './journalScan';
import type { EvidenceItem, EvidenceRef } from '../contract/distill';
import { errorLines, normalizeVolatile } from './scrub';
import { makeScrubber } from '../config/scrubber';

export interface JournalSource {
  attemptId: string;
  /** `<git common dir>/quartet/journals/<attempt id>.jsonl` */
  path: string;
}

/** Evidence Quartet holds outside journals: a person's rework reason, a post-mortem, a review comment. */
export interface EvidenceNote {
  attemptId: string;
  kind: 'rework_reason' | 'post_mortem' | 'review_comment';
  text: string;
  url?: string;
}

export interface CollectOptions {
  journals: readonly JournalSource[];
  notes?: readonly EvidenceNote[];
  /** Secret values come from here (`secretValues`); the env itself is never copied into the bundle. */
  env?: NodeJS.ProcessEnv;
  secretNames?: readonly string[];
  /** Bound of the rendered bundle, estimated as characters / 4. */
  budgetTokens?: number;
  noProgressTokens?: number;
}

export interface EvidenceBundle {
  items: EvidenceItem[];
  /** Groups left out to stay within the budget. */
  omitted: number;
  estimatedTokens: number;
  budgetTokens: number;
  /** The items as prompt text. */
  text: string;
}

export const DEFAULT_BUDGET_TOKENS = 6000;
const NOTE_COST: Record<EvidenceNote['kind'], number> = { rework_reason: 3, review_comment: 2, post_mortem: 1 };
const MAX_REFS_SHOWN = 6;

/** Attempt ids are `<task id>-<k>`. */
export const taskOf = (attemptId: string): string => attemptId.replace(/-\d+$/, '');
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

function noteOccurrence(n: EvidenceNote, scrub: (t: string) => string): Occurrence {
  const text = scrub(n.text).trim();
  // A post-mortem is long; its error-bearing lines are the part that recurs.
  const lines = n.kind === 'post_mortem' ? errorLines(text, 3) : [text.length > 400 ? `${text.slice(0, 399)}…` : text];
  const head = lines[0] ?? '';
  const ref: EvidenceRef = { attemptId: n.attemptId, note: n.kind, ...(n.url ? { url: n.url } : {}) };
  return {
    kind: 'note',
    key: `note|${n.kind}|${normalizeVolatile(head).toLowerCase()}`,
    title: n.kind.replace('_', ' '),
    lines,
    cost: NOTE_COST[n.kind],
    ref,
  };
}

/**
 * Repeats inside one attempt count a quarter: one attempt looping on an error says less than three
 * attempts meeting it independently. Then × the mean cost of an occurrence.
 */
function score(group: Occurrence[], attempts: number): number {
  const frequency = attempts + 0.25 * (group.length - attempts);
  const meanCost = group.reduce((a, o) => a + o.cost, 0) / group.length;
  return Math.round(frequency * meanCost * 100) / 100;
}

function toItem(group: Occurrence[]): Omit<EvidenceItem, 'id'> {
  const first = group[0] as Occurrence;
  const attempts = [...new Set(group.map((o) => o.ref.attemptId))].sort();
  // Each occurrence's key line first, and one sample per normalized text: variants that differ only in paths teach nothing.
  const seen = new Set<string>();
  const samples: string[] = [];
  for (const line of [...group.map((o) => o.lines[0] ?? ''), ...group.flatMap((o) => o.lines.slice(1))]) {
    const norm = normalizeVolatile(line);
    if (!line || seen.has(norm) || samples.length >= 3) continue;
    seen.add(norm);
    samples.push(line);
  }
  return {
    kind: first.kind,
    title: first.title,
    samples,
    count: group.length,
    attempts,
    tasks: [...new Set(attempts.map(taskOf))].sort(),
    score: score(group, attempts.length),
    provenance: group.map((o) => o.ref),
  };
}

function refText(r: EvidenceRef): string {
  if (r.journal !== undefined)
    return `${r.attemptId} ${basename(r.journal)}:${r.line ?? '?'} (seq ${r.seq ?? '?'})${r.url ? ` ${r.url}` : ''}`;
  return `${r.attemptId} ${r.note ?? 'note'}${r.url ? ` ${r.url}` : ''}`;
}

export function renderItem(item: EvidenceItem): string {
  const where = `${item.count}× in ${item.attempts.length} attempt${item.attempts.length === 1 ? '' : 's'} of ${item.tasks.length} task${item.tasks.length === 1 ? '' : 's'}`;
  const refs = item.provenance.slice(0, MAX_REFS_SHOWN).map(refText);
  if (item.provenance.length > MAX_REFS_SHOWN) refs.push(`+${item.provenance.length - MAX_REFS_SHOWN} more`);
  return [
    `[${item.id}] ${item.kind}: ${item.title} — ${where}, score ${item.score}`,
    ...item.samples.map((s) => `    > ${s}`),
    `    from: ${refs.join('; ')}`,
  ].join('\n');
}

/** Groups, ranks (score, then kind and key for a stable order) and keeps what fits the budget. */
export function bundleOccurrences(
  occurrences: readonly Occurrence[],
  budgetTokens = DEFAULT_BUDGET_TOKENS,
): EvidenceBundle {
  const groups = new Map<string, Occurrence[]>();
  for (const o of occurrences) groups.set(o.key, [...(groups.get(o.key) ?? []), o]);
  const ranked = [...groups.entries()]
    .map(([key, group]) => ({ key, item: toItem(group) }))
    .sort((a, b) => b.item.score - a.item.score || a.key.localeCompare(b.key));
  const items: EvidenceItem[] = [];
  const parts: string[] = [];
  let used = 0;
  for (const { item } of ranked) {
    const candidate = { id: `E${items.length + 1}`, ...item };
    const text = renderItem(candidate);
    // Smaller items further down may still fit; keep trying rather than stop at the first miss.
    if (used + estimateTokens(text) + 1 > budgetTokens) continue;
    items.push(candidate);
    parts.push(text);
    used += estimateTokens(text) + 1;
  }
  const text = parts.join('\n');
  return { items, omitted: ranked.length - items.length, estimatedTokens: estimateTokens(text), budgetTokens, text };
}

/** Reads the journals (a missing one is skipped) and notes, scrubbing every piece of text on the way in. */
export function collectEvidence(opts: CollectOptions): EvidenceBundle {
  const scrub = makeScrubber(opts.env ?? {}, opts.secretNames ?? []);
  const occurrences: Occurrence[] = [];
  for (const j of opts.journals) {
    if (!existsSync(j.path)) continue;
    occurrences.push(
      ...scanJournal(readFileSync(j.path, 'utf8'), {
        attemptId: j.attemptId,
        journal: j.path,
        scrub,
        noProgressTokens: opts.noProgressTokens ?? 30_000,
      }),
    );
  }
  for (const n of opts.notes ?? []) if (n.text.trim()) occurrences.push(noteOccurrence(n, scrub));
  return bundleOccurrences(occurrences, opts.budgetTokens ?? DEFAULT_BUDGET_TOKENS);
}
