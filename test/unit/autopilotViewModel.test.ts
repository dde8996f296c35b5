// Unit: the Autopilot section of the Tasks tree — visibility, context keys, status/issue/retry rows, and the package.json menus that match them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { emptyAutopilotSnapshot, type AutopilotIssueRow, type AutopilotSnapshot } from '../../src/shared/autopilot';
import {
  autopilotContext,
  autopilotRowsKey,
  autopilotSectionRow,
  autopilotSectionVisible,
  autopilotStatusRow,
  issueRowView,
  retryRowView,
} from '../../src/extension/viewModel/autopilotView';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const at = (deltaMs: number): string => new Date(NOW + deltaMs).toISOString();

function ap(over: Partial<AutopilotSnapshot> = {}): AutopilotSnapshot {
  return { ...emptyAutopilotSnapshot(true, 'GitHub octo/demo'), ...over };
}

function row(over: Partial<AutopilotIssueRow> = {}): AutopilotIssueRow {
  return {
    id: 'I_1',
    identifier: '#1',
    title: 'Fix the greeter',
    state: 'Todo',
    labels: ['bug'],
    url: 'https://github.com/octo/demo/issues/1',
    priority: 2,
    status: 'eligible',
    note: null,
    taskId: null,
    ...over,
  };
}

interface MenuItem {
  command: string;
  when: string;
}
const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuItem[]> };
};
/** Whether the tree's context menu offers `command` on a row with this contextValue (the `viewItem =~ /…/` part). */
function offered(command: string, contextValue: string): boolean {
  return pkg.contributes.menus['view/item/context']!.filter((m) => m.command === command).some((m) => {
    const re = /viewItem =~ \/(.*)\/$/.exec(m.when)?.[1];
    return !!re && new RegExp(re).test(contextValue);
  });
}

test('the section shows only once a tracker is configured or something ran; the context key follows', () => {
  assert.equal(autopilotSectionVisible(undefined), false);
  assert.equal(autopilotSectionVisible(emptyAutopilotSnapshot(false)), false);
  assert.equal(autopilotSectionVisible(emptyAutopilotSnapshot(true)), true);
  assert.equal(autopilotContext(undefined), 'unconfigured');
  assert.equal(autopilotContext(emptyAutopilotSnapshot(false)), 'unconfigured');
  assert.equal(autopilotContext(ap()), 'stopped');
  assert.equal(autopilotContext(ap({ status: 'running' })), 'running');
});

test('status row: where it runs, last and next poll, the error; stopped and unconfigured say what to do', () => {
  const running = autopilotStatusRow(ap({ status: 'running', lastPollAt: at(-12_000), nextPollAt: at(18_000) }), NOW);
  assert.equal(running.label, 'Running on GitHub octo/demo');
  assert.equal(running.description, 'last poll 12s ago · next in 18s');
  assert.equal(running.contextValue, 'quartet.autopilot.status.running');
  const failing = autopilotStatusRow(
    ap({ status: 'running', lastPollAt: at(-1000), lastPollError: 'tracker: 401 Bad credentials' }),
    NOW,
  );
  assert.match(failing.description, /tracker: 401 Bad credentials/);
  assert.equal(failing.icon.id, 'warning');
  assert.match(autopilotStatusRow(ap(), NOW).description, /Start Autopilot/);
  assert.match(autopilotStatusRow(emptyAutopilotSnapshot(false), NOW).description, /tracker\.kind/);
  assert.match(
    autopilotSectionRow(
      ap({
        status: 'running',
        retrying: [
          { issueId: 'x', identifier: '#9', url: null, attempt: 1, dueAt: at(1), error: null, kind: 'failure' },
        ],
      }),
    ).description,
    /running · 1 retrying/,
  );
});

test('status row: a failed start shows its typed error; after a restart without the token it says to start again', () => {
  const missing = autopilotStatusRow(
    ap({
      problem: { code: 'missing_tracker_secret', message: 'No GitHub token for octo/demo: set QUARTET_GITHUB_TOKEN.' },
    }),
    NOW,
  );
  assert.equal(missing.label, 'Could not start: missing_tracker_secret');
  assert.equal(missing.description, 'No GitHub token for octo/demo: set QUARTET_GITHUB_TOKEN.');
  assert.equal(missing.icon.id, 'warning');
  const again = autopilotStatusRow(
    ap({
      wanted: true,
      problem: { code: 'needs_credentials', message: 'needs the tracker token again: run Start Autopilot.' },
    }),
    NOW,
  );
  assert.equal(again.label, 'Needs the token again: run Start Autopilot');
  assert.equal(again.contextValue, 'quartet.autopilot.status.stopped', 'Start Autopilot is offered on it');
  assert.match(
    autopilotSectionRow(ap({ problem: { code: 'needs_credentials', message: '…' } })).description,
    /stopped · needs the token again/,
  );
  // A running Autopilot ignores a stale problem (it is cleared on start anyway).
  assert.match(
    autopilotStatusRow(ap({ status: 'running', problem: { code: 'x', message: 'old' } }), NOW).label,
    /^Running/,
  );
});

test('issue rows: identifier and title, state · labels · status with its reason; untrusted text escaped in tooltips', () => {
  const v = issueRowView(row({ status: 'held', note: 'result of t-1 awaits review', taskId: 't-1' }));
  assert.equal(v.label, '#1 Fix the greeter');
  assert.equal(v.description, 'Todo · bug · held: result of t-1 awaits review');
  assert.match(v.tooltip, /Task: t\\-1/);
  const evil = issueRowView(row({ title: '[click](command:quartet.stopAttempt) **x**' }));
  assert.doesNotMatch(evil.tooltip, /\[click\]\(command:/);
  assert.equal(issueRowView(row({ status: 'running' })).description, 'Todo · bug · running');
});

test('a skipped issue (author without write access) says why in the row, and the whole reason and fix in the tooltip', () => {
  const note = 'author drive-by (NONE) has no write access; a maintainer can add the label `quartet-ok` to run it';
  const v = issueRowView(row({ status: 'skipped', note }));
  assert.match(v.description, /^Todo · bug · skipped: author drive-by \(NONE\) has no write access/);
  assert.ok(
    v.tooltip.includes(
      'Autopilot: skipped: author drive\\-by \\(NONE\\) has no write access; a maintainer can add the label \\`quartet\\-ok\\` to run it',
    ),
    v.tooltip,
  );
  assert.deepEqual(v.icon, { id: 'shield', color: 'charts.orange' });
});

test('issue and retry rows carry context values the package.json menus match: open link, launch by hand, start/stop/refresh', () => {
  const eligible = issueRowView(row()).contextValue;
  assert.equal(eligible, 'quartet.autopilot.issue.link.launchable');
  assert.ok(offered('quartet.openIssue', eligible));
  assert.ok(offered('quartet.launchIssueAttempts', eligible));
  const running = issueRowView(row({ status: 'running', url: null })).contextValue;
  assert.equal(running, 'quartet.autopilot.issue');
  assert.equal(offered('quartet.launchIssueAttempts', running), false, 'no second launch while the Autopilot runs it');
  assert.equal(offered('quartet.openIssue', running), false, 'no link to open');
  const retry = retryRowView(
    {
      issueId: 'I_1',
      identifier: '#1',
      url: 'https://x.test/1',
      attempt: 2,
      dueAt: at(20_000),
      error: 'worker exited: failed',
      kind: 'failure',
    },
    NOW,
  );
  assert.deepEqual([retry.label, retry.description], ['#1 retry 2', 'in 20s · worker exited: failed']);
  assert.ok(offered('quartet.openIssue', retry.contextValue));
  assert.equal(
    retryRowView(
      { issueId: 'I_1', identifier: '#1', url: null, attempt: 1, dueAt: at(-5), error: null, kind: 'continuation' },
      NOW,
    ).label,
    '#1 re-check',
  );
  const stoppedStatus = autopilotStatusRow(ap(), NOW).contextValue;
  const runningStatus = autopilotStatusRow(ap({ status: 'running' }), NOW).contextValue;
  assert.ok(offered('quartet.startAutopilot', stoppedStatus) && !offered('quartet.stopAutopilot', stoppedStatus));
  assert.ok(
    offered('quartet.stopAutopilot', runningStatus) &&
      offered('quartet.refreshAutopilot', runningStatus) &&
      !offered('quartet.startAutopilot', runningStatus),
  );
  assert.ok(offered('quartet.startAutopilot', autopilotSectionRow(ap()).contextValue));
  assert.equal(
    offered('quartet.startAutopilot', autopilotSectionRow(emptyAutopilotSnapshot(false)).contextValue),
    false,
  );
});

test('the rows key ignores run-time counters and events (no refresh storm) but sees row changes', () => {
  const a = ap({ status: 'running', issues: [row()] });
  const ticking = {
    ...a,
    totals: { ...a.totals, secondsRunning: 99 },
    events: [{ seq: 1, at: at(0), message: 'poll', issue: null }],
  };
  assert.equal(autopilotRowsKey(a), autopilotRowsKey(ticking));
  assert.notEqual(autopilotRowsKey(a), autopilotRowsKey({ ...a, issues: [row({ state: 'In Progress' })] }));
  assert.notEqual(autopilotRowsKey(a), autopilotRowsKey({ ...a, lastPollAt: at(1) }));
});
