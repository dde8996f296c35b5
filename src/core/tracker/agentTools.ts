// Provider-native agent tools (SPEC §10.5): the specs to advertise on thread/start and the host-side executor.

import type { TrackerConfig, TrackerDeps } from './createTaskSource';
import { executeGithubApi, githubApiSpec, type GithubToolTarget } from './githubApiTool';
import { executeLinearGraphql, linearGraphqlSpec, type LinearToolTarget } from './linearGraphqlTool';
import { resolveTrackerSettings } from './trackerSettings';
import { toolError, type DynamicToolSpec, type ToolResult } from './toolResult';

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
  /** Answers an `item/tool/call`; never throws, never includes the credential. */
  executeTrackerTool(name: string, args: unknown): Promise<ToolResult>;
}

export function createTrackerToolbox(config: TrackerConfig, deps: TrackerDeps): TrackerToolbox {
  const s = resolveTrackerSettings(config, { ...deps, warn: deps.warn ?? (() => {}) });
  const handlers = new Map<string, (args: unknown) => Promise<ToolResult>>();
  const specs: DynamicToolSpec[] = [];
  let secretEnvNames: readonly string[] = [];
  if (s.kind === 'github') {
    const g = s.github;
    const target: GithubToolTarget = { baseUrl: g.baseUrl, owner: g.owner, repo: g.repo, getToken: g.getToken, tokenWhere: g.tokenWhere, timeoutMs: g.timeoutMs };
    specs.push(githubApiSpec(target));
    handlers.set('github_api', (args) => executeGithubApi(target, args));
    secretEnvNames = g.secretEnvNames ?? [];
  } else if (s.kind === 'linear') {
    const l = s.linear;
    const target: LinearToolTarget = { endpoint: l.endpoint, projectSlug: l.projectSlug, getApiKey: l.getApiKey, keyWhere: l.keyWhere, timeoutMs: l.timeoutMs };
    specs.push(linearGraphqlSpec(target));
    handlers.set('linear_graphql', (args) => executeLinearGraphql(target, args));
    secretEnvNames = l.secretEnvNames ?? [];
  }
  return {
    kind: s.kind,
    specs,
    secretEnvNames,
    async executeTrackerTool(name, args) {
      const handler = handlers.get(name);
      if (!handler) return toolError(`Unsupported tool "${name}".`, { supportedTools: [...handlers.keys()] });
      try {
        return await handler(args);
      } catch (err) {
        // The handlers map every expected failure; this keeps a bug from stalling the turn.
        return toolError(`Tool "${name}" failed inside Quartet: ${(err as Error).message}`);
      }
    },
  };
}
