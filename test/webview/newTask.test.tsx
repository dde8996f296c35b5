// Webview component tests in jsdom: the New Task form (derived title, Ctrl+Enter, overrides) and the follow-up message boxes.

import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { act } from 'react';
import { installDom } from './jsdomEnv';
import { FakeHost, settle } from './fakeHost';
import { snapshotFixture } from './snapshotFixture';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import {
  DEFAULT_VIEW_STATE,
  INITIAL_STATE_ELEMENT_ID,
  type PanelInitialState,
  type PanelViewState,
} from '../../src/shared/protocol';
import type { NewTaskDefaults } from '../../src/shared/newTaskForm';

let mount: typeof import('../../src/webview/mountPanel').mount;
before(async () => {
  installDom();
  ({ mount } = await import('../../src/webview/mountPanel'));
});
const mounted: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of mounted.splice(0)) await close();
});

const T1 = 't-aaaaaaaaaaaa';
const DEFAULTS: NewTaskDefaults = {
  branches: ['main', 'release'],
  currentBranch: 'main',
  attempts: 3,
  model: null,
  tokenBudget: null,
};

async function open(
  view: Partial<PanelViewState>,
  initial: Partial<PanelInitialState> = {},
): Promise<{ host: FakeHost; root: HTMLElement }> {
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
    ...initial,
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

/** Types into the input or textarea inside the element's shadow root, as a person would. */
async function type(el: Element | null, value: string): Promise<void> {
  const input = el?.shadowRoot?.querySelector('textarea, input') as
    HTMLInputElement | HTMLTextAreaElement | null | undefined;
  assert.ok(input, 'a text input inside the element');
  await act(async () => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  });
  await settle();
}

async function ctrlEnter(el: Element | null): Promise<void> {
  const target = el?.shadowRoot?.querySelector('textarea, input') ?? el;
  assert.ok(target);
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }));
  });
  await settle();
}

async function openForm(): Promise<{ host: FakeHost; root: HTMLElement }> {
  const page = await open({ view: 'new-task' });
  const ask = page.host.last('task/form/get');
  assert.ok(ask, 'the form asks the host for branches and defaults');
  await page.host.reply(ask.id, DEFAULTS);
  assert.ok(q(page.root, 'new-task-form'), 'the form is shown');
  return page;
}

const titleOf = (root: HTMLElement): string => (q(root, 'new-task-title') as unknown as { value: string }).value;

test("New Task: the title follows the prompt's first line until edited; emptying it hands it back to the prompt", async () => {
  const { root } = await openForm();
  await type(q(root, 'new-task-prompt'), '## Make the greeter polite\n\nSay *please*.');
  assert.equal(titleOf(root), 'Make the greeter polite');
  await type(q(root, 'new-task-title'), 'Politeness');
  await type(q(root, 'new-task-prompt'), '## Something else entirely\n\nSay *please*.');
  assert.equal(titleOf(root), 'Politeness', 'an edited title is kept when the prompt changes');
  await type(q(root, 'new-task-title'), '');
  assert.equal(titleOf(root), 'Something else entirely', 'derived again');
});

test('New Task: Ctrl+Enter launches the whole multi-line prompt with attempts, base and overrides, then shows the board', async () => {
  const { host, root } = await openForm();
  const prompt = '# Greet in Portuguese\n\n- say olá\n- keep it short';
  await type(q(root, 'new-task-prompt'), `${prompt}\n\n`);
  const base = q(root, 'new-task-base') as unknown as HTMLElement & { value: string };
  await act(async () => {
    base.value = 'release';
    base.dispatchEvent(new Event('change'));
  });
  await type(q(root, 'new-task-model'), 'o4-mini');
  await type(q(root, 'new-task-budget'), '250_000');
  await ctrlEnter(q(root, 'new-task-prompt'));
  const launch = host.last('task/launch/start');
  assert.ok(launch, 'Ctrl+Enter launched');
  assert.deepEqual(launch.params, {
    title: 'Greet in Portuguese',
    prompt,
    attempts: 3,
    base: 'release',
    model: 'o4-mini',
    tokenBudget: 250_000,
  });
  await host.reply(launch.id, { taskId: 't-new', attemptIds: ['t-new-1'] });
  assert.ok(q(root, 'board'), 'the board shows the new task');
  assert.equal(host.of('task/launch/start').length, 1);
});

test('New Task: bad input is listed and nothing is sent; the draft survives a tab switch', async () => {
  const { host, root } = await openForm();
  await ctrlEnter(q(root, 'new-task-prompt'));
  assert.match(q(root, 'new-task-problems')?.textContent ?? '', /Tell the agents what to do/);
  await type(q(root, 'new-task-prompt'), 'Do it');
  await type(q(root, 'new-task-budget'), 'lots');
  await type(q(root, 'new-task-model'), 'gpt 5');
  await act(async () => (q(root, 'new-task-launch') as HTMLElement).click());
  await settle();
  const problems = q(root, 'new-task-problems')?.textContent ?? '';
  assert.match(problems, /token budget/);
  assert.match(problems, /not a model name/);
  assert.equal(host.of('task/launch/start').length, 0, 'nothing launched');
  await act(async () => (q(root, 'tab-board') as HTMLElement).click());
  await settle();
  await act(async () => (q(root, 'tab-new-task') as HTMLElement).click());
  await settle();
  await host.reply(host.last('task/form/get')!.id, DEFAULTS);
  assert.equal(titleOf(root), 'Do it', 'the draft is still there');
});

test('follow-up: the attempt view sends a message on Ctrl+Enter and clears the box; a running attempt says why it cannot', async () => {
  const { host, root } = await open({ view: 'attempt', attemptId: `${T1}-4` });
  await type(q(root, 'attempt-message-text'), 'Please also handle Lisbon.\nThanks');
  await ctrlEnter(q(root, 'attempt-message-text'));
  const sent = host.last('attempt/followUp/send');
  assert.ok(sent, 'sent');
  assert.deepEqual(sent.params, { attemptId: `${T1}-4`, message: 'Please also handle Lisbon.\nThanks' });
  await host.reply(sent.id, null);
  assert.equal((q(root, 'attempt-message-text') as unknown as { value: string }).value, '', 'cleared once sent');

  const running = await open({ view: 'attempt', attemptId: `${T1}-1` });
  assert.equal(q(running.root, 'attempt-message-text'), null, 'no box on a working attempt');
  assert.match(q(running.root, 'attempt-message-blocked')?.textContent ?? '', /is working; wait until it ends/);
});

test('follow-up: "Message all" on the board sends one message for the task; skipped attempts are reported', async () => {
  const { host, root } = await open({ view: 'board' });
  await act(async () => (q(root, `message-all-${T1}`) as HTMLElement).click());
  await settle();
  await type(q(root, `task-message-${T1}-text`), 'One more pass, everyone.');
  await act(async () => (q(root, `task-message-${T1}-send`) as HTMLElement).click());
  await settle();
  const sent = host.last('task/followUp/send');
  assert.ok(sent);
  assert.deepEqual(sent.params, { taskId: T1, message: 'One more pass, everyone.' });
  await host.reply(sent.id, { sent: [3, 4], skipped: ['attempt #1 is working; wait until it ends'] });
  assert.match(q(root, 'notice')?.textContent ?? '', /Sent to attempts #3, #4; skipped: attempt #1 is working/);
  assert.equal(q(root, `task-message-${T1}`), null, 'the box closes once sent');
});
