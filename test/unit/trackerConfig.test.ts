// Tracker config → TaskSource: kinds, validation errors, profile defaults, credentials ($VAR, secret store, env), local source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTaskSource,
  effectiveTrackerStates,
  type TrackerConfig,
  type TrackerDeps,
} from '../../src/core/tracker/createTaskSource';
import { createLocalSource, type LocalTask } from '../../src/core/tracker/localSource';
import { TrackerError } from '../../src/core/tracker/types';
import { scrubSecrets } from '../../src/core/config/secrets';
import { startRecordedServer } from '../support/recordedHttp';

const deps = (extra: Partial<TrackerDeps> = {}): TrackerDeps => ({ env: {}, warn: () => {}, ...extra });

function thrown(fn: () => unknown): TrackerError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TrackerError, String(err));
    return err;
  }
  assert.fail('expected a TrackerError');
}
async function rejection(p: Promise<unknown>): Promise<TrackerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TrackerError, String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

test('kind: unsupported → unsupported_tracker_kind naming the choices; missing → invalid_tracker_config', () => {
  const e = thrown(() => createTaskSource({ kind: 'jira' }, deps()));
  assert.equal(e.category, 'unsupported_tracker_kind');
  assert.match(e.message, /"jira".*local, github, linear/);
  assert.equal(thrown(() => createTaskSource({ kind: '' }, deps())).category, 'invalid_tracker_config');
  assert.equal(thrown(() => createTaskSource({} as TrackerConfig, deps())).category, 'invalid_tracker_config');
});

test('invalid provider settings name the key and the fix', () => {
  const cases: Array<[TrackerConfig, RegExp]> = [
    [{ kind: 'github' }, /tracker\.provider\.repo is required/],
    [{ kind: 'github', provider: { repo: 'just-a-name' } }, /owner\/name/],
    [
      { kind: 'github', provider: { repo: 'a/b', endpoint: 'not a url' } },
      /tracker\.provider\.endpoint must be an absolute/,
    ],
    [{ kind: 'github', provider: { repo: 'a/b', page_size: 500 } }, /page_size must be an integer from 1 to 100/],
    [{ kind: 'github', provider: { repo: 'a/b', state_labels: ['in-progress'] } }, /state_labels must be a map/],
    [{ kind: 'github', provider: { repo: 'a/b', state_labels: { doing: '' } } }, /state_labels\.doing/],
    [{ kind: 'github', provider: { repo: 'a/b', allow_unassigned: 'yes' } }, /allow_unassigned must be true or false/],
    [{ kind: 'linear' }, /project_slug is required/],
    [{ kind: 'linear', provider: { project_slug: 7 } }, /project_slug must be a string/],
    [
      { kind: 'linear', provider: { project_slug: 'abc' }, activeStates: 'Todo' as unknown as string[] },
      /tracker\.active_states must be a list/,
    ],
    [{ kind: 'local' }, /localTasks/],
  ];
  for (const [config, message] of cases) {
    const e = thrown(() => createTaskSource(config, deps()));
    assert.equal(e.category, 'invalid_tracker_config', JSON.stringify(config));
    assert.match(e.message, message);
  }
});

test('profile defaults for active/terminal states, overridable by config', () => {
  assert.deepEqual(effectiveTrackerStates({ kind: 'local' }, deps()), {
    activeStates: ['In Progress'],
    terminalStates: ['Done', 'Cancelled'],
  });
  assert.deepEqual(
    effectiveTrackerStates(
      {
        kind: 'github',
        provider: { repo: 'o/r', state_labels: { 'in-progress': 'In Progress', review: 'Human Review' } },
      },
      deps(),
    ),
    {
      activeStates: ['open', 'In Progress', 'Human Review'],
      terminalStates: ['closed'],
    },
  );
  assert.deepEqual(effectiveTrackerStates({ kind: 'linear', provider: { project_slug: 'x' } }, deps()), {
    activeStates: ['Todo', 'In Progress'],
    terminalStates: ['Closed', 'Cancelled', 'Canceled', 'Duplicate', 'Done'],
  });
  assert.deepEqual(
    effectiveTrackerStates(
      { kind: 'linear', provider: { project_slug: 'x' }, activeStates: ['Ready'], terminalStates: ['Shipped'] },
      deps(),
    ),
    {
      activeStates: ['Ready'],
      terminalStates: ['Shipped'],
    },
  );
});

test('sources carry kind, label and the secret env names launchers must scrub', () => {
  const gh = createTaskSource({ kind: 'github', provider: { repo: 'acme/app', token: '$ACME_GH_TOKEN' } }, deps());
  assert.deepEqual([gh.kind, gh.label], ['github', 'GitHub acme/app']);
  assert.deepEqual(gh.secretEnvNames, ['QUARTET_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'ACME_GH_TOKEN']);
  const env = { ACME_GH_TOKEN: 'ghp_x1234567', PATH: '/bin' };
  assert.deepEqual(scrubSecrets(env, gh.secretEnvNames), { PATH: '/bin' });
  const lin = createTaskSource({ kind: 'linear', provider: { projectSlug: 'abc123', apiKey: '${MY_LINEAR}' } }, deps());
  assert.deepEqual(
    [lin.kind, lin.label, lin.secretEnvNames],
    ['linear', 'Linear abc123', ['LINEAR_API_KEY', 'MY_LINEAR']],
  );
});

test('credentials: $VAR wins (empty = missing, no fallback), else secret store, else env names in order', async () => {
  const server = await startRecordedServer();
  try {
    server.route('GET', '/repos/o/r/issues', { status: 200, body: [] });
    const run = async (provider: Record<string, unknown>, d: TrackerDeps): Promise<string | undefined> => {
      server.requests.length = 0;
      await createTaskSource(
        { kind: 'github', provider: { repo: 'o/r', endpoint: server.url, ...provider } },
        d,
      ).fetchIssuesByStates(['open']);
      return server.requests[0]?.headers.authorization;
    };
    assert.match(
      String(await run({ token: '$MINE' }, deps({ env: { MINE: 'tok-from-var', GITHUB_TOKEN: 'tok-env' } }))),
      /tok-from-var/,
    );
    const store = async (key: string) => (key === 'github' ? 'tok-from-store' : null);
    assert.match(
      String(await run({}, deps({ env: { GITHUB_TOKEN: 'tok-env' }, secretStore: store }))),
      /tok-from-store/,
    );
    assert.match(
      String(await run({}, deps({ env: { GITHUB_TOKEN: 'tok-github', QUARTET_GITHUB_TOKEN: 'tok-quartet' } }))),
      /tok-quartet/,
    );
    assert.match(String(await run({}, deps({ env: { GH_TOKEN: 'tok-gh' } }))), /tok-gh/);
    server.requests.length = 0;
    const s = createTaskSource(
      { kind: 'github', provider: { repo: 'o/r', endpoint: server.url, token: '$MINE' } },
      deps({ env: { MINE: '', GITHUB_TOKEN: 'tok-env' } }),
    );
    const e = await rejection(s.preflight!());
    assert.equal(e.category, 'missing_tracker_secret');
    assert.match(e.message, /environment variable MINE/);
    assert.equal((await rejection(s.fetchIssuesByStates(['open']))).category, 'missing_tracker_secret');
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('warnings: literal credentials and unknown provider keys (typos) are reported, values never', () => {
  const warnings: string[] = [];
  createTaskSource(
    { kind: 'linear', provider: { project_slug: 'abc', api_key: 'lin_api_literal_secret', projectslug: 'typo' } },
    deps({ warn: (m) => warnings.push(m) }),
  );
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /api_key holds a literal credential/);
  assert.match(warnings[1]!, /ignoring key\(s\) projectslug/);
  assert.ok(!warnings.join('').includes('lin_api_literal_secret'));
});

const task = (over: Partial<LocalTask>): LocalTask => ({
  id: 't-1',
  key: 'fix-login-aaaa1111',
  title: 'Fix login',
  prompt: 'Fix the login bug',
  createdAt: '2025-05-01T08:00:00.000Z',
  state: 'open',
  ...over,
});

test('local source: task key as identifier, derived states, empty input never reads the task list', async () => {
  let reads = 0;
  const tasks = [
    task({}),
    task({ id: 't-2', key: 'docs-bbbb2222', state: 'landed', prompt: '' }),
    task({ id: 't-3', key: 'old-cccc3333', state: 'archived' }),
  ];
  const s = createLocalSource(() => {
    reads++;
    return tasks;
  });
  assert.deepEqual(await s.fetchIssuesByStates([]), []);
  assert.deepEqual(await s.fetchIssuesByIds([]), []);
  assert.equal(reads, 0);
  const active = await s.fetchIssuesByStates([' in progress ']);
  assert.deepEqual(active, [
    {
      id: 't-1',
      nativeRef: null,
      identifier: 'fix-login-aaaa1111',
      title: 'Fix login',
      description: 'Fix the login bug',
      priority: null,
      state: 'In Progress',
      branchName: null,
      url: null,
      assigneeId: null,
      labels: [],
      blockedBy: [],
      dispatchable: true,
      author: { login: null, role: 'local', canWrite: true },
      createdAt: '2025-05-01T08:00:00.000Z',
      updatedAt: null,
    },
  ]);
  const done = await s.fetchIssuesByStates(['Done', 'Cancelled']);
  assert.deepEqual(
    done.map((i) => [i.id, i.state, i.dispatchable, i.description]),
    [
      ['t-2', 'Done', false, null],
      ['t-3', 'Cancelled', false, 'Fix the login bug'],
    ],
  );
  assert.deepEqual(
    (await s.fetchIssuesByIds(['t-3', 'gone', 't-3'])).map((i) => i.id),
    ['t-3'],
  );
  const viaFactory = createTaskSource({ kind: 'local' }, deps({ localTasks: () => tasks }));
  assert.deepEqual(
    (await viaFactory.fetchIssuesByIds(['t-2'])).map((i) => i.identifier),
    ['docs-bbbb2222'],
  );
});
