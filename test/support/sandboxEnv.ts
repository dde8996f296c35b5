// Test support: a hermetic environment in which `codex sandbox` (the repo's own Codex) runs checks and hooks.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NODE_BIN } from './repoHarness';
import { sandboxPlan, type Sandbox } from '../../src/core/execution/sandbox';

/** PATH with the repo's node_modules/.bin, a temporary HOME and CODEX_HOME under `dir`, and the Codex binary named. */
export function sandboxTestEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = join(dir, 'home');
  const codexHome = join(dir, 'codex-home');
  mkdirSync(home, { recursive: true });
  mkdirSync(codexHome, { recursive: true });
  return {
    PATH: `${NODE_BIN}${delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    CODEX_HOME: codexHome,
    QUARTET_CODEX: join(NODE_BIN, 'codex'),
    ...extra,
  };
}

/** The sandbox the probe picks on this machine; fails the test (with the probe's reason) when there is none. */
export async function testSandbox(env: Record<string, string>, repo: string): Promise<Sandbox> {
  const plan = await sandboxPlan(env, repo, false);
  if (plan.kind !== 'sandboxed')
    throw new Error(`codex sandbox is unavailable on this machine: ${plan.kind === 'unavailable' ? plan.why : ''}`);
  return plan.sandbox;
}

/**
 * A `codex` that answers `--version` like 0.169.0 but whose `sandbox` fails as it does without bubblewrap
 * or user namespaces: the "sandbox unavailable" path, on a machine where the real one works.
 */
export function brokenSandboxCodex(dir: string): string {
  const file = join(dir, 'codex');
  writeFileSync(
    file,
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n',
  );
  chmodSync(file, 0o755);
  return file;
}
