// `quartet serve`: the repository's supervisor in the foreground, also serving its API and the web dashboard over HTTP.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findRepoRoot } from '../core/git/gitRepo';
import { call, SupervisorError } from '../core/client/transport';
import { supervisorPaths } from '../core/git/supervisorPaths';
import { SERVE_FLAG, type ServeConfig } from '../core/supervisor/serve/serveConfig';
import { loadWorkflow, resolveWorkflowPath } from '../core/workflow/loader';
import { scrubSecrets } from '../core/config/secrets';
import { parseAllowedHosts } from '../core/config/endpointPolicy';
import { CliUsageError, int, str, type Parsed } from './args';

export const SERVE_FLAGS = ['port', 'host', 'token-file', 'tracker-token-file', 'tracker-token-env'];

/** The server token's variable when no --token-file is given. */
export const SERVE_TOKEN_ENV = 'QUARTET_SERVE_TOKEN';

export const SERVE_HELP = `quartet serve [--repo DIR] [--port N] [--host H] [--token-file F] [--tracker-token-file F | --tracker-token-env VAR]

  Runs the repository's supervisor in the foreground (Ctrl-C stops it and its attempts) and serves over HTTP:
  the SPEC §13.7 API (GET /api/v1/state, GET /api/v1/<issue_identifier>, POST /api/v1/refresh, and every route of
  the local API) and the control panel as a web dashboard at /. VS Code windows and other quartet commands use
  the same supervisor as usual. A supervisor already running for the repository is replaced if it is idle.

  --port N                 TCP port (default: WORKFLOW.md server.port; 0 = any free port, printed at start)
  --host H                 address to bind (default 127.0.0.1: this machine only)
  --token-file F           the server token (else $${SERVE_TOKEN_ENV}): reading needs none; every request that changes
                           state needs "Authorization: Bearer <token>" (401 without). No token: read-only.
                           In a browser, open http://HOST:PORT/#token=<token> to act from the dashboard.
  --tracker-token-file F   the tracker's token (GitHub or Linear): the Autopilot starts with the server and, after a
  --tracker-token-env VAR  restart, resumes its retry queue and claims on its own. Kept in memory, never given to agents.
  --allow-tracker-host H   send the tracker token to this non-default host (as quartet autopilot)`;

function readToken(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw new CliUsageError(`${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const token = text.trim();
  if (!token) throw new CliUsageError(`${what} ${file} is empty`);
  return token;
}

/** Flags first, then WORKFLOW.md's `server.port`; neither is a usage error. */
function portOf(p: Parsed, repo: string): number {
  const flag = int(p, 'port');
  if (flag !== undefined) {
    if (flag > 65535) throw new CliUsageError(`--port must be 0–65535 (got ${flag})`);
    return flag;
  }
  let port: number | null = null;
  try {
    port = loadWorkflow(resolveWorkflowPath(repo, null)).config.server.port;
  } catch {
    // No (or an invalid) WORKFLOW.md: the flag is needed.
  }
  if (port === null) throw new CliUsageError('serve needs --port N (or server.port in WORKFLOW.md)');
  return port;
}

export function serveConfigOf(p: Parsed, repo: string, env: NodeJS.ProcessEnv): ServeConfig {
  const tokenFile = str(p, 'token-file');
  const trackerFile = str(p, 'tracker-token-file');
  const trackerEnv = str(p, 'tracker-token-env');
  if (trackerFile && trackerEnv)
    throw new CliUsageError('give the tracker token by --tracker-token-file or --tracker-token-env, not both');
  const fromEnv = trackerEnv ? env[trackerEnv]?.trim() : undefined;
  if (trackerEnv && !fromEnv) throw new CliUsageError(`--tracker-token-env ${trackerEnv}: the variable is not set`);
  return {
    host: str(p, 'host') ?? '127.0.0.1',
    port: portOf(p, repo),
    authToken: tokenFile ? readToken(tokenFile, '--token-file') : env[SERVE_TOKEN_ENV]?.trim() || null,
    trackerToken: trackerFile ? readToken(trackerFile, '--tracker-token-file') : (fromEnv ?? null),
    allowHosts: parseAllowedHosts(str(p, 'allow-tracker-host')),
  };
}

/** An idle supervisor makes way; a busy one (attempts, the Autopilot, another serve) is left alone and we stop. */
async function replaceRunning(socket: string): Promise<void> {
  try {
    await call(socket, 'GET', '/api/v1/hello', undefined, 5000);
  } catch {
    return; // nobody answers
  }
  try {
    await call(socket, 'POST', '/api/v1/shutdown', { ifIdle: true }, 10_000);
  } catch (err) {
    if (err instanceof SupervisorError && err.code === 'busy')
      throw new CliUsageError(`${err.message}; stop it first (quartet supervisor stop) or let its work end`);
    throw err;
  }
}

export async function serve(p: Parsed, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = resolve(str(p, 'repo') ?? process.cwd());
  const repo = await findRepoRoot(dir);
  if (!repo) throw new CliUsageError(`${dir} is not inside a git repository`);
  const config = serveConfigOf(p, repo, env);
  if (!config.authToken)
    process.stderr.write(`quartet serve: no --token-file or ${SERVE_TOKEN_ENV}: the server is read-only\n`);
  await replaceRunning((await supervisorPaths(repo)).socket);
  // The supervisor's environment is scrubbed as when a client starts it; the tokens go on its stdin only.
  const child = spawn(process.execPath, [join(__dirname, 'supervisor.js'), '--repo', repo, SERVE_FLAG], {
    env: scrubSecrets(env),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(config));
  let listening = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.includes('quartet serve: listening on')) listening = true;
    process.stdout.write(`${line}\n`);
  });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolveCode) => {
    child.on('exit', (code) => {
      if (!listening && code === 0)
        process.stderr.write(
          'quartet serve: the supervisor did not start serving (another one owns the repository?)\n',
        );
      resolveCode(listening ? (code ?? 1) : code || 2);
    });
  });
}
