// Runs one kind of test (unit | integration | webview | e2e) with node --test; Node 20 does not expand globs itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const kind = process.argv[2];
const dir = join('out', 'test', kind ?? '');
if (!kind || !existsSync(dir)) {
  console.error(`usage: node scripts/run-tests.mjs unit|integration|webview|e2e (no ${dir}; run the build first)`);
  process.exit(2);
}
const files = [];
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const f = join(d, n);
    if (statSync(f).isDirectory()) walk(f);
    else if (n.endsWith('.test.js')) files.push(f);
  }
};
walk(dir);
files.sort();
const serial = kind !== 'unit' && kind !== 'webview';
const args = ['--test', '--test-reporter=spec', ...(serial ? ['--test-concurrency=1'] : []), ...process.argv.slice(3), ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
