// Builds every bundle with esbuild: extension, CLI, supervisor, demo model, webview, tests and benchmarks.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');

function walk(dir, match) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, match));
    else if (match(name)) out.push(full);
  }
  return out;
}

/**
 * This build's stamp (src/core/contract/buildStamp.ts): the id hashes the inputs of the Node bundles, so
 * rebuilding the same sources keeps the id and a running supervisor of it is not replaced; the time orders builds.
 */
function buildStamp() {
  const hash = createHash('sha256');
  const inputs = [
    ...walk(join(root, 'src'), () => true),
    ...['package.json', 'package-lock.json', 'scripts/build.mjs'].map((f) => join(root, f)),
  ];
  for (const f of inputs.filter((x) => existsSync(x)).sort())
    hash
      .update(`${relative(root, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return { buildId: `${version}+${hash.digest('hex').slice(0, 12)}`, builtAt: new Date().toISOString() };
}
const stamp = buildStamp();

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  // import.meta.url is used by some ESM-only dependencies (execa); give it a CJS-safe value.
  define: {
    'import.meta.url': '__quartet_import_meta_url',
    // Every bundle of one build states the same build: the extension, the CLI and the supervisor compare it.
    __QUARTET_BUILD_ID__: JSON.stringify(stamp.buildId),
    __QUARTET_BUILT_AT__: JSON.stringify(stamp.builtAt),
  },
  banner: { js: "const __quartet_import_meta_url = require('url').pathToFileURL(__filename).href;" },
};

const products = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node\n' + node.banner.js } },
  { entryPoints: { supervisor: 'src/core/supervisor/main.ts' } },
  { entryPoints: { demoServer: 'demo/main.ts' } },
].filter((p) => Object.values(p.entryPoints).every((e) => existsSync(join(root, e))));

const tests = [
  ...walk(join(root, 'test'), (n) => /\.test\.tsx?$/.test(n) || n === 'runDesktop.ts' || n === 'index.ts'),
  ...walk(join(root, 'bench'), (n) => n.endsWith('.ts')),
].filter((f) => !f.includes(`${join('test', 'fixtures')}`));

const jobs = [
  ...products.map((p) => build({ ...node, ...p, outdir: join(root, 'dist') })),
  tests.length
    ? build({
        ...node,
        entryPoints: tests.map((f) => relative(root, f)),
        outdir: join(root, 'out'),
        outbase: root,
        // eslint: the layer-rule test runs the real linter with the project's config (it loads plugins at run time).
        external: ['vscode', 'playwright-core', 'jsdom', 'eslint'],
      })
    : Promise.resolve(),
];
if (existsSync(join(root, 'src/webview/main.tsx'))) {
  jobs.push(
    build({
      entryPoints: { webview: 'src/webview/main.tsx' },
      absWorkingDir: root,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outdir: join(root, 'dist'),
      sourcemap: 'linked',
      logLevel: 'warning',
      define: { 'process.env.NODE_ENV': '"production"' },
      // codicon.css names its font: copied next to webview.css (the VSIX ships dist/**/*.ttf).
      loader: { '.ttf': 'file' },
      assetNames: '[name]',
      minify: true,
    }),
  );
}
await Promise.all(jobs);
// Which checkout this build came from: the extension falls back to that checkout's pinned codex
// (src/extension/quartetCodex.ts), so `npm start` works whatever PATH VS Code's server hands it.
// The build id and time are the ones compiled into the bundles, written here for people and tools.
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(
  join(root, 'dist', 'build-info.json'),
  `${JSON.stringify({ checkout: root.replace(/\/$/, ''), ...stamp })}\n`,
);
if (watch) console.log('watch mode is not implemented; re-run npm run build');
