// What GitHub says about a pull request, boiled down (pure): checks, reviews, and the feedback not yet sent.

/** The fields of a check run Quartet reads (GET /repos/{o}/{r}/commits/{ref}/check-runs). */
export interface CheckRunLike {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  output?: { title?: string | null; summary?: string | null; text?: string | null } | null;
}

/** One entry of the combined commit status (GET /repos/{o}/{r}/commits/{ref}/status). */
export interface StatusLike {
  context: string;
  state: string;
  description?: string | null;
  target_url?: string | null;
}

export interface FailingCheck {
  name: string;
  conclusion: string;
  /** Title, summary and text of the check's output (or the status description), trimmed. */
  output: string;
  url: string | null;
}

export interface ChecksSummary {
  state: 'pending' | 'success' | 'failure' | 'none';
  failing: FailingCheck[];
  pending: string[];
  total: number;
}

const PASSING = new Set(['success', 'neutral', 'skipped']);
const OUTPUT_CAP = 4000;

function clip(text: string, cap = OUTPUT_CAP): string {
  return text.length > cap ? `${text.slice(0, cap)}\n… (${text.length - cap} more characters)` : text;
}

/** Check runs and commit statuses together: any failure fails, else anything unfinished is pending. */
export function summarizeChecks(runs: readonly CheckRunLike[], statuses: readonly StatusLike[]): ChecksSummary {
  const failing: FailingCheck[] = [];
  const pending: string[] = [];
  for (const r of runs) {
    if (r.status !== 'completed') pending.push(r.name);
    else if (!PASSING.has(r.conclusion ?? '')) {
      const o = r.output ?? {};
      const output = [o.title, o.summary, o.text].filter((x): x is string => !!x && !!x.trim()).join('\n\n');
      failing.push({
        name: r.name,
        conclusion: r.conclusion ?? 'unknown',
        output: clip(output),
        url: r.html_url ?? null,
      });
    }
  }
  for (const s of statuses) {
    if (s.state === 'pending') pending.push(s.context);
    else if (s.state !== 'success')
      failing.push({
        name: s.context,
        conclusion: s.state,
        output: clip(s.description ?? ''),
        url: s.target_url ?? null,
      });
  }
  const total = runs.length + statuses.length;
  const state = failing.length ? 'failure' : pending.length ? 'pending' : total ? 'success' : 'none';
  return { state, failing, pending, total };
}

export interface ReviewLike {
  id: number;
  user: { login: string } | null;
  state: string;
  body: string | null;
  commit_id?: string | null;
  submitted_at?: string | null;
  html_url?: string | null;
  /** OWNER/MEMBER/COLLABORATOR may write to the repository; anything else (or nothing) may not instruct an agent. */
  author_association?: string | null;
}

export interface ReviewCommentLike {
  id: number;
  user: { login: string } | null;
  body: string;
  path: string;
  line?: number | null;
  original_line?: number | null;
  in_reply_to_id?: number;
  html_url?: string | null;
  author_association?: string | null;
}

/**
 * GitHub's `author_association` values that mean "may write to this repository": the owner, members of the
 * owning organization and invited collaborators. CONTRIBUTOR (a merged PR once), FIRST_TIMER, NONE… may not.
 */
const WRITE_ASSOCIATIONS: ReadonlySet<string> = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** True when GitHub says the author may write to the repository (docs/security.md §4). */
export const canWrite = (association: string | null | undefined): boolean =>
  WRITE_ASSOCIATIONS.has((association ?? '').trim().toUpperCase());

export interface ReviewsSummary {
  approved: string[];
  changesRequested: string[];
}

/** Each reviewer's latest deciding review (COMMENTED does not change it; DISMISSED clears it), as GitHub counts them. */
export function summarizeReviews(reviews: readonly ReviewLike[]): ReviewsSummary {
  const latest = new Map<string, string>();
  for (const r of reviews) {
    const who = r.user?.login;
    // An approval (or a change request) from someone without write access decides nothing, as on GitHub's protected branches.
    if (!who || !canWrite(r.author_association)) continue;
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED') latest.set(who, r.state);
    else if (r.state === 'DISMISSED') latest.delete(who);
  }
  const by = (state: string): string[] =>
    [...latest]
      .filter(([, s]) => s === state)
      .map(([w]) => w)
      .sort();
  return { approved: by('APPROVED'), changesRequested: by('CHANGES_REQUESTED') };
}

/** One piece of review feedback for a fix turn; `key` says whether it was already sent. */
export interface Feedback {
  key: string;
  author: string;
  kind: 'review' | 'comment';
  state: string | null;
  path: string | null;
  line: number | null;
  body: string;
  /** Where it is on GitHub (html_url), when GitHub said. */
  url?: string | null;
  /** GitHub's author_association, when it said. */
  role?: string | null;
}

/**
 * Review feedback not sent yet: reviews that request changes or say something, and inline comments,
 * except Quartet's own (the token's user), empty approvals, and text from people without write access.
 */
export function newFeedback(
  reviews: readonly ReviewLike[],
  comments: readonly ReviewCommentLike[],
  self: string | null,
  sent: ReadonlySet<string>,
): Feedback[] {
  return allFeedback(reviews, comments, self, sent).filter((f) => canWrite(f.role));
}

/** The feedback `newFeedback` leaves out because its author may not write to the repository: shown as skipped, never a prompt. */
export function skippedFeedback(
  reviews: readonly ReviewLike[],
  comments: readonly ReviewCommentLike[],
  self: string | null,
  sent: ReadonlySet<string>,
): Feedback[] {
  return allFeedback(reviews, comments, self, sent).filter((f) => !canWrite(f.role));
}

function allFeedback(
  reviews: readonly ReviewLike[],
  comments: readonly ReviewCommentLike[],
  self: string | null,
  sent: ReadonlySet<string>,
): Feedback[] {
  const out: Feedback[] = [];
  for (const r of reviews) {
    const author = r.user?.login ?? 'someone';
    const key = `review:${r.id}`;
    if (sent.has(key) || author === self) continue;
    const body = (r.body ?? '').trim();
    if (r.state === 'CHANGES_REQUESTED' || (r.state === 'COMMENTED' && body)) {
      out.push({
        key,
        author,
        kind: 'review',
        state: r.state,
        path: null,
        line: null,
        body: clip(body || '(no text; see the inline comments)'),
        url: r.html_url ?? null,
        role: r.author_association ?? null,
      });
    }
  }
  for (const c of comments) {
    const author = c.user?.login ?? 'someone';
    const key = `comment:${c.id}`;
    if (sent.has(key) || author === self || !c.body.trim()) continue;
    out.push({
      key,
      author,
      kind: 'comment',
      state: null,
      path: c.path,
      line: c.line ?? c.original_line ?? null,
      body: clip(c.body.trim()),
      url: c.html_url ?? null,
      role: c.author_association ?? null,
    });
  }
  return out;
}
