// Unit: the extension's pure side of Land as Pull Request — quartet.github.* settings, progress lines, links, the task row.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configuredBySettings, githubSettings, landingLine, safeLink } from '../../src/extension/githubModel';
import { taskDescription } from '../../src/extension/viewModel/taskView';
import type { LandProgress } from '../../src/shared/model';

const reader =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

test('settings: API URL (http/https only, no trailing slash), owner+repo together, review policy, fix cap in range', () => {
  assert.deepEqual(githubSettings(reader({})), {});
  assert.deepEqual(
    githubSettings(
      reader({
        'github.apiUrl': ' https://ghe.example.com/api/v3/ ',
        'github.owner': 'o',
        'github.repo': 'r',
        'github.reviewPolicy': 'approved',
        'github.maxFixes': 2,
      }),
    ),
    {
      baseUrl: 'https://ghe.example.com/api/v3',
      owner: 'o',
      repo: 'r',
      reviewPolicy: 'approved',
      maxFixes: 2,
    },
  );
  assert.deepEqual(
    githubSettings(
      reader({
        'github.apiUrl': 'ghe.example.com',
        'github.owner': 'o',
        'github.reviewPolicy': 'sometimes',
        'github.maxFixes': 99,
      }),
    ),
    {},
  );
  assert.equal(configuredBySettings({}), false);
  assert.equal(configuredBySettings({ owner: 'o', repo: 'r' }), true);
  assert.equal(configuredBySettings({ baseUrl: 'http://127.0.0.1:1' }), true);
});

const landing = (o: Partial<LandProgress>): LandProgress => ({
  attemptId: 't-1-1',
  step: 'wait',
  status: 'running',
  message: '',
  steps: [],
  conflictFiles: [],
  ...o,
});
const pr = {
  number: 12,
  url: 'https://github.com/o/r/pull/12',
  state: 'open' as const,
  checks: { state: 'pending' as const, failing: [], pending: ['ci'] },
  reviews: { approved: [], changesRequested: [] },
  fixes: 0,
};

test('progress line: the current step with its latest detail and the PR', () => {
  assert.equal(
    landingLine(
      landing({
        step: 'wait',
        steps: [
          { step: 'push', status: 'ok', detail: 'abc' },
          { step: 'wait', status: 'running', detail: 'checks running: ci' },
        ],
        pr,
      }),
    ),
    'wait — checks running: ci (PR #12)',
  );
  assert.equal(landingLine(landing({ step: 'push', steps: [] })), 'push');
});

test('links: only http(s) opens', () => {
  assert.equal(safeLink('https://github.com/o/r/pull/1'), 'https://github.com/o/r/pull/1');
  assert.equal(safeLink('javascript:alert(1)'), null);
  assert.equal(safeLink('command:quartet.refresh'), null);
  assert.equal(safeLink(undefined), null);
  assert.equal(safeLink('not a url'), null);
});

test('task row names the PR while it lands, when it needs you, and after', () => {
  const attempts = [] as Parameters<typeof taskDescription>[0]['attempts'];
  assert.equal(
    taskDescription({ attempts, state: 'open', landing: landing({ pr }) }),
    'landing: wait (PR #12) · 0 attempts',
  );
  assert.equal(
    taskDescription({ attempts, state: 'open', landing: landing({ status: 'needs_you', pr }) }),
    'land needs you (PR #12) · 0 attempts',
  );
  assert.equal(
    taskDescription({
      attempts,
      state: 'landed',
      landing: landing({ status: 'landed', pr: { ...pr, state: 'merged' } }),
    }),
    'landed (PR #12) · 0 attempts',
  );
  assert.equal(
    taskDescription({ attempts, state: 'open', landing: landing({ status: 'conflict' }) }),
    'land conflict · 0 attempts',
  );
});
