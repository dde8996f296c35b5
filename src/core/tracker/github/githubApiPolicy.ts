// Deny-by-default allow-list for `github_api` (pure): the task's own issue and pull requests, nothing else (docs/security.md §3).

/** What one agent session may touch; re-read on every call so a PR opened mid-session is in scope at once. */
export interface GithubToolScope {
  /** The task's issue number; null when the task has none (then nothing is allowed). */
  issue: number | null;
  /** Pull requests Quartet opened for this task (its land, the attempts' PRs). */
  pullRequests: readonly number[];
  /** Labels the agent may add to or remove from its issue: WORKFLOW.md's `state_labels` (lowercased). */
  stateLabels: readonly string[];
  /** `quartet.trusted_labels`: never set or removed by an agent, whatever else says so. */
  trustedLabels: readonly string[];
}

export type PolicyDecision = { allow: true } | { allow: false; why: string };

const SHA = /^[0-9a-f]{7,40}$/i;
const ID = /^[1-9][0-9]{0,19}$/;
const num = (s: string | undefined): number | null => (s !== undefined && ID.test(s) ? Number(s) : null);
const only = (body: Record<string, unknown> | null, keys: readonly string[]): boolean =>
  !!body && Object.keys(body).length > 0 && Object.keys(body).every((k) => keys.includes(k));
const commentBody = (body: Record<string, unknown> | null): boolean =>
  only(body, ['body']) && typeof body?.body === 'string';

/** `rest`: the decoded path segments after `/repos/OWNER/REPO`. `body`: the JSON body or null. */
export function githubCallPolicy(
  method: string,
  rest: readonly string[],
  body: Record<string, unknown> | null,
  scope: GithubToolScope,
): PolicyDecision {
  const deny = (detail: string): PolicyDecision => ({ allow: false, why: `${detail} ${allowedSummary(scope)}` });
  const [area, idText, sub, subId, leaf, ...more] = rest;
  const n = num(idText);
  const ownIssue = n !== null && n === scope.issue;
  const ownPr = n !== null && scope.pullRequests.includes(n);
  const hasPr = scope.pullRequests.length > 0;
  if (method === 'GET') {
    // An issue's or PR's conversation: both live under /issues/N.
    if (
      area === 'issues' &&
      (ownIssue || ownPr) &&
      subId === undefined &&
      (sub === undefined || ['comments', 'labels', 'events', 'timeline'].includes(sub))
    )
      return { allow: true };
    if (area === 'pulls' && ownPr) {
      if (
        sub === undefined ||
        (subId === undefined && ['reviews', 'comments', 'files', 'commits', 'requested_reviewers'].includes(sub))
      )
        return { allow: true };
      if (
        sub === 'reviews' &&
        num(subId) !== null &&
        (leaf === undefined || (leaf === 'comments' && more.length === 0))
      )
        return { allow: true };
    }
    // Checks are addressed by commit or run id, which the PR's own answers name; read-only and only once a PR exists.
    if (
      hasPr &&
      area === 'commits' &&
      idText &&
      SHA.test(idText) &&
      subId === undefined &&
      sub &&
      ['check-runs', 'check-suites', 'status', 'statuses'].includes(sub)
    )
      return { allow: true };
    if (
      hasPr &&
      area === 'check-runs' &&
      n !== null &&
      subId === undefined &&
      (sub === undefined || sub === 'annotations')
    )
      return { allow: true };
    return deny(
      'Reading this is outside the task: only its own issue and pull request (and their checks) may be read.',
    );
  }
  if (method === 'POST' && area === 'issues' && (ownIssue || ownPr) && sub === 'comments' && subId === undefined) {
    return commentBody(body) ? { allow: true } : deny('A comment takes exactly {"body": "…"}.');
  }
  if (
    method === 'POST' &&
    area === 'pulls' &&
    ownPr &&
    sub === 'comments' &&
    num(subId) !== null &&
    leaf === 'replies' &&
    more.length === 0
  ) {
    return commentBody(body) ? { allow: true } : deny('A reply takes exactly {"body": "…"}.');
  }
  if (method === 'PATCH' && area === 'issues' && ownIssue && sub === undefined) {
    const state = body?.state;
    if (only(body, ['state', 'state_reason']) && (state === undefined || state === 'open' || state === 'closed'))
      return { allow: true };
    return deny(
      'On its issue an agent may only change {"state": "open"|"closed", "state_reason": …}; labels go through POST/DELETE …/labels.',
    );
  }
  if (area === 'issues' && ownIssue && sub === 'labels') {
    const names =
      method === 'POST' && subId === undefined && only(body, ['labels']) && Array.isArray(body?.labels)
        ? body.labels
        : method === 'DELETE' && subId !== undefined && leaf === undefined
          ? [subId]
          : null;
    if (!names || names.length === 0 || !names.every((l) => typeof l === 'string'))
      return deny('Labels: POST …/labels {"labels": ["…"]} or DELETE …/labels/NAME.');
    const bad = (names as string[]).filter((l) => !labelAllowed(l, scope));
    return bad.length
      ? deny(`The label(s) ${bad.map((l) => JSON.stringify(l)).join(', ')} are not ones WORKFLOW.md lets an agent set.`)
      : { allow: true };
  }
  return deny(`${method} on this path is not something an agent may do with your token.`);
}

function labelAllowed(label: string, scope: GithubToolScope): boolean {
  const key = label.trim().toLowerCase();
  return scope.stateLabels.includes(key) && !scope.trustedLabels.includes(key);
}

/** One sentence the agent reads in the refusal (and the tool description): what it may do instead. */
export function allowedSummary(scope: GithubToolScope): string {
  if (scope.issue === null) return 'This task has no tracker issue, so github_api allows nothing.';
  const labels = scope.stateLabels.filter((l) => !scope.trustedLabels.includes(l));
  const prs = scope.pullRequests.map((p) => `#${p}`).join(', ');
  return [
    `Allowed: read issue #${scope.issue} (and its comments, labels, events, timeline), comment on it, set its state (PATCH {"state","state_reason"})`,
    labels.length ? `, add or remove the labels ${labels.join(', ')}` : '',
    prs
      ? `; for pull request ${prs}: read it, its reviews, review comments, files, commits and checks, comment on it and reply to review comments`
      : '',
    '. Anything else is refused: ask the person in your final message instead.',
  ].join('');
}
