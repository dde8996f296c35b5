// "Distill Skills" as clients see it: evidence with provenance, proposals, the reply and a reviewer's decisions.

import type { DistillReviewView } from '../../shared/skills';

export type EvidenceKind =
  | 'failing_command'
  | 'agent_error'
  | 'approval_declined'
  | 'stall'
  | 'attempt_failed'
  | 'no_progress'
  | 'note'
  | 'pr_review'
  | 'pr_check_failed';

/**
 * Where a piece of evidence came from: a journal line, or a note (rework reason, review comment…). PR feedback
 * has both its journal line and `url`, the comment on GitHub (what a click opens).
 */
export interface EvidenceRef {
  attemptId: string;
  journal?: string;
  seq?: number;
  /** 1-based physical line in the journal file. */
  line?: number;
  url?: string;
  note?: string;
}

export interface EvidenceItem {
  /** `E1`, `E2`… in rank order; proposals cite these. */
  id: string;
  kind: EvidenceKind;
  title: string;
  /** Up to three distinct scrubbed sample lines. */
  samples: string[];
  count: number;
  attempts: string[];
  tasks: string[];
  score: number;
  provenance: EvidenceRef[];
}

export const PROPOSAL_KINDS = ['new_skill', 'edit_skill', 'edit_agents_md'] as const;

export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export interface Proposal {
  kind: ProposalKind;
  name: string;
  /** Repository-relative path of the file to create or replace. */
  path: string;
  /** The full new text of that file. */
  content: string;
  rationale: string;
  /** Evidence ids (`E1`…) this proposal rests on. */
  provenance: string[];
}

export type DistillOutcome =
  | { status: 'not_enough_evidence'; message: string; evidence: EvidenceItem[] }
  | { status: 'proposed'; proposals: Proposal[]; dropped: { name: string; reason: string }[]; evidence: EvidenceItem[] }
  | { status: 'failed'; message: string; evidence: EvidenceItem[] };

/** What a client gets back: the outcome, and the review the proposals became (null when there are none). */
export type DistillReply = DistillOutcome & { review: DistillReviewView | null };

export interface Decision {
  proposalId: string;
  decision: 'accept' | 'reject';
  /** The reviewer's edited text (Edit in the diff); replaces the proposal's content when accepting. */
  content?: string;
}
