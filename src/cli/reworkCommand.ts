// `quartet rework ATTEMPT`: archive and start afresh; an open PR an earlier land left is closed with the env's GitHub token.

import type { SupervisorClient } from '../core/client/supervisorClient';
import type { ReworkOptions } from '../core/contract/land';
import { CliUsageError, str, type Parsed } from './args';
import { tokenFromEnv } from './landPr';

export const REWORK_HELP = `quartet rework ATTEMPT_ID [--reason R] [--json] [--repo DIR]

  Archives the attempt (patch + post-mortem under <git dir>/quartet/archive), removes its worktree and
  branch, and starts a fresh attempt whose prompt carries the reason and the post-mortem.
  If a land as a pull request left the attempt's PR open, Quartet closes it (with a comment giving the
  reason) and deletes its branch on GitHub, using QUARTET_GITHUB_TOKEN, GITHUB_TOKEN or GH_TOKEN; without
  a token the rework still happens and it says that the PR was left open.`;

export async function rework(
  p: Parsed,
  connect: () => Promise<SupervisorClient>,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const id = p.positionals[0];
  if (!id) throw new CliUsageError('rework needs an ATTEMPT_ID (see quartet status)');
  const client = await connect();
  try {
    const attempt = (await client.snapshot()).tasks.flatMap((t) => t.attempts).find((a) => a.id === id);
    const token = tokenFromEnv(env);
    // The token goes to the supervisor only when there is a PR to close.
    const options: ReworkOptions = attempt?.pullRequest?.state === 'open' && token ? { github: { token } } : {};
    const result = await client.rework(id, str(p, 'reason') ?? '', options);
    if (p.flags.has('json')) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`archived ${id} (${result.archived}); new attempt ${result.newAttemptId}`);
      if (result.pullRequest) console.log(result.pullRequest.message);
    }
    if (result.pullRequest && !result.pullRequest.closed)
      console.error(
        `quartet: ${result.pullRequest.message}${token ? '' : ' — export QUARTET_GITHUB_TOKEN (or GITHUB_TOKEN / GH_TOKEN) and close it on GitHub'}`,
      );
    return 0;
  } finally {
    client.close();
  }
}
