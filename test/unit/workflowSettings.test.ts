// Unit: VS Code settings vs WORKFLOW.md — only explicitly set settings are sent, so the workflow fills the rest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { explicitLaunchOptions, supervisorSettings } from '../../src/extension/settingsModel';

test('launch options: only the settings a user set go to the supervisor', () => {
  const set: Record<string, unknown> = { approvalPolicy: 'never', stallTimeoutMs: 5000, checkCommand: '' };
  const defaults: Record<string, unknown> = {
    'codex.command': 'codex app-server',
    sandbox: 'workspace-write',
    loopLimit: 3,
  };
  const read = (k: string): unknown => set[k] ?? defaults[k];
  const isSet = (k: string): boolean => k in set;
  assert.deepEqual(explicitLaunchOptions(read, isSet), {
    approvalPolicy: 'never',
    stallTimeoutMs: 5000,
    checkCommand: '',
  });
  assert.deepEqual(
    explicitLaunchOptions(read, () => false),
    {},
  );
});

test('supervisor settings: maxConcurrent null unless set; workflowPath passed through with ~ expanded', () => {
  const values: Record<string, unknown> = { maxConcurrent: 4, workflowPath: '~/flows/W.md' };
  const read = (k: string): unknown => values[k];
  const unset = supervisorSettings(read, (k) => k !== 'maxConcurrent');
  assert.equal(unset.maxConcurrent, null);
  assert.equal(unset.workflowPath, `${homedir()}/flows/W.md`);
  assert.equal(supervisorSettings(read, () => true).maxConcurrent, 4);
  assert.equal(supervisorSettings(() => undefined).workflowPath, null);
});
