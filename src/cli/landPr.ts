// `quartet land ATTEMPT --pr`: the token from the CLI's environment, GitHub settings from flags, then follow the land's steps.

import type { LandProgress, Snapshot } from '../shared/model';
import type { GithubLandOptions } from '../core/contract/land';
import type { SupervisorClient } from '../core/client/supervisorClient';
import { CliUsageError, int, oneOf, str, type Parsed } from './args';

export const LAND_PR_FLAGS = [
  'github-api-url',
  'github-owner',
  'github-repo',
  'remote',
  'review-policy',
  'max-fixes',
  'poll-ms',
];

export const LAND_HELP = `quartet land ATTEMPT_ID [--pr | --resolve] [--json] [--repo DIR]

  Lands a finished attempt on its task's base branch (squash by default; setting landMode). Your checkout
  is fast-forwarded only if it has the base checked out and is clean; if it is dirty the result goes to
  quartet/landed/<task key> instead. Exit 1 when the land did not happen (conflict, failing checks, refused).

  --resolve                (after a conflict) Quartet merges the base into the attempt's worktree, a follow-up Codex
                           turn on the attempt's thread resolves the conflict markers, Quartet verifies none are left,
                           commits the merge, re-runs the checks and lands. If the agent fails or leaves markers the
                           merge is aborted (nothing lost).

  --pr                     land as a GitHub pull request: push the attempt's branch, open (or reuse) the PR with
                           the attempt's summary and scorecard, wait for checks and reviews, send failures and review
                           feedback to the attempt as fix turns (then push again), merge, delete the branch, and
                           fast-forward your local base. The token comes from QUARTET_GITHUB_TOKEN, GITHUB_TOKEN or
                           GH_TOKEN; it is never written anywhere or given to the agent. Exit 1 when it ends with
                           "needs you" (fix cap reached, waited too long) or fails; the PR then stays open.
  --github-api-url URL     REST API root (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)
  --github-owner O         repository owner (default: from the GitHub remote's URL)
  --github-repo R          repository name (default: from the GitHub remote's URL)
  --remote NAME            git remote to push to (default: the GitHub remote, origin first)
  --review-policy none|approved   approved: merge only with an approving review and no changes requested (default none)
  --max-fixes N            fix turns before "needs you" (default 3)
  --poll-ms N              first interval between checks of the PR, growing ×1.5 up to 60 s (default 5000)`;

/** The GitHub token from the CLI's environment, in order of precedence. */
export function tokenFromEnv(env: NodeJS.ProcessEnv): string | null {
  return env.QUARTET_GITHUB_TOKEN || env.GITHUB_TOKEN || env.GH_TOKEN || null;
}

export function githubOptions(p: Parsed, env: NodeJS.ProcessEnv): GithubLandOptions {
  const token = tokenFromEnv(env);
  if (!token)
    throw new CliUsageError(
      'land --pr needs a GitHub token with repo scope: export QUARTET_GITHUB_TOKEN (or GITHUB_TOKEN / GH_TOKEN), e.g. QUARTET_GITHUB_TOKEN=$(gh auth token) quartet land ATTEMPT --pr',
    );
  const o: GithubLandOptions = { token };
  const baseUrl = str(p, 'github-api-url');
  if (baseUrl !== undefined) {
    if (!/^https?:\/\/[^/]/.test(baseUrl))
      throw new CliUsageError(`--github-api-url must be an http(s) URL (got ${baseUrl})`);
    o.baseUrl = baseUrl;
  }
  const owner = str(p, 'github-owner');
  const repo = str(p, 'github-repo');
  if ((owner === undefined) !== (repo === undefined))
    throw new CliUsageError('give both --github-owner and --github-repo, or neither');
  if (owner && repo) Object.assign(o, { owner, repo });
  const remote = str(p, 'remote');
  if (remote) o.remote = remote;
  const policy = oneOf(p, 'review-policy', ['none', 'approved'] as const);
  if (policy) o.reviewPolicy = policy;
  const maxFixes = int(p, 'max-fixes');
  if (maxFixes !== undefined) o.maxFixes = maxFixes;
  const poll = int(p, 'poll-ms');
  if (poll !== undefined) o.pollInitialMs = poll;
  return o;
}

/** Resolves with the task's landing once it is no longer running, printing each new step (unless quiet). */
export function followLanding(
  client: SupervisorClient,
  attemptId: string,
  print: ((line: string) => void) | null,
): Promise<LandProgress> {
  return new Promise((resolve, reject) => {
    const shown = new Set<string>();
    const check = (s: Snapshot): void => {
      const t = s.tasks.find((x) => x.attempts.some((a) => a.id === attemptId));
      const l = t?.landing;
      if (!l || l.attemptId !== attemptId) return;
      for (const st of l.steps) {
        const line = `${st.step}: ${st.status}${st.detail ? ` — ${st.detail}` : ''}`;
        if (!shown.has(line)) print?.(line);
        shown.add(line);
      }
      if (l.status !== 'running') {
        sub.dispose();
        resolve(l);
      }
    };
    const sub = client.onSnapshot(check);
    client.onDisconnect((err) =>
      reject(new Error(`lost the supervisor while landing${err ? `: ${err.message}` : ''}`)),
    );
  });
}

export async function land(
  p: Parsed,
  connect: () => Promise<SupervisorClient>,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const id = p.positionals[0];
  if (!id) throw new CliUsageError('land needs an ATTEMPT_ID (see quartet status)');
  const pr = p.flags.has('pr');
  const extra = LAND_PR_FLAGS.filter((f) => p.flags.has(f));
  if (!pr && extra.length) throw new CliUsageError(`--${extra[0]} applies to land --pr only`);
  if (pr && p.flags.has('resolve'))
    throw new CliUsageError(
      '--pr and --resolve do not go together (a land as a PR resolves conflicts with the base itself)',
    );
  const json = p.flags.has('json');
  const client = await connect();
  let result: LandProgress;
  try {
    if (p.flags.has('resolve')) result = await client.resolve(id);
    else if (!pr) result = await client.land(id);
    else {
      const started = await client.land(id, { pr: true, github: githubOptions(p, env) });
      // Steps go to stderr, so --json keeps stdout to the one JSON document.
      result =
        started.status === 'running' ? await followLanding(client, id, (l) => process.stderr.write(`${l}\n`)) : started;
    }
  } finally {
    client.close();
  }
  console.log(json ? JSON.stringify(result, null, 2) : `${result.status}: ${result.message}`);
  return result.status === 'landed' || result.status === 'landed_aside' ? 0 : 1;
}
