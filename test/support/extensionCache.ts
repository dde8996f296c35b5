// E2E support: the VSIX is installed by code-server once per build, then copied into each test's extensions dir.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Why: `code-server --install-extension` takes 3–5 s on this machine, and every e2e file needs the same
 * install. What it leaves is plain files plus extensions.json, which names the folder it installed into;
 * a copy with that one path rewritten is what a fresh install into the test's folder would have made.
 * The cache is keyed by the VSIX's bytes (and code-server's own path), so a rebuilt VSIX is installed anew.
 */
export async function installCached(
  vsix: string,
  codeServerBin: string,
  cacheRoot: string,
  extensionsDir: string,
  install: (extensionsDir: string) => Promise<void>,
): Promise<void> {
  const key = createHash('sha256')
    .update(codeServerBin)
    .update('\0')
    .update(readFileSync(vsix))
    .digest('hex')
    .slice(0, 16);
  const entry = join(cacheRoot, key);
  if (!existsSync(join(entry, 'origin'))) {
    mkdirSync(cacheRoot, { recursive: true });
    const fresh = mkdtempSync(join(cacheRoot, '.installing-'));
    const installedInto = join(fresh, 'extensions');
    mkdirSync(installedInto);
    await install(installedInto);
    // `origin` is written last: an entry without it is an install that did not finish.
    writeFileSync(join(fresh, 'origin'), installedInto);
    try {
      renameSync(fresh, entry);
    } catch {
      // Another run finished the same install first: use theirs.
      rmSync(fresh, { recursive: true, force: true });
    }
    dropOldEntries(cacheRoot, key);
  }
  const origin = readFileSync(join(entry, 'origin'), 'utf8');
  cpSync(join(entry, 'extensions'), extensionsDir, { recursive: true });
  const manifest = join(extensionsDir, 'extensions.json');
  const text = readFileSync(manifest, 'utf8');
  if (!text.includes(origin))
    throw new Error(
      `${manifest} does not name ${origin}: code-server's install layout changed (test/support/extensionCache.ts)`,
    );
  writeFileSync(manifest, text.split(origin).join(extensionsDir));
}

/** Entries of earlier VSIX builds (and abandoned installs) older than an hour: nothing still copies from them. */
function dropOldEntries(cacheRoot: string, keep: string): void {
  const hourAgo = Date.now() - 60 * 60_000;
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    try {
      if (name !== keep && statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}
