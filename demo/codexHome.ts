// Writes an offline CODEX_HOME that points Codex at the demo model, and the hermetic env to run it with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Provider id in config.toml; the UI labels attempts "demo model" when thread/start reports it. */
import { DEMO_PROVIDER_ID } from '../src/shared/demoProvider';

export { DEMO_PROVIDER_ID };
export const DEMO_PROVIDER_NAME = 'Quartet demo model';
/** A slug from Codex's bundled catalog, so apply_patch is offered and no metadata warning appears. */
export const DEMO_MODEL = 'gpt-5.5';
/** Must exceed the orchestrator's stall (300 s) and turn (3600 s) timeouts, so those decide first. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 3_700_000;

export interface CodexHomeOptions {
  baseUrl: string;
  approvalPolicy?: 'never' | 'on-request';
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  streamIdleTimeoutMs?: number;
}

/** TOML basic strings accept JSON string escapes for the characters we can meet here. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function writeCodexHome(dir: string, opts: CodexHomeOptions): void {
  mkdirSync(dir, { recursive: true });
  const lines = [
    `model = ${tomlString(DEMO_MODEL)}`,
    `model_provider = ${tomlString(DEMO_PROVIDER_ID)}`,
    `approval_policy = ${tomlString(opts.approvalPolicy ?? 'on-request')}`,
    `sandbox_mode = ${tomlString(opts.sandbox ?? 'workspace-write')}`,
    'check_for_update_on_startup = false',
    'cli_auth_credentials_store = "file"',
    '',
    `[model_providers.${DEMO_PROVIDER_ID}]`,
    `name = ${tomlString(DEMO_PROVIDER_NAME)}`,
    `base_url = ${tomlString(opts.baseUrl)}`,
    'wire_api = "responses"',
    // Retries would only slow down the scripted failures; the demo model never flakes.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    `stream_idle_timeout_ms = ${Math.trunc(opts.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS)}`,
    '',
    // Both would reach the network at startup (plugin sync, OTLP metrics).
    '[features]',
    'plugins = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
  ];
  writeFileSync(join(dir, 'config.toml'), lines.join('\n'));
}

/**
 * The environment for a hermetic Codex child: its own CODEX_HOME and HOME (keeps the user's dotfiles
 * out of the agent's shell snapshot), quiet logs, and no proxies (the demo model is on loopback).
 */
export function hermeticCodexEnv(
  codexHome: string,
  home: string,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    // NODE_TEST_CONTEXT (set when this runs under `node --test`) would make a repo's own `node --test`
    // report to a parent that is not listening and exit 0 whatever failed.
    if (value === undefined || /_proxy$/i.test(key) || key === 'NODE_TEST_CONTEXT') continue;
    env[key] = value;
  }
  env.CODEX_HOME = codexHome;
  env.HOME = home;
  env.RUST_LOG = 'warn';
  env.NO_COLOR = '1';
  env.TMPDIR = codexTempDir(codexHome);
  return env;
}

/**
 * A temp dir beside (never above) `codexHome`. With a system bubblewrap, Codex 0.169.0 runs sandboxed
 * commands through a `codex-linux-sandbox` alias it creates in CODEX_HOME — and refuses to when
 * CODEX_HOME lies under the temp dir, so every command of an agent whose CODEX_HOME is in /tmp fails
 * ("bwrap: execvp codex-linux-sandbox"). Tests keep their homes in /tmp; their Codex gets this TMPDIR.
 */
export function codexTempDir(codexHome: string): string {
  const dir = join(dirname(codexHome), 'tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}
