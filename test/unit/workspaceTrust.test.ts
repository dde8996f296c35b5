// Unit: Workspace Trust — an untrusted folder shows the view but every command that launches something is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIds } from '../../src/extension/commands/commandIds';
import { TRUST_REQUIRED_COMMANDS, untrustedRefusal } from '../../src/extension/commands/trustModel';
import { MACHINE_SCOPED_KEYS } from '../../src/extension/trustedSettings';

interface Manifest {
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; enablement?: string }[];
    viewsWelcome: { when: string; contents: string }[];
  };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as Manifest;

test('package.json declares limited support for untrusted workspaces and restricts the machine-scoped settings', () => {
  const u = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(u?.supported, 'limited');
  for (const key of MACHINE_SCOPED_KEYS)
    assert.ok(u?.restrictedConfigurations?.includes(`quartet.${key}`), `quartet.${key} is a restricted configuration`);
  const welcome = manifest.contributes.viewsWelcome.find((w) => w.when === 'quartet.state == untrusted');
  assert.ok(welcome, 'the view says why nothing launches');
  assert.match(welcome.contents, /command:workbench\.trust\.manage/);
});

test('New Task, Land, Autopilot start and Distill are refused in an untrusted folder, and allowed once trusted', () => {
  for (const id of [
    CommandIds.newTask,
    CommandIds.landAttempt,
    CommandIds.landAttemptAsPr,
    CommandIds.startAutopilot,
    CommandIds.distillSkills,
    CommandIds.launchIssueAttempts,
    CommandIds.retryAttempt,
  ]) {
    assert.match(untrustedRefusal(id, false) ?? '', /not trusted.*launches nothing/, id);
    assert.equal(untrustedRefusal(id, true), null, `${id} runs in a trusted folder`);
  }
  for (const id of [
    CommandIds.refresh,
    CommandIds.stopAttempt,
    CommandIds.showLogs,
    CommandIds.stopAutopilot,
    CommandIds.setGithubToken,
  ]) {
    assert.equal(untrustedRefusal(id, false), null, `${id} stays available`);
  }
});

test('every command enabled only when Quartet is ready also needs trust (a new launching command cannot forget it)', () => {
  const gated = manifest.contributes.commands.filter(
    (c) => c.enablement?.includes('quartet.state == ready') && c.command !== CommandIds.deleteTask,
  );
  assert.ok(gated.length >= 4);
  for (const c of gated)
    assert.ok(
      TRUST_REQUIRED_COMMANDS.some((id) => id === c.command),
      `${c.command} is in TRUST_REQUIRED_COMMANDS`,
    );
});

test('the Tasks view is never blank: every state of the repository session has its welcome, before the first check too', () => {
  const whens = manifest.contributes.viewsWelcome.filter((w) => w.contents.trim()).map((w) => w.when);
  for (const state of ['noRepo', 'untrusted', 'noCodex', 'starting', 'error', 'ready'])
    assert.ok(whens.includes(`quartet.state == ${state}`), `a welcome for ${state}`);
  assert.ok(whens.includes('!quartet.state'), 'a welcome while the folder is first checked');
  const starting = manifest.contributes.viewsWelcome.find((w) => w.when === 'quartet.state == starting');
  assert.match(starting?.contents ?? '', /^Starting Quartet for this repository…/);
});
