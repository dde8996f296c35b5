// Unit: prompt construction (SPEC §5.4, §12) and the supervisor's workflow runtime — issue mapping, attempt numbering, warnings, hooks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadWorkflow, parseWorkflow } from '../../src/core/workflow/loader';
import { localTaskIssue, MINIMAL_PROMPT, renderWorkflowPrompt, templateIssue } from '../../src/core/workflow/prompt';
import { WorkflowRuntime } from '../../src/core/workflow/workflowRuntime';
import { AttemptSetupError } from '../../src/core/workflow/attemptHooks';
import { defaultPrompt } from '../../src/core/policy/defaultPrompt';
import { readJournal } from '../../src/core/observability/journal';
import type { NormalizedIssue } from '../../src/core/tracker/types';
import { sandboxTestEnv } from '../support/sandboxEnv';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/workflow');

const trackerIssue: NormalizedIssue = {
  id: 'lin_1',
  nativeRef: { teamKey: 'ENG' },
  identifier: 'ENG-42',
  title: 'Flaky login test',
  description: null,
  priority: 1,
  state: 'In Progress',
  branchName: 'eng-42-flaky',
  url: 'https://linear.app/acme/issue/ENG-42',
  assigneeId: null,
  labels: ['bug', 'flaky'],
  blockedBy: [{ id: 'lin_0', identifier: 'ENG-41', state: 'Done' }],
  dispatchable: true,
  author: { login: 'Ann', role: 'member', canWrite: true },
  createdAt: '2026-01-02T03:04:05Z',
  updatedAt: null,
};

test('the template sees every normalized field, snake_case, with lists kept for loops', () => {
  assert.deepEqual(Object.keys(templateIssue(trackerIssue)).sort(), [
    'assignee_id',
    'blocked_by',
    'branch_name',
    'created_at',
    'description',
    'dispatchable',
    'id',
    'identifier',
    'labels',
    'native_ref',
    'priority',
    'state',
    'title',
    'updated_at',
    'url',
  ]);
  const def = parseWorkflow(
    '{% for b in issue.blocked_by %}{{ b.identifier }}:{{ b.state }}{% endfor %} {{ issue.branch_name }} {{ issue.native_ref.teamKey }} {{ issue.created_at }}',
    '/r/WORKFLOW.md',
    { env: {} },
  );
  assert.equal(renderWorkflowPrompt(def, trackerIssue, null), 'ENG-41:Done eng-42-flaky ENG 2026-01-02T03:04:05Z');
});

test('the Symphony-style fixture renders issue and attempt: first run, retry, description or not', () => {
  const def = loadWorkflow(join(FIXTURES, 'symphony-style.md'), { env: {} });
  const first = renderWorkflowPrompt(def, trackerIssue, null);
  assert.match(first, /^You are picking up tracker ticket `ENG-42`\./);
  assert.match(first, /Labels: bugflaky\n/, 'a list renders as Liquid does');
  assert.match(first, /Link: https:\/\/linear\.app\/acme\/issue\/ENG-42\n/);
  assert.match(first, /The ticket has no description\./);
  assert.doesNotMatch(first, /run number/);
  const retry = renderWorkflowPrompt(def, { ...trackerIssue, description: 'Fails one run in five.' }, 2);
  assert.match(retry, /This is run number 2 of this ticket/);
  assert.match(retry, /What it asks:\n\nFails one run in five\.\n/);
  assert.doesNotMatch(retry, /no description/);
});

test('strict rendering: an unknown variable fails; an empty body falls back to the minimal prompt', () => {
  const bad = parseWorkflow('{{ issue.assignee.name }}', '/r/WORKFLOW.md', { env: {} });
  assert.throws(
    () => renderWorkflowPrompt(bad, trackerIssue, null),
    (e: Error & { code?: string }) => e.code === 'template_render_error' && /issue\.assignee/.test(e.message),
  );
  assert.equal(
    renderWorkflowPrompt(parseWorkflow('---\n---\n', '/r/W.md', { env: {} }), trackerIssue, null),
    MINIMAL_PROMPT,
  );
  assert.throws(() => renderWorkflowPrompt(bad, trackerIssue, 0), /attempt must be null or a positive integer/);
});

test('a local task as an issue: identifier = task key, description = the prompt, In Progress, no labels', () => {
  const issue = localTaskIssue({
    id: 't-abc',
    key: 'fix-login-1234abcd',
    title: 'Fix login',
    prompt: 'Make the submit button work',
    createdAt: '2026-05-01T00:00:00Z',
    branch: 'quartet/fix-login-1234abcd/2',
  });
  assert.deepEqual(
    {
      identifier: issue.identifier,
      title: issue.title,
      description: issue.description,
      state: issue.state,
      labels: issue.labels,
      branchName: issue.branchName,
      url: issue.url,
    },
    {
      identifier: 'fix-login-1234abcd',
      title: 'Fix login',
      description: 'Make the submit button work',
      state: 'In Progress',
      labels: [],
      branchName: 'quartet/fix-login-1234abcd/2',
      url: null,
    },
  );
});

function runtimeIn(dir: string, lines: string[] = []): WorkflowRuntime {
  const rt = new WorkflowRuntime({
    repo: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    log: (l) => lines.push(l),
    onChange: () => undefined,
    pollMs: 60_000,
  });
  rt.setPath(null);
  return rt;
}

const task = {
  id: 't-1',
  key: 'fix-login-1234abcd',
  title: 'Fix login',
  prompt: 'Make the submit button work',
  createdAt: '2026-05-01T00:00:00Z',
};
const attempt = {
  task,
  index: 2,
  attempts: 3,
  worktree: '/wt/fix/2',
  branch: 'quartet/fix-login-1234abcd/2',
  addendum: null,
};

test('runtime prompt: the rendered body, then Quartet attempt rules; attempt null first, then the retry count; default prompt without a body', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-rt-'));
  try {
    const rt = runtimeIn(dir);
    assert.equal(
      rt.prompt({ ...attempt, retries: 0 }),
      defaultPrompt({
        title: task.title,
        prompt: task.prompt,
        index: 2,
        attempts: 3,
        worktree: '/wt/fix/2',
        branch: attempt.branch,
      }),
      'no WORKFLOW.md: unchanged default prompt',
    );
    writeFileSync(
      join(dir, 'WORKFLOW.md'),
      'Ticket {{ issue.identifier }} ({{ quartet.attempt_index }}/{{ quartet.attempts }}): {{ issue.description }}{% if attempt %} retry {{ attempt }}{% endif %}',
    );
    rt.refresh();
    const first = rt.prompt({ ...attempt, retries: 0, addendum: 'Previous attempt was discarded.' });
    assert.match(
      first,
      /^Ticket fix-login-1234abcd \(2\/3\): Make the submit button work\n\n---\nYou are attempt 2 of 3 at the task "Fix login"/,
    );
    assert.match(first, /Do not run `git commit`/);
    assert.match(first, /\n\nPrevious attempt was discarded\.$/);
    assert.match(rt.prompt({ ...attempt, retries: 2 }), /^Ticket [^\n]* retry 2\n/);
    writeFileSync(join(dir, 'WORKFLOW.md'), '{{ issue.nope }}');
    rt.refresh();
    assert.throws(
      () => rt.prompt({ ...attempt, retries: 0 }),
      (e: unknown) =>
        e instanceof AttemptSetupError &&
        e.reason === 'template_error' &&
        /WORKFLOW\.md: template_render_error: unknown variable "issue\.nope"/.test(e.message),
    );
    rt.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runtime prompt of a task made from an issue: the real issue (labels, url, state) is rendered once; the caller’s attempt number wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-rt-'));
  try {
    const rt = runtimeIn(dir);
    writeFileSync(
      join(dir, 'WORKFLOW.md'),
      '{{ issue.identifier }} [{{ issue.state }}] {{ issue.labels | join: "," }} {{ issue.url }}: {{ issue.description | default: "none" }}{% if attempt %} (retry {{ attempt }}){% endif %}',
    );
    rt.refresh();
    // The task's own text (what the Autopilot would use without a template) is not what the template renders.
    const p = { ...attempt, task: { ...task, prompt: 'Work on tracker issue ENG-42: …' }, issue: trackerIssue };
    const first = rt.prompt({ ...p, retries: 0 });
    assert.match(first, /^ENG-42 \[In Progress\] bug,flaky https:\/\/linear\.app\/acme\/issue\/ENG-42: none\n\n---\n/);
    assert.doesNotMatch(first, /Work on tracker issue/, 'the template is not rendered over a pre-rendered prompt');
    assert.match(
      rt.prompt({ ...p, retries: 5, templateAttempt: 2 }),
      /^ENG-42 [^\n]* \(retry 2\)\n/,
      'the Autopilot retry number, not the attempt record count',
    );
    assert.doesNotMatch(
      rt.prompt({ ...p, retries: 5, templateAttempt: null }),
      /retry/,
      'an explicit null is a first run',
    );
    assert.match(rt.prompt({ ...p, retries: 1 }), /\(retry 1\)/, 'without one, the record count');
    writeFileSync(join(dir, 'WORKFLOW.md'), '---\nquartet:\n  attempts: 2\n---\n');
    rt.refresh();
    assert.match(
      rt.prompt({ ...p, retries: 0 }),
      /^Work on tracker issue ENG-42: …\n\n---\nYou are attempt 2 of 3/,
      'no template body: the task text inside the default prompt',
    );
    rt.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runtime warnings: an invalid edit keeps the last good config and says so; a template error warns too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-rt-'));
  try {
    const path = join(dir, 'WORKFLOW.md');
    writeFileSync(path, '---\nquartet:\n  attempts: 2\nagent:\n  max_concurrent_agents: 5\n---\nDo {{ issue.title }}');
    const rt = runtimeIn(dir);
    assert.deepEqual(rt.warnings(), []);
    assert.equal(rt.attempts(), 2);
    assert.equal(rt.maxConcurrent(), 5);
    writeFileSync(path, '---\nquartet:\n  attempts: 99\n---\n');
    rt.refresh();
    assert.equal(rt.warnings().length, 1);
    assert.match(
      rt.warnings()[0] ?? '',
      /^WORKFLOW\.md: invalid_workflow_config: quartet\.attempts: expected an integer from 1 to 16 \(got 99\) \(the last valid version stays in force\)$/,
    );
    assert.equal(rt.attempts(), 2, 'last good');
    assert.equal(rt.summary()?.status, 'error');
    assert.equal(rt.summary()?.inForce, true);
    writeFileSync(path, 'Do {% nope %}');
    rt.refresh();
    assert.match(
      rt.warnings().join('\n'),
      /^WORKFLOW\.md: template_parse_error: unknown tag "nope"; supported: [a-z, ]+ \(line 1\) \(attempts fail until the prompt is fixed\)$/,
    );
    assert.equal(rt.attempts(), null, 'the new file is valid config: its (absent) keys apply');
    rt.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runtime hooks: journaled with name, exit code, duration and output; fatal only for after_create/before_run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-rt-'));
  try {
    const wt = join(dir, 'wt');
    writeFileSync(
      join(dir, 'WORKFLOW.md'),
      '---\nhooks:\n  before_run: |\n    echo "before $QUARTET_ATTEMPT_ID on $QUARTET_BRANCH" > before.txt\n    echo "secret=${LINEAR_API_KEY:-none}"\n    exit 4\n  after_run: exit 5\n---\n',
    );
    mkdirSync(wt);
    const lines: string[] = [];
    const rt = runtimeIn(dir, lines);
    const journal = join(dir, 'journal.jsonl');
    // before_run/after_run run in Codex's sandbox: the env names the repo's Codex and a hermetic CODEX_HOME.
    const ctx = {
      attemptId: 't-1-2',
      taskId: 't-1',
      worktree: wt,
      branch: 'quartet/x/2',
      env: sandboxTestEnv(dir, { LINEAR_API_KEY: 'lin_api_should_not_leak' }),
      journal,
    };
    await assert.rejects(
      rt.requireHook('before_run', ctx),
      (e: unknown) =>
        e instanceof AttemptSetupError &&
        e.reason === 'hook_failed' &&
        /^before_run hook failed \(exit 4\): secret=none$/.test(e.message),
    );
    assert.equal(readFileSync(join(wt, 'before.txt'), 'utf8'), 'before t-1-2 on quartet/x/2\n');
    const after = await rt.hook('after_run', ctx);
    assert.equal(after?.fatal, false, 'after_run failures are logged and ignored');
    assert.equal(await rt.hook('before_remove', ctx), null, 'no script, no run');
    const events = readJournal(journal).flatMap((r) =>
      r.kind === 'event' && r.event.type === 'hook' ? [r.event] : [],
    );
    assert.deepEqual(
      events.map((e) => [e.name, e.ok, e.exitCode, e.sandboxed]),
      [
        ['before_run', false, 4, true],
        ['after_run', false, 5, true],
      ],
    );
    assert.ok(events.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0));
    assert.match(events[0]?.output ?? '', /secret=none/);
    assert.ok(
      lines.some((l) => /attempt=t-1-2 hook=before_run exit=4/.test(l)),
      lines.join('\n'),
    );
    assert.equal(existsSync(join(wt, 'after.txt')), false);
    rt.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
