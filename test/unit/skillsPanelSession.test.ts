// Unit: the control panel host against a fake vscode — skills requests round-trip, and a change made elsewhere is pushed.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SkillsOverview } from '../../src/shared/skills';
import type { SkillsHost } from '../../src/extension/skillsReview';
import { fake, installFakeVscode, FakeUri, type FakePanel } from '../webview/fakeVscode';
import { snapshotFixture } from '../webview/snapshotFixture';
import { skillsFixture } from '../webview/skillsFixture';
import { waitUntil } from '../support/waitUntil';

let registerControlPanel: typeof import('../../src/extension/panel/controlPanel').registerControlPanel;
before(async () => {
  installFakeVscode();
  ({ registerControlPanel } = await import('../../src/extension/panel/controlPanel'));
});

test('the Skills view asks through the panel host, and a change made by a command is pushed to it', async () => {
  const listeners: ((o: SkillsOverview) => void)[] = [];
  const skills: SkillsHost = {
    overview: async () => skillsFixture(),
    decide: async () => skillsFixture(),
    edit: async () => undefined,
    openEvidence: async () => undefined,
    land: async () => ({ overview: skillsFixture(), message: 'landed', landed: true }),
    confirmLand: async () => true,
    onDidChange: (l) => (listeners.push(l), { dispose: () => void listeners.splice(listeners.indexOf(l), 1) }),
  };
  const context = {
    extensionUri: FakeUri.file('/ext'),
    subscriptions: [],
    workspaceState: { get: () => undefined, update: async () => undefined },
  };
  const panel = registerControlPanel(context as never, {
    getSnapshot: () => snapshotFixture(),
    onSnapshot: () => ({ dispose: () => undefined }),
    api: {
      journal: async () => [],
      stop: async () => undefined,
      retry: async () => undefined,
      answer: async () => undefined,
    },
    openDiff: async () => undefined,
    resolveWithAgent: () => undefined,
    skills,
    log: () => undefined,
  });
  fake.commands.get('quartet.openControlPanel')?.();
  const p = fake.panels.at(-1) as FakePanel;
  p.webview.fromWebview({ type: 'webview/ready', params: { protocol: 1 } });
  p.webview.fromWebview({ type: 'skills/overview/get', id: 5, params: {} });
  await waitUntil(() => p.webview.posted.some((m) => m.type === 'rpc/reply/sent' && m.inReplyTo === 5));
  const reply = p.webview.posted.find((m) => m.inReplyTo === 5) as unknown as { result: { overview: SkillsOverview } };
  assert.equal(reply.result.overview.review?.id, 'rev0001');
  const pushed = { ...skillsFixture(), branches: [] };
  for (const l of listeners) l(pushed);
  assert.deepEqual(
    p.webview.posted
      .filter((m) => m.type === 'skills/overview/changed')
      .map((m) => (m.params as { overview: SkillsOverview }).overview.branches),
    [[]],
  );
  p.dispose();
  assert.equal(listeners.length, 0, 'a closed panel stops listening');
  panel.dispose();
});
