// Runs one kind of test (unit | integration | webview | e2e) with node --test, in the groups of scripts/test-plan.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testGroups } from './test-plan.mjs';

const kind = process.argv[2];
const dir = join('out', 'test', kind ?? '');
if (!kind || !existsSync(dir)) {
  console.error(
    `usage: node scripts/run-tests.mjs unit|integration|webview|e2e [node --test options] (no ${dir}; run the build first)`,
  );
  process.exit(2);
}
let status = 0;
for (const g of testGroups(kind)) {
  const concurrency = g.concurrency === null ? [] : [`--test-concurrency=${g.concurrency}`];
  console.log(`run-tests: ${g.name}, ${g.files.length} files, ${g.concurrency ?? 'default'} at a time`);
  const r = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=spec', ...concurrency, ...process.argv.slice(3), ...g.files],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
