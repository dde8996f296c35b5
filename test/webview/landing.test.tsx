// Webview component tests in jsdom: a task's land (PR progress, link, steps), Resolve with agent, follow-up turns.

import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { act } from 'react';
import { installDom } from './jsdomEnv';
import { FakeHost, settle } from './fakeHost';
import { CONFLICT_TASK, landingSnapshot, PR_TASK, PR_URL, prFixture, prLanding } from './landingFixture';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import { DEFAULT_VIEW_STATE, INITIAL_STATE_ELEMENT_ID, type PanelInitialState } from '../../src/shared/protocol';

let mount: typeof import('../../src/webview/mountPanel').mount;
before(async () => {
  installDom();
  ({ mount } = await import('../../src/webview/mountPanel'));
});
const mounted: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of mounted.splice(0)) await close();
});

async function open(initial: Partial<PanelInitialState> = {}): Promise<{ host: FakeHost; root: HTMLElement }> {
  document.getElementById(INITIAL_STATE_ELEMENT_ID)?.remove();
  const script = document.createElement('script');
  script.type = 'application/json';
  script.id = INITIAL_STATE_ELEMENT_ID;
  script.textContent = JSON.stringify({
    protocol: 1,
    snapshot: landingSnapshot(),
    view: DEFAULT_VIEW_STATE,
    prices: DEFAULT_PRICE_TABLE,
    ...initial,
  });
  document.head.append(script);
  const root = document.createElement('div');
  document.body.append(root);
  const host = new FakeHost();
  let unmount = (): void => undefined;
  await act(async () => {
    unmount = mount(root, document, host);
  });
  await settle();
  mounted.push(async () => {
    await act(async () => unmount());
    root.remove();
  });
  return { host, root };
}

const q = (root: ParentNode | null, testId: string): HTMLElement | null =>
  root?.querySelector(`[data-testid="${testId}"]`) ?? null;
const text = (el: Element | null): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
async function click(el: Element | null): Promise<void> {
  assert.ok(el, 'element to click exists');
  await act(async () => (el as HTMLElement).click());
  await settle();
}

test('the board shows a PR land under way: where, the step, the PR with checks, reviews and fix turns, and every step', async () => {
  const { root } = await open();
  const land = q(root, `landing-${PR_TASK}`);
  assert.ok(land, 'the task has a land panel');
  assert.equal(text(q(land, 'landing-headline')), 'Landing #2 as pull request #12 on octo/sample');
  assert.equal(text(q(land, 'landing-status')), 'landing: wait');
  assert.equal(text(q(land, 'landing-pr-link')), 'Pull request #12');
  assert.equal(text(q(land, 'landing-pr-state')), 'open');
  assert.equal(text(q(land, 'landing-pr-checks')), 'checks failing: ci');
  assert.equal(text(q(land, 'landing-pr-reviews')), 'approved by alice · changes requested by bob');
  assert.equal(text(q(land, 'landing-pr-fixes')), '1 fix turn');
  const steps = [...(q(land, 'landing-steps')?.querySelectorAll('li') ?? [])].map(text);
  assert.deepEqual(steps, [
    'push ok — pushed quartet/fix-it/2',
    'pr ok — opened #12',
    'fix ok — pushed 1a2b3c4d',
    'wait running — checks running: ci',
  ]);
  assert.equal(root.querySelector('a'), null, 'no anchors: the link is a button that asks the host');
});

test('the PR link asks the host to open it; a link that is not http(s) is plain text', async () => {
  const { host, root } = await open();
  await click(q(root, 'landing-pr-link'));
  assert.deepEqual(host.last('link/url/open')?.params, { url: PR_URL });
  const { root: other } = await open({
    snapshot: landingSnapshot(prLanding({ pr: prFixture({ url: 'javascript:alert(1)' }) })),
  });
  assert.equal(q(other, 'landing-pr-link'), null);
  assert.match(text(q(other, `landing-${PR_TASK}`)), /Pull request #12/);
});

test('a snapshot moves the land on: merged, checks passed, landed', async () => {
  const { host, root } = await open();
  const landed = prLanding({
    step: 'done',
    status: 'landed',
    message: 'merged PR #12 into main',
    pr: prFixture({
      state: 'merged',
      checks: { state: 'success', failing: [], pending: [] },
      reviews: { approved: ['alice'], changesRequested: [] },
    }),
    steps: [
      ...prLanding().steps.slice(0, 3),
      { step: 'wait', status: 'ok', detail: 'checks passed' },
      { step: 'merge', status: 'ok', detail: 'squash-merged' },
      { step: 'done', status: 'ok', detail: '' },
    ],
  });
  const snapshot = landingSnapshot(landed);
  snapshot.tasks[0]!.state = 'landed';
  await host.send({ type: 'state/snapshot/changed', params: { snapshot } });
  await settle(40);
  const land = q(root, `landing-${PR_TASK}`);
  assert.equal(text(q(land, 'landing-headline')), 'Landed #2 as pull request #12 on octo/sample');
  assert.equal(text(q(land, 'landing-status')), 'landed');
  assert.equal(text(q(land, 'landing-pr-state')), 'merged');
  assert.equal(text(q(land, 'landing-pr-checks')), 'checks passed');
  assert.equal(q(land, 'landing-steps')?.querySelectorAll('li').length, 6);
});

test('a local land that conflicted: files, and Resolve with agent asks the host for that attempt', async () => {
  const { host, root } = await open();
  const land = q(root, `landing-${CONFLICT_TASK}`);
  assert.equal(text(q(land, 'landing-headline')), 'The land of #1 locally on main conflicts with main');
  assert.match(text(land), /Conflicting files: notes\/shared\.md/);
  // Once per attempt: the land panel has #1's button, so its card does not; #2 (flagged) gets one on its card; #3 has no thread.
  assert.equal(root.querySelectorAll(`[data-testid="resolve-${CONFLICT_TASK}-1"]`).length, 1);
  assert.ok(q(land, `resolve-${CONFLICT_TASK}-1`), 'in the land panel');
  assert.ok(q(q(root, `card-${CONFLICT_TASK}-2`)!, `resolve-${CONFLICT_TASK}-2`), 'on the flagged card');
  assert.equal(q(root, `resolve-${CONFLICT_TASK}-3`), null);
  assert.equal(q(root, `resolve-${PR_TASK}-2`), null, 'nothing to resolve without a conflict');
  await click(q(land, `resolve-${CONFLICT_TASK}-1`));
  const req = host.last('attempt/conflicts/resolve');
  assert.deepEqual(req?.params, { attemptId: `${CONFLICT_TASK}-1` });
  await host.send({
    type: 'rpc/reply/sent',
    inReplyTo: req!.id,
    error: { code: 'refused', message: 'A land of "Write the shared note" is running; wait for it to end.' },
  });
  assert.match(text(q(root, 'notice')), /is running; wait for it to end/);
});

test('the attempt view shows its land and its follow-up turns; another attempt of the task shows neither', async () => {
  const { root } = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${PR_TASK}-2` } });
  assert.ok(q(root, 'attempt-view'));
  assert.equal(text(q(root, 'landing-headline')), 'Landing #2 as pull request #12 on octo/sample');
  const follow = q(root, `follow-ups-${PR_TASK}-2`);
  assert.match(
    text(follow),
    /^Follow-up turns\s*fix for the pull request completed \d\d:\d\d(:\d\d)? – \d\d:\d\d(:\d\d)?\s*Fixed the failing check ci$/,
  );
  const { root: sibling } = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${PR_TASK}-1` } });
  assert.equal(q(sibling, `landing-${PR_TASK}`), null);
  assert.equal(q(sibling, `follow-ups-${PR_TASK}-1`), null);
});

test('the attempt view of a flagged attempt offers Resolve with agent in its header', async () => {
  const { host, root } = await open({
    view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${CONFLICT_TASK}-2` },
  });
  await click(q(root, `resolve-${CONFLICT_TASK}-2`));
  assert.deepEqual(host.last('attempt/conflicts/resolve')?.params, { attemptId: `${CONFLICT_TASK}-2` });
});
