// The demo model's `tracker-tool` step: call the tracker tool Quartet advertised (github_api / linear_graphql) on the issue.

import type { Reply } from './demoScript';

type Json = unknown;

interface ToolSpec {
  name: string;
  description: string;
}

/** Function tools in a Responses request (`tools[]`: `{type:"function", name, description, parameters}`). */
function functionTools(tools: Json): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((t) =>
    t && typeof t === 'object' && typeof (t as ToolSpec).name === 'string'
      ? [{ name: (t as ToolSpec).name, description: String((t as ToolSpec).description ?? '') }]
      : [],
  );
}

/**
 * A comment on the issue the prompt is about: GitHub `#N` (repository from the tool's description), or Linear by the
 * issue id the prompt states ("issue id: <uuid>"). Without a tracker tool (none advertised) it runs a harmless command.
 */
export function trackerToolReply(tools: Json, prompt: string, tag: string): Reply {
  const specs = functionTools(tools);
  const github = specs.find((t) => t.name === 'github_api');
  const body = `Quartet demo model (${tag}): working on this issue.`;
  if (github) {
    const repo = /\/repos\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/.exec(github.description);
    const issue = /#(\d+)/.exec(prompt)?.[1] ?? '1';
    if (repo)
      return {
        kind: 'tool',
        name: 'github_api',
        args: { method: 'POST', path: `/repos/${repo[1]}/${repo[2]}/issues/${issue}/comments`, body: { body } },
      };
  }
  if (specs.some((t) => t.name === 'linear_graphql')) {
    const issueId = /issue id:?\s*([0-9a-f-]{36})/i.exec(prompt)?.[1];
    if (issueId) {
      return {
        kind: 'tool',
        name: 'linear_graphql',
        args: {
          query:
            'mutation QuartetDemoComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }',
          variables: { input: { issueId, body } },
        },
      };
    }
    return { kind: 'tool', name: 'linear_graphql', args: { query: 'query QuartetDemoViewer { viewer { id } }' } };
  }
  return { kind: 'exec', cmd: 'echo "no tracker tool was offered"' };
}

/**
 * What a prompt-injected agent would try with the person's credentials: add a collaborator with admin rights (GitHub) or
 * delete the issue (Linear). Quartet's policy must refuse both before any request (docs/security.md §3).
 */
export function trackerToolDeniedReply(tools: Json, prompt: string): Reply {
  const specs = functionTools(tools);
  const github = specs.find((t) => t.name === 'github_api');
  const repo = github ? /\/repos\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/.exec(github.description) : null;
  if (repo)
    return {
      kind: 'tool',
      name: 'github_api',
      args: {
        method: 'PUT',
        path: `/repos/${repo[1]}/${repo[2]}/collaborators/quartet-demo-intruder`,
        body: { permission: 'admin' },
      },
    };
  if (specs.some((t) => t.name === 'linear_graphql')) {
    const issueId = /issue id:?\s*([0-9a-f-]{36})/i.exec(prompt)?.[1] ?? 'unknown';
    return {
      kind: 'tool',
      name: 'linear_graphql',
      args: { query: `mutation QuartetDemoDelete { issueDelete(id: "${issueId}") { success } }` },
    };
  }
  return { kind: 'exec', cmd: 'echo "no tracker tool was offered"' };
}
