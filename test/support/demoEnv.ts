// E2E support: a sample repo, the demo model and the env that makes code-server's Codex use it; plus cleanup.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startFakeResponsesServer, type FakeResponsesServer } from '../../demo/fakeResponsesServer';
import { codexTempDir, writeCodexHome } from '../../demo/codexHome';
import { makeRepo, NODE_BIN } from './repoHarness';
import { isAlive } from '../../src/core/execution/processTree';

export interface DemoEnv {
  dir: string;
  repo: string;
  worktreeRoot: string;
  server: FakeResponsesServer;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function startDemoEnv(stepDelayMs = 300): Promise<DemoEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-e2e-'));
  const repo = makeRepo(dir);
  const server = await startFakeResponsesServer({ stepDelayMs });
  const codexHome = join(dir, 'codex-home');
  writeCodexHome(codexHome, { baseUrl: server.url });
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = {
    CODEX_HOME: codexHome,
    PATH: `${NODE_BIN}${delimiter}${process.env.PATH ?? ''}`,
    // VS Code's server replaces PATH with the login shell's for the extension host: name the binary.
    QUARTET_CODEX: join(NODE_BIN, 'codex'),
    RUST_LOG: 'warn',
    NO_COLOR: '1',
    TMPDIR: codexTempDir(codexHome),
    QUARTET_TEST_HOME: home,
  };
  return {
    dir,
    repo,
    worktreeRoot: join(dir, 'worktrees'),
    server,
    env,
    async cleanup() {
      await stopSupervisor(repo);
      await server.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** Ends the repo's supervisor (the extension starts it detached, so it outlives code-server by design). */
export async function stopSupervisor(repo: string): Promise<void> {
  const info = join(repo, '.git', 'quartet', 'supervisor.json');
  if (!existsSync(info)) return;
  const { pid } = JSON.parse(readFileSync(info, 'utf8')) as { pid: number };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const end = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
