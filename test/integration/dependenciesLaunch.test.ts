// Integration (real Codex + demo model + real git): a launch brings the checkout's node_modules into each worktree, so the checks find it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import type { TaskSnapshot } from '../../src/shared/model';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

let h: Harness;
before(async () => {
  h = await startHarness({
    // The sample project's tests need a package only its installed node_modules has (never committed).
    prepare: (repo) => {
      writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
      writeFileSync(join(repo, 'package-lock.json'), '{"name":"greeter","lockfileVersion":3,"packages":{}}\n');
      writeFileSync(
        join(repo, 'dep.test.js'),
        "require('node:assert').equal(require('quartet-dep-probe'), 'installed');\n",
      );
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'a test that needs an installed package');
      mkdirSync(join(repo, 'node_modules', 'quartet-dep-probe'), { recursive: true });
      writeFileSync(join(repo, 'node_modules', 'quartet-dep-probe', 'index.js'), "module.exports = 'installed';\n");
    },
  });
});
after(async () => {
  await h?.cleanup();
});

const checked = (t: TaskSnapshot): boolean =>
  t.attempts.every((a) => a.phase === 'finished' && (a.checks?.state === 'passed' || a.checks?.state === 'failed'));

test(
  'dependencyCopy "copy": each attempt gets node_modules, its checks pass, its result does not contain node_modules, the trace says so',
  { timeout: 180_000 },
  async () => {
    await h.client.configure({ dependencyCopy: 'copy' });
    const t = await h.client.launch({ title: 'deps', prompt: 'tidy the README', attempts: 2 });
    const done = await waitForTask(h.client, t.id, 150_000, checked);
    for (const a of done.attempts) {
      assert.equal(a.checks?.state, 'passed', a.checks?.summary.join(' | '));
      assert.ok(existsSync(join(a.worktree ?? '', 'node_modules', 'quartet-dep-probe', 'index.js')));
      assert.equal(
        git(h.repo, 'ls-tree', '-r', '--name-only', a.branch)
          .split('\n')
          .filter((f) => f.startsWith('node_modules')).length,
        0,
        'node_modules is not in the result',
      );
      const messages = readJournal(a.journal).flatMap((r) =>
        r.kind === 'event' && r.event.type === 'phase' && r.event.phase === 'starting' ? [r.event.message ?? ''] : [],
      );
      assert.match(
        messages.join('\n'),
        /node_modules (copied|reflinked) from your checkout: .*package-lock\.json matches the base/,
      );
    }
  },
);

test(
  'dependencyCopy "off": nothing is brought over and the same checks fail for want of the package',
  { timeout: 180_000 },
  async () => {
    await h.client.configure({ dependencyCopy: 'off' });
    const t = await h.client.launch({ title: 'no deps', prompt: 'tidy the README', attempts: 1 });
    const [a] = (await waitForTask(h.client, t.id, 150_000, checked)).attempts;
    assert.equal(a?.checks?.state, 'failed');
    assert.match(a?.checks?.summary.join('\n') ?? '', /quartet-dep-probe/);
    assert.equal(existsSync(join(a?.worktree ?? '', 'node_modules')), false);
  },
);

test('a bad dependencyDirs entry is refused by name and changes nothing', async () => {
  await assert.rejects(
    h.client.configure({ dependencyDirs: ['../outside'] }),
    /quartet\.dependencyDirs: "\.\.\/outside" must name a path inside the repository/,
  );
});
