// Unit: the one Land button's decision (PR when on GitHub with a token, else local) and what its notification says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIds } from '../../src/extension/commands/commandIds';
import { chooseLand, landingTitle, localChoice } from '../../src/extension/commands/landChoice';
import { taskDescription } from '../../src/extension/viewModel/taskView';
import type { LandProgress } from '../../src/shared/model';

const github = { owner: 'octo', repo: 'sample' };

test('a GitHub target and a token → pull request on owner/repo', () => {
  const c = chooseLand({ github, hasToken: true, baseRef: 'main' });
  assert.equal(c.kind, 'pr');
  assert.equal(c.kind === 'pr' && c.repo, 'octo/sample');
  assert.equal(
    landingTitle(c, 'Attempt 2 of "Fix it"'),
    'Quartet: Landing as pull request on octo/sample… (Attempt 2 of "Fix it")',
  );
});

test('a GitHub target without a token → local, and the notification says how to land as a PR', () => {
  const c = chooseLand({ github, hasToken: false, baseRef: 'main' });
  assert.deepEqual(c, {
    kind: 'local',
    base: 'main',
    reason: 'octo/sample is on GitHub but no GitHub token is set',
    hint: 'run "Quartet: Set GitHub Token" to land as a pull request',
  });
  assert.equal(
    landingTitle(c, 'Attempt 1 of "X"'),
    'Quartet: Landing locally on main… (Attempt 1 of "X"; run "Quartet: Set GitHub Token" to land as a pull request)',
  );
});

test("no GitHub target → local whatever the token, on the task's base", () => {
  for (const hasToken of [true, false]) {
    const c = chooseLand({ github: null, hasToken, baseRef: 'release/2.x' });
    assert.equal(c.kind, 'local');
    assert.equal(landingTitle(c, 'Attempt 3 of "Y"'), 'Quartet: Landing locally on release/2.x… (Attempt 3 of "Y")');
  }
});

test('"Land Locally" is local even where the button would open a PR', () => {
  const c = localChoice('main');
  assert.equal(c.kind, 'local');
  assert.match(landingTitle(c, 'Attempt 1 of "Z"'), /^Quartet: Landing locally on main… /);
});

test('the task row says a land goes through a pull request before GitHub gave it a number', () => {
  const landing: LandProgress = {
    attemptId: 't-1-1',
    step: 'push',
    status: 'running',
    message: '',
    steps: [],
    conflictFiles: [],
    prRepo: 'octo/sample',
  };
  assert.equal(
    taskDescription({ attempts: [], state: 'open', landing }),
    'landing: push (pull request on octo/sample) · 0 attempts',
  );
  const local: LandProgress = { ...landing, step: 'merge', prRepo: undefined };
  assert.equal(taskDescription({ attempts: [], state: 'open', landing: local }), 'landing: merge · 0 attempts');
});

test('package.json: one inline Land on landable rows; Land Locally and Land as Pull Request in the menu where GitHub is available', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: {
      commands: { command: string; title: string }[];
      menus: Record<string, { command: string; when?: string; group?: string }[]>;
    };
  };
  const title = (id: string): string | undefined => pkg.contributes.commands.find((c) => c.command === id)?.title;
  assert.deepEqual(
    [title(CommandIds.landAttempt), title(CommandIds.landAttemptLocally), title(CommandIds.landAttemptAsPr)],
    ['Land', 'Land Locally', 'Land as Pull Request'],
  );
  const items = pkg.contributes.menus['view/item/context'] ?? [];
  const inline = items.filter((m) => m.group?.startsWith('inline') && /landAttempt/.test(m.command));
  assert.deepEqual(
    inline.map((m) => m.command),
    [CommandIds.landAttempt],
    'a single inline Land button',
  );
  assert.doesNotMatch(inline[0]?.when ?? '', /githubAvailable/);
  for (const id of [CommandIds.landAttemptLocally, CommandIds.landAttemptAsPr]) {
    const entry = items.find((m) => m.command === id);
    assert.match(entry?.when ?? '', /quartet\.githubAvailable && viewItem =~ .*\.landable/, id);
    assert.match(entry?.group ?? '', /^1_land@/, id);
  }
});
