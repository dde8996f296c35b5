// Test support: an "older install" of Quartet — this build's CLI and supervisor bundles copied and re-stamped as another, earlier build.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentBuild } from '../../src/core/contract/buildStamp';
import type { BuildStamp } from '../../src/core/contract/hello';
import { DIST, ROOT } from './repoHarness';

export interface OlderInstall {
  stamp: BuildStamp;
  /** dist/supervisor.js of that install. */
  supervisor: string;
  run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
}

function replaceAll(text: string, from: string, to: string, what: string): string {
  const parts = text.split(from);
  if (parts.length < 2)
    throw new Error(`the bundle no longer holds ${what} as ${from}: update test/support/olderBuild.ts`);
  return parts.join(to);
}

/**
 * No environment switch or test-only code path makes a supervisor claim another build: the bundles are
 * re-stamped where scripts/build.mjs compiled the stamp in, so the older install is real code that states
 * another build id, an earlier build time and, with `apiVersion`, another API version.
 */
export function olderInstall(dir: string, opts: { apiVersion?: number } = {}): OlderInstall {
  const now = currentBuild();
  const stamp: BuildStamp = {
    apiVersion: opts.apiVersion ?? now.apiVersion,
    buildId: '0.0.1+0123456789ab',
    builtAt: '2000-01-01T00:00:00.000Z',
  };
  const dist = join(dir, 'dist');
  mkdirSync(dist, { recursive: true });
  // Built-in skills sit next to the bundles, as in the extension's folder.
  symlinkSync(join(ROOT, 'skills'), join(dir, 'skills'));
  for (const name of ['cli.js', 'supervisor.js']) {
    let code = readFileSync(join(DIST, name), 'utf8');
    code = replaceAll(code, JSON.stringify(now.buildId), JSON.stringify(stamp.buildId), 'the build id');
    code = replaceAll(code, JSON.stringify(now.builtAt), JSON.stringify(stamp.builtAt), 'the build time');
    if (opts.apiVersion !== undefined)
      code = replaceAll(
        code,
        `var API_VERSION = ${now.apiVersion};`,
        `var API_VERSION = ${opts.apiVersion};`,
        'the API version',
      );
    writeFileSync(join(dist, name), code, { mode: 0o755 });
  }
  return {
    stamp,
    supervisor: join(dist, 'supervisor.js'),
    run: (args, env) =>
      new Promise((resolve) => {
        execFile(process.execPath, [join(dist, 'cli.js'), ...args], { env }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
      }),
  };
}
