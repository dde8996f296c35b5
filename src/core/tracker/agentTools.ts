// Provider-native agent tools (SPEC §10.5): the specs to advertise on thread/start and the host-side executor.

import type { TrackerConfig, TrackerDeps } from './createTaskSource';
import { executeGithubApi, githubApiSpec, type GithubToolTarget } from './github/githubApiTool';
import { executeLinearGraphql, linearGraphqlSpec, type LinearToolTarget } from './linear/linearGraphqlTool';
import { resolveTrackerSettings } from './trackerSettings';
import { toolError } from './toolResult';
import type { DynamicToolSpec, ToolCallRecorder, ToolResult } from '../execution/dynamicTools';

/** The task a session works on: the only issue (and PRs) its tools may act on (docs/security.md §3). */
export interface TaskToolScope {
  /** The tracker's id of the task's issue (GitHub: the number; Linear: the issue id); null: none, so nothing is allowed. */
  issueId: string | null;
  /** Its human key (`#42`, `ENG-7`); Linear accepts it in place of the id. */
  identifier: string | null;
  /** PR numbers Quartet opened for the task, read at each call (a PR opened mid-session counts at once). */
  pullRequests(): number[];
  /** `quartet.trusted_labels`: an agent never sets or removes them. */
  trustedLabels: readonly string[];
}

/**
 * Tools bound to ONE tracker-settings snapshot: build it once per Codex session so a WORKFLOW.md reload never
 * makes a running session advertise one provider and execute another (SPEC §10.5).
 */
export interface TrackerToolbox {
  readonly kind: string;
  /** For `thread/start` → `dynamicTools` (empty for `local`). */
  readonly specs: DynamicToolSpec[];
  /** Env names the launcher strips from the agent's environment. */
  readonly secretEnvNames: readonly string[];
  /** Answers an `item/tool/call`; never throws, never includes the credential; `record` journals the call. */
  executeTrackerTool(name: string, args: unknown, record?: ToolCallRecorder): Promise<ToolResult>;
}

/** `scope` null: a session with no task issue, whose tools refuse everything that is not a plain read-only query. */
export function createTrackerToolbox(
  config: TrackerConfig,
  deps: TrackerDeps,
  scope: TaskToolScope | null,
): TrackerToolbox {
  const s = resolveTrackerSettings(config, { ...deps, warn: deps.warn ?? (() => {}) });
  const handlers = new Map<string, (args: unknown, record: ToolCallRecorder) => Promise<ToolResult>>();
  const specs: DynamicToolSpec[] = [];
  let secretEnvNames: readonly string[] = [];
  if (s.kind === 'github') {
    const g = s.github;
    const issue = scope?.issueId && /^[1-9][0-9]{0,15}$/.test(scope.issueId) ? Number(scope.issueId) : null;
    const stateLabels = [...new Set((g.stateLabels ?? []).map(([l]) => l.trim().toLowerCase()).filter(Boolean))];
    const target: GithubToolTarget = {
      baseUrl: g.baseUrl,
      owner: g.owner,
      repo: g.repo,
      getToken: g.getToken,
      tokenWhere: g.tokenWhere,
      timeoutMs: g.timeoutMs,
      scope: () =>
        scope ? { issue, pullRequests: scope.pullRequests(), stateLabels, trustedLabels: scope.trustedLabels } : null,
    };
    specs.push(githubApiSpec(target));
    handlers.set('github_api', (args, record) => executeGithubApi(target, args, record));
    secretEnvNames = g.secretEnvNames ?? [];
  } else if (s.kind === 'linear') {
    const l = s.linear;
    const target: LinearToolTarget = {
      endpoint: l.endpoint,
      projectSlug: l.projectSlug,
      getApiKey: l.getApiKey,
      keyWhere: l.keyWhere,
      timeoutMs: l.timeoutMs,
      issue: scope?.issueId ? { id: scope.issueId, identifier: scope.identifier } : null,
    };
    specs.push(linearGraphqlSpec(target));
    handlers.set('linear_graphql', (args, record) => executeLinearGraphql(target, args, record));
    secretEnvNames = l.secretEnvNames ?? [];
  }
  return {
    kind: s.kind,
    specs,
    secretEnvNames,
    async executeTrackerTool(name, args, record = () => {}) {
      const handler = handlers.get(name);
      if (!handler) {
        record({
          tool: name,
          call: '(unsupported tool)',
          body: null,
          allowed: false,
          status: null,
          why: 'unsupported tool',
        });
        return toolError(`Unsupported tool "${name}".`, { supportedTools: [...handlers.keys()] });
      }
      try {
        return await handler(args, record);
      } catch (err) {
        // The handlers map every expected failure; this keeps a bug from stalling the turn.
        record({
          tool: name,
          call: '(internal error)',
          body: null,
          allowed: false,
          status: null,
          why: (err as Error).message,
        });
        return toolError(`Tool "${name}" failed inside Quartet: ${(err as Error).message}`);
      }
    },
  };
}
