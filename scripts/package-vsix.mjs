// Packages the extension into out/quartet.vsix with vsce, non-interactively, and checks its contents.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const vscePackageJson = require.resolve('@vscode/vsce/package.json');
const vsceBin = join(dirname(vscePackageJson), 'vsce');
const output = join(root, 'out', 'quartet.vsix');

function fail(message) {
  console.error(`package-vsix: ${message}`);
  process.exit(1);
}

if (!existsSync(join(root, 'dist', 'extension.js')))
  fail('dist/extension.js is missing; run `node scripts/build.mjs` first');

// Check what .vscodeignore lets through before writing anything: a forgotten pattern would
// otherwise ship sources or node_modules silently (or leave out the entry point).
const { listFiles, PackageManager } = require('@vscode/vsce');
const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
const forbidden = files.filter(
  (f) => /^(src|test|out|node_modules|tools|bench|scripts|docs|demo|test-artifacts)\//.test(f) || f.endsWith('.map'),
);
if (forbidden.length > 0) fail(`.vscodeignore lets through files that must not ship:\n  ${forbidden.join('\n  ')}`);
for (const required of ['package.json', 'dist/extension.js', 'LICENSE']) {
  if (!files.includes(required)) fail(`${required} is missing from the package`);
}

mkdirSync(dirname(output), { recursive: true });
// stdin is closed so that any prompt vsce might still show fails fast instead of hanging CI.
// --allow-missing-repository and --no-rewrite-relative-links: package.json has no repository
// field, and without one vsce would ask about it or refuse README's relative links.
const result = spawnSync(
  process.execPath,
  [
    vsceBin,
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--out',
    output,
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);
if (result.status !== 0) fail(`vsce exited with ${result.status ?? result.signal}`);
console.log(`package-vsix: ${output} (${files.length} files, ${Math.round(statSync(output).size / 1024)} KiB)`);
