// Integration: the Autopilot in a real supervisor with real git, the real Codex CLI and the demo model, fed by the test tracker file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { attachCli as attachCliWith, type AttachedCli } from '../support/autopilotCli';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, runCli, startHarness, waitForSnapshot, type Harness } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { issue } from '../support/memorySource';
import { readJournal } from '../../src/core/observability/journal';
import { TEST_TRACKER_ENV, type TestTrackerFile } from '../../src/core/autopilot/testTracker';
import type { NormalizedIssue } from '../../src/core/tracker/types';
import type { Snapshot, TaskSnapshot } from '../../src/shared/model';
import { isAlive } from '../../src/core/execution/processTree';
import { waitUntil } from '../support/waitUntil';

const trackerDir = mkdtempSync(join(tmpdir(), 'quartet-tracker-'));
const trackerFile = join(trackerDir, 'tracker.json');
let issues: NormalizedIssue[] = [];
let fail: TestTrackerFile['fail'] = null;
let preflightError: string | null = null;
const TOKEN_VAR = 'QUARTET_IT_TRACKER_TOKEN';
const TOKEN = 'trk-secret-4f7c9a1e2b';

/** Rewrites the tracker atomically: the supervisor never reads half a file. */
function writeTracker(): void {
  const body: TestTrackerFile = {
    autopilot: {
      pollIntervalMs: 1000,
      maxTurns: 2,
      activeStates: ['Todo', 'In Progress'],
      terminalStates: ['Done', 'Closed'],
    },
    launchOptions: { stallTimeoutMs: 600_000 },
    issues,
    fail,
    preflightError,
    secretEnvNames: [TOKEN_VAR],
  };
  writeFileSync(`${trackerFile}.tmp`, JSON.stringify(body));
  renameSync(`${trackerFile}.tmp`, trackerFile);
}

function setState(id: string, state: string): void {
  issues = issues.map((i) => (i.id === id ? { ...i, state } : i));
  writeTracker();
}

/** A GET on the supervisor's socket, as a dashboard or `curl --unix-socket` would send it. */
function getApi(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: h.client.socket, method: 'GET', path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** SPEC §13.7 `POST /api/v1/refresh`, by its own name (the client's autopilotRefresh uses /autopilot/refresh). */
function postRefresh(): Promise<{ status: number; body: { queued: boolean; operations: string[] } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: h.client.socket, method: 'POST', path: '/api/v1/refresh' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { queued: boolean; operations: string[] } }),
      );
    });
    req.on('error', reject);
    req.end('{}');
  });
}

const taskFor = (s: Snapshot, issueId: string): TaskSnapshot | undefined =>
  s.tasks.find((t) => t.source?.issueId === issueId);

let h: Harness;
before(async () => {
  issues = [
    issue({
      id: 'I_note',
      identifier: '#1',
      title: 'Add a demo note',
      description: 'Write a short note.',
      priority: 1,
    }),
    issue({
      id: 'I_hang',
      identifier: '#2',
      title: 'Think for a long time',
      description: 'Wait. [[quartet-demo:hang]]',
      priority: 2,
    }),
  ];
  writeTracker();
  h = await startHarness({ env: { [TEST_TRACKER_ENV]: trackerFile, [TOKEN_VAR]: TOKEN } });
});
after(async () => {
  await h?.cleanup();
  rmSync(trackerDir, { recursive: true, force: true });
});

const attachCli = (args: string[]): AttachedCli => attachCliWith(args, h.env);

test(
  'quartet autopilot: two active issues are picked up; a terminal move stops and cleans one; the other runs a continuation turn and finishes',
  { timeout: 180_000 },
  async () => {
    const cli = attachCli(['autopilot', '--repo', h.repo]);
    try {
      await cli.waitFor(/dispatching #1/, 30_000);
      await cli.waitFor(/dispatching #2/, 30_000);
      const both = await waitForSnapshot(h.client, 60_000, (s) => {
        const hang = taskFor(s, 'I_hang')?.attempts[0];
        return taskFor(s, 'I_note') && hang?.phase === 'working' && hang.threadId ? s : null;
      });
      const hangTask = taskFor(both, 'I_hang')!;
      assert.equal(hangTask.source?.identifier, '#2');
      assert.match(hangTask.key, /^2-think-for-a-long-time-[0-9a-f]{8}$/, 'task key from the identifier');
      assert.equal(hangTask.attempts.length, 1, 'attemptsPerIssue defaults to 1');
      const state = await h.client.state();
      const ap = state.autopilot as {
        running: {
          issue_identifier: string;
          issue_url: string;
          turn_count: number;
          recent_events: { message: string }[];
        }[];
        status: string;
      };
      assert.equal(ap.status, 'running');
      assert.ok(
        ap.running.some((r) => r.issue_identifier === '#2' && r.issue_url?.startsWith('https://')),
        JSON.stringify(ap.running),
      );
      const row2 = ap.running.find((r) => r.issue_identifier === '#2')!;
      assert.equal(row2.turn_count, 1);
      assert.ok(
        row2.recent_events.some((e) => /dispatching #2/.test(e.message)),
        JSON.stringify(row2.recent_events),
      );
      // SPEC §13.7 `GET /api/v1/<issue_identifier>`: the tracker's own key (`#2`, URL-encoded) names the issue.
      const byIdentifier = await getApi(`/api/v1/${encodeURIComponent('#2')}`);
      assert.equal(byIdentifier.status, 200);
      assert.deepEqual(
        [
          byIdentifier.body.issue_identifier,
          byIdentifier.body.issue_id,
          byIdentifier.body.task_id,
          byIdentifier.body.status,
        ],
        ['#2', 'I_hang', hangTask.id, 'running'],
      );
      assert.equal(
        (byIdentifier.body.running as { sessions: { session_id: string }[] }).sessions[0]?.session_id,
        hangTask.attempts[0]!.threadId,
      );
      assert.ok(
        (byIdentifier.body.recent_events as { message: string }[]).some((e) => /dispatching #2/.test(e.message)),
      );
      assert.equal((await getApi(`/api/v1/${encodeURIComponent('#99')}`)).status, 404);
      assert.deepEqual(await h.client.autopilotRefresh().then((r) => r.queued), true);
      const refreshed = await postRefresh();
      assert.equal(refreshed.status, 202);
      assert.deepEqual(refreshed.body.operations, ['poll', 'reconcile', 'dispatch']);

      // #2 goes to a terminal state while its attempt still runs: stopped, worktree archived and removed.
      const hangAttempt = hangTask.attempts[0]!;
      assert.ok(existsSync(hangAttempt.worktree));
      setState('I_hang', 'Done');
      const cleaned = await waitForSnapshot(h.client, 60_000, (s) => {
        const a = taskFor(s, 'I_hang')?.attempts[0];
        return a?.archived ? a : null;
      });
      assert.equal(cleaned.phase, 'stopped');
      assert.equal(cleaned.reason, 'canceled_by_reconciliation');
      assert.equal(existsSync(hangAttempt.worktree), false, 'its worktree is removed');
      assert.ok(existsSync(cleaned.archived!.patch), 'after an archive of its work');
      assert.match(cli.output(), /stopping #2: the issue moved to Done/);

      // #1 finishes turn 1, gets a continuation turn on the same thread (maxTurns 2), then waits for review.
      const done = await waitForSnapshot(h.client, 120_000, (s) => {
        const row = s.autopilot?.issues.find((i) => i.id === 'I_note');
        return row?.status === 'held' ? s : null;
      });
      const note = taskFor(done, 'I_note')!.attempts[0]!;
      assert.equal(note.phase, 'finished', note.lastError ?? '');
      assert.equal(note.threadIds.length, 1, 'the continuation ran on the same Codex thread');
      assert.deepEqual(
        note.followUps.map((f) => [f.reason, f.outcome]),
        [['autopilot-continue', 'completed']],
        'as a follow-up turn',
      );
      assert.ok(note.filesChanged >= 1);
      const raw = readJournal(note.journal).flatMap((r) =>
        r.kind === 'raw' ? [r.msg as { method?: string; params?: { input?: { text?: string }[] } }] : [],
      );
      assert.equal(raw.filter((m) => m.method === 'thread/resume').length, 1);
      const turns = raw.filter((m) => m.method === 'turn/start').map((m) => m.params?.input?.[0]?.text ?? '');
      assert.equal(turns.length, 2);
      assert.match(turns[0] ?? '', /Work on tracker issue #1/);
      assert.match(turns[1] ?? '', /^Continuation \(turn 2 of at most 2\)/);
      assert.match(done.autopilot?.issues.find((i) => i.id === 'I_note')?.note ?? '', /awaits review/);
      assert.match(cli.output(), /continuation turn 2/);
    } finally {
      cli.child.kill('SIGINT');
    }
    assert.equal(await cli.exit, 0, cli.output());
    assert.match(cli.output(), /stopped: stopped by a client/);
    assert.equal((await h.client.snapshot()).autopilot?.status, 'stopped');
  },
);

test(
  'quartet autopilot --once --json: one tick dispatches a new issue and stops; the tracker credential never reaches the agent; failures exit 1 or 2',
  { timeout: 90_000 },
  async () => {
    issues = [
      ...issues,
      issue({
        id: 'I_three',
        identifier: 'ABC-3',
        title: 'Third',
        description: 'Show your environment. [[quartet-demo:env]]',
      }),
    ];
    writeTracker();
    const once = await runCli(['autopilot', '--once', '--json', '--repo', h.repo], h.env);
    assert.equal(once.code, 0, once.stderr);
    const ap = JSON.parse(once.stdout) as {
      status: string;
      totals: { dispatched: number };
      events: { message: string }[];
    };
    assert.equal(ap.status, 'stopped');
    assert.equal(ap.totals.dispatched, 1);
    assert.ok(ap.events.some((e) => /dispatching ABC-3/.test(e.message)));
    const task = taskFor(await h.client.snapshot(), 'I_three');
    assert.equal(task?.source?.identifier, 'ABC-3');
    // The attempt goes on as an ordinary task after --once; its agent dumped its environment.
    const ended = await waitForSnapshot(h.client, 60_000, (s) => {
      const a = taskFor(s, 'I_three')?.attempts[0];
      return a && a.phase === 'finished' ? a : null;
    });
    const dump = readFileSync(join(ended.worktree, 'quartet-env-dump.txt'), 'utf8');
    assert.match(dump, /QUARTET_TASK_ID=/, 'the dump is the agent environment');
    assert.equal(dump.includes(TOKEN_VAR), false, 'the tracker credential variable is not passed on');
    assert.equal(dump.includes(TOKEN), false);

    fail = 'states';
    writeTracker();
    const broken = await runCli(['autopilot', '--once', '--repo', h.repo], h.env);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /poll failed.*scripted states failure/);
    fail = null;
    preflightError = `${TOKEN_VAR} is not set`;
    writeTracker();
    const unready = await runCli(['autopilot', '--once', '--repo', h.repo], h.env);
    assert.equal(unready.code, 2, unready.stderr);
    assert.match(unready.stderr, /QUARTET_IT_TRACKER_TOKEN is not set/);
    preflightError = null;
    writeTracker();
  },
);

test(
  'Launch Attempts on Issue: a task from one issue by hand, and the Autopilot leaves it alone while it runs',
  { timeout: 60_000 },
  async () => {
    issues = [
      ...issues,
      issue({ id: 'I_hand', identifier: '#4', title: 'By hand', description: 'Write a note. [[quartet-demo:slow]]' }),
    ];
    writeTracker();
    const t = await h.client.launchIssue('I_hand', { attempts: 2 });
    assert.equal(t.attempts.length, 2);
    assert.equal(t.source?.issueId, 'I_hand');
    const ap = await h.client.autopilotStart({ once: true });
    assert.equal(
      ap.events.some((e) => /dispatching #4/.test(e.message)),
      false,
      'held while its attempts run',
    );
    assert.match(ap.issues.find((i) => i.id === 'I_hand')?.note ?? '', /running/);
    await assert.rejects(h.client.launchIssue('I_missing'), /not visible/);
  },
);

test('without a tracker, quartet autopilot fails with a clear usage error (exit 2)', { timeout: 60_000 }, async () => {
  const other = await startHarness();
  try {
    const r = await runCli(['autopilot', '--once', '--repo', other.repo], other.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no tracker configured in WORKFLOW\.md \(tracker\.kind\)/);
    assert.equal((await other.client.snapshot()).autopilot?.configured, false);
  } finally {
    await other.cleanup();
  }
});

test(
  'a running Autopilot is started again by the next supervisor (it needs no credential here) with its retry queue; Stop is remembered too',
  { timeout: 90_000 },
  async () => {
    // One issue whose attempt fails: it waits in the retry queue (10 s backoff) when the supervisor goes down.
    issues = [
      ...issues.map((i) => ({ ...i, state: 'Done' })),
      issue({ id: 'I_fails', identifier: '#9', title: 'Fails', description: 'x [[quartet-demo:fail]]' }),
    ];
    writeTracker();
    assert.equal((await h.client.autopilotStart()).status, 'running');
    const queued = await waitForSnapshot(
      h.client,
      30_000,
      (s) => s.autopilot?.retrying.find((r) => r.identifier === '#9') ?? null,
    );
    assert.equal(queued.attempt, 1);
    const restart = async (): Promise<void> => {
      const { pid } = await h.client.diagnostics();
      await h.client.shutdown();
      h.client.close();
      // The next supervisor starts only once this one has let go of the repository.
      await waitUntil(() => !isAlive(pid), 20_000, 'the old supervisor to exit');
      h.client = await SupervisorClient.connect({
        repo: h.repo,
        supervisorEntry: join(DIST, 'supervisor.js'),
        env: h.env,
      });
    };
    await restart();
    const again = await waitForSnapshot(h.client, 20_000, (s) =>
      s.autopilot?.status === 'running' ? s.autopilot : null,
    );
    assert.equal(again.wanted, true);
    assert.equal(again.problem, null);
    // The retry came back with the new supervisor: same attempt number, due when it was due, and the tree says so.
    const resumed = again.retrying.find((r) => r.identifier === '#9');
    assert.ok(resumed, JSON.stringify(again.retrying));
    assert.deepEqual([resumed.attempt, resumed.dueAt], [queued.attempt, queued.dueAt]);
    assert.ok(again.events.some((e) => /resumed 1 retry from before the restart: #9/.test(e.message)));
    issues = issues.map((i) => ({ ...i, state: 'Done' }));
    writeTracker();
    const logged = /autopilot: restarted \(it was running before the supervisor restarted\)/;
    await waitUntil(
      () => logged.test(readFileSync(join(h.repo, '.git', 'quartet', 'supervisor.log'), 'utf8')),
      5000,
      'the restart in the supervisor log',
    );
    assert.equal((await h.client.autopilotStop()).wanted, false);
    const log = (): string => readFileSync(join(h.repo, '.git', 'quartet', 'supervisor.log'), 'utf8');
    const stays = /autopilot: stays stopped \(it was not running before the supervisor restarted\)/g;
    const before = log().match(stays)?.length ?? 0;
    await restart();
    // The new supervisor logs its decision: staying stopped is an event to wait for, not a silence to sit out.
    await waitUntil(() => (log().match(stays)?.length ?? 0) > before, 20_000, 'the decision to stay stopped');
    assert.equal((await h.client.autopilot()).status, 'stopped', 'stopped by a person: not restarted');
  },
);

test(
  'quartet autopilot exits non-zero, saying so, when its supervisor dies under it',
  { timeout: 60_000 },
  async () => {
    const cli = attachCli(['autopilot', '--repo', h.repo]);
    await cli.waitFor(/started on test tracker/, 20_000);
    const { pid } = JSON.parse(readFileSync(join(h.repo, '.git', 'quartet', 'supervisor.json'), 'utf8')) as {
      pid: number;
    };
    process.kill(pid, 'SIGKILL');
    assert.equal(await cli.exit, 1, cli.output());
    assert.match(cli.output(), /quartet: lost the supervisor/);
    h.client.close();
    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
  },
);
