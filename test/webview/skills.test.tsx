// Webview component tests in jsdom: the Skills view — skills with outcomes, attempts per skill, proposals, evidence, land.

import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { act } from 'react';
import { installDom } from './jsdomEnv';
import { FakeHost, settle } from './fakeHost';
import { snapshotFixture } from './snapshotFixture';
import { REVIEW_ID, SKILLS_BRANCH, skillsFixture } from './skillsFixture';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import { DEFAULT_VIEW_STATE, INITIAL_STATE_ELEMENT_ID, type PanelViewState } from '../../src/shared/protocol';
import type { Snapshot } from '../../src/shared/model';
import type { SkillsOverview } from '../../src/shared/skills';

let mount: typeof import('../../src/webview/mountPanel').mount;
before(async () => {
  installDom();
  ({ mount } = await import('../../src/webview/mountPanel'));
});
const mounted: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of mounted.splice(0)) await close();
});

async function open(view: Partial<PanelViewState> = {}): Promise<{ host: FakeHost; root: HTMLElement }> {
  const host = new FakeHost();
  document.getElementById(INITIAL_STATE_ELEMENT_ID)?.remove();
  const script = document.createElement('script');
  script.type = 'application/json';
  script.id = INITIAL_STATE_ELEMENT_ID;
  script.textContent = JSON.stringify({
    protocol: 1,
    snapshot: snapshotFixture(),
    view: { ...DEFAULT_VIEW_STATE, ...view },
    prices: DEFAULT_PRICE_TABLE,
  });
  document.head.append(script);
  const root = document.createElement('div');
  document.body.append(root);
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

const q = (root: HTMLElement, testId: string): HTMLElement | null => root.querySelector(`[data-testid="${testId}"]`);
async function click(el: Element | null): Promise<void> {
  assert.ok(el, 'element to click exists');
  await act(async () => (el as HTMLElement).click());
  await settle();
}
/** Opens the Skills tab and answers its overview request with `overview`. */
async function showSkills(
  p: { host: FakeHost; root: HTMLElement },
  overview: SkillsOverview = skillsFixture(),
): Promise<void> {
  await click(q(p.root, 'tab-skills'));
  const get = p.host.last('skills/overview/get');
  assert.ok(get, 'the view asks for the overview');
  await p.host.reply(get.id, { overview });
}

test('the Skills view lists each skill with its source, description and how attempts with and without it fared', async () => {
  const p = await open();
  assert.equal(q(p.root, 'skills-view'), null);
  await showSkills(p);
  const names = [...p.root.querySelectorAll('[data-testid^="skill-toggle-"]')].map((b) =>
    b.textContent?.replace(/^[▸▾] /, ''),
  );
  assert.deepEqual(names, ['lint-first', 'debug', 'commit'], 'accepted first, then the repo’s own, then built-ins');
  const lint = q(p.root, 'skill-lint-first')?.textContent ?? '';
  assert.match(lint, /accepted.*quartet\/skills\/2026-11-21.*version cccccccccccc/s);
  assert.match(lint, /Run the linter before the tests\./);
  const stats = q(p.root, 'skill-stats-lint-first')?.textContent ?? '';
  assert.match(stats, /with it: 2 attempts · checks 2\/2 passed · 0 reworked · 1 landed/);
  assert.match(
    stats,
    /without it, same period: 3 attempts · checks 1\/2 passed · 1 reworked · 0 landed · 2 failed or stalled/,
  );
  assert.match(stats, /earlier versions: 000000000001 \(1\)/);
  assert.match(q(p.root, 'skill-stats-commit')?.textContent ?? '', /with it: no attempts yet/);
  assert.match(p.root.textContent ?? '', /not a controlled\s+experiment/);
  // Only branches that still give something can be landed.
  assert.ok(q(p.root, `land-${SKILLS_BRANCH}`));
  assert.equal(q(p.root, 'land-quartet/skills/2026-11-01'), null);
});

test('clicking a skill lists the attempts that had it (every version); clicking one opens it in the panel', async () => {
  const p = await open();
  await showSkills(p);
  assert.equal(q(p.root, 'skill-attempt-t-aaaaaaaaaaaa-1'), null);
  await click(q(p.root, 'skill-toggle-lint-first'));
  const rows = [...p.root.querySelectorAll('[data-testid^="skill-attempt-"]')].map((li) =>
    li.getAttribute('data-testid'),
  );
  assert.deepEqual(rows, [
    'skill-attempt-t-aaaaaaaaaaaa-1',
    'skill-attempt-t-aaaaaaaaaaaa-3',
    'skill-attempt-t-bbbbbbbbbbbb-1',
  ]);
  assert.match(
    q(p.root, 'skill-attempt-t-bbbbbbbbbbbb-1')?.textContent ?? '',
    /failed.*reworked.*version 000000000001/s,
  );
  await click(q(p.root, 'skill-attempt-t-aaaaaaaaaaaa-3')?.querySelector('button') ?? null);
  assert.ok(q(p.root, 'attempt-view'), 'the attempt view is shown');
  assert.deepEqual(p.host.last('journal/subscription/set')?.params, {
    attempts: [{ attemptId: 't-aaaaaaaaaaaa-3', fromSeq: 0 }],
  });
});

test('proposals: Accept / Reject / Edit send the right requests, and the answer redraws the states', async () => {
  const p = await open({ view: 'skills' });
  const get = p.host.last('skills/overview/get');
  await p.host.reply(get!.id, { overview: skillsFixture() });
  assert.match(q(p.root, 'proposal-p1')?.textContent ?? '', /widget-check.*pending/s);
  assert.ok(q(p.root, 'proposal-reject-p1'));
  assert.equal(
    q(p.root, 'proposal-reject-p2'),
    null,
    'a rejected proposal can be accepted or edited, not rejected again',
  );
  await click(q(p.root, 'proposal-edit-p1'));
  assert.deepEqual(p.host.last('skills/proposal/edit')?.params, { reviewId: REVIEW_ID, proposalId: 'p1' });
  await click(q(p.root, 'proposal-reject-p1'));
  const reject = p.host.last('skills/proposal/decide');
  assert.deepEqual(reject?.params, { reviewId: REVIEW_ID, proposalId: 'p1', decision: 'reject' });
  // While a decision is on its way the buttons wait: a second click cannot race it.
  await click(q(p.root, 'proposal-accept-p1'));
  assert.equal(p.host.of('skills/proposal/decide').length, 1);
  const rejected = skillsFixture();
  rejected.review!.proposals[0]!.state = 'rejected';
  await p.host.reply(reject!.id, { overview: rejected });
  assert.equal(q(p.root, 'proposal-state-p1')?.textContent, 'rejected');
  assert.equal(q(p.root, 'proposal-reject-p1'), null);
  await click(q(p.root, 'proposal-accept-p1'));
  const accept = p.host.last('skills/proposal/decide');
  assert.deepEqual(accept?.params, { reviewId: REVIEW_ID, proposalId: 'p1', decision: 'accept' });
  const after = skillsFixture();
  Object.assign(after.review!.proposals[0]!, { state: 'accepted', branch: SKILLS_BRANCH, commit: 'abc' });
  await p.host.reply(accept!.id, { overview: after });
  assert.equal(q(p.root, 'proposal-state-p1')?.textContent, `accepted on ${SKILLS_BRANCH}`);
  assert.equal(q(p.root, 'proposal-accept-p1'), null, 'accepted is final here');
});

test('each proposal shows its rationale and cited evidence; a click on a source asks the host to open it', async () => {
  const p = await open({ view: 'skills' });
  await p.host.reply(p.host.last('skills/overview/get')!.id, { overview: skillsFixture() });
  const p1 = q(p.root, 'proposal-p1')!;
  assert.match(p1.textContent ?? '', /Debug with make check\./, 'rationale');
  assert.deepEqual(
    [...p1.querySelectorAll('[data-testid^="evidence-E"]')].map((e) => e.getAttribute('data-testid')),
    ['evidence-E1', 'evidence-E2'],
  );
  assert.match(q(p.root, 'evidence-E1')?.textContent ?? '', /failing command ×3.*t-aaaaaaaaaaaa-1 · journal line 12/s);
  // The second source of E1 has no line: shown, not clickable.
  assert.equal(q(p.root, 'evidence-ref-E1-1'), null);
  await click(q(p.root, 'evidence-ref-E1-0'));
  assert.deepEqual(p.host.last('skills/evidence/open')?.params, { reviewId: REVIEW_ID, evidenceId: 'E1', ref: 0 });
  await click(p1.querySelector('[data-testid="evidence-ref-E2-0"]'));
  assert.deepEqual(p.host.last('skills/evidence/open')?.params, { reviewId: REVIEW_ID, evidenceId: 'E2', ref: 0 });
});

test('Land asks the host; a pushed overview replaces the view; outcome changes re-ask, token churn does not', async () => {
  const p = await open({ view: 'skills' });
  await p.host.reply(p.host.last('skills/overview/get')!.id, { overview: skillsFixture() });
  await click(q(p.root, `land-${SKILLS_BRANCH}`));
  assert.deepEqual(p.host.last('skills/branch/land')?.params, { branch: SKILLS_BRANCH });
  const pushed = skillsFixture();
  pushed.branches = [];
  pushed.review = null;
  await p.host.send({ type: 'skills/overview/changed', params: { overview: pushed } });
  assert.equal(q(p.root, 'skills-branches'), null);
  assert.match(p.root.textContent ?? '', /No distill review yet/);
  const asked = p.host.of('skills/overview/get').length;
  const s: Snapshot = snapshotFixture();
  s.tasks[0]!.attempts[0]!.tokens = { ...s.tasks[0]!.attempts[0]!.tokens, total: 99_999 };
  await p.host.send({ type: 'state/snapshot/changed', params: { snapshot: s } });
  assert.equal(p.host.of('skills/overview/get').length, asked, 'tokens do not change outcomes');
  s.tasks[0]!.attempts[0]!.phase = 'failed';
  await p.host.send({ type: 'state/snapshot/changed', params: { snapshot: structuredClone(s) } });
  assert.equal(p.host.of('skills/overview/get').length, asked + 1);
});
