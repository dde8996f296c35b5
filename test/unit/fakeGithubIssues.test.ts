// The fake GitHub's issues endpoints, exercised by the real GitHub Issues task source (Link pages, PRs in the list, PATCH).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGithubIssuesSource } from '../../src/core/tracker/github/githubIssues';
import { createGithubClient } from '../../src/core/github/githubClient';
import { FakeGithub } from '../support/fakeGithub';
import { fakeToken } from '../support/githubRepo';

let fake: FakeGithub;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'q-gh-issues-'));
  fake = await FakeGithub.start({ bare: join(dir, 'none.git'), token: fakeToken() });
  fake.addIssue({ title: 'First', body: 'one', labels: ['bug'] });
  fake.addIssue({ title: 'Second', labels: ['Todo', 'p1'] });
  // The issues list includes pull requests (with a `pull_request` key), as GitHub's does.
  const now = new Date().toISOString();
  fake.state.items.set(3, {
    number: 3,
    kind: 'pull',
    title: 'A PR',
    body: null,
    state: 'open',
    stateReason: null,
    labels: [],
    assignees: [],
    user: 'octo',
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    comments: [],
    head: 'x',
    base: 'main',
  });
  fake.state.nextNumber = 4;
  fake.addIssue({ title: 'Third' });
  fake.addIssue({ title: 'Done already', state: 'closed' });
});
after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the GitHub Issues source lists open issues across Link-header pages, without the PR, and refreshes by id', async () => {
  const source = createGithubIssuesSource({
    baseUrl: fake.url,
    owner: 'octo',
    repo: 'sample',
    getToken: async () => fake.state.opts.token,
    pageSize: 2,
  });
  const open = await source.fetchIssuesByStates(['open']);
  assert.deepEqual(
    open.map((i) => `${i.identifier} ${i.title} [${i.labels.join(',')}]`),
    ['#1 First [bug]', '#2 Second [todo,p1]', '#4 Third []'],
  );
  const pages = fake.apiRequests('GET', /\/repos\/octo\/sample\/issues\?/);
  assert.equal(pages.length, 2, 'four open items (one a PR) at two per page');
  assert.match(pages[1]?.path ?? '', /page=2/);
  const byId = await source.fetchIssuesByIds(['2', '5', '99']);
  assert.deepEqual(
    byId.map((i) => `${i.identifier} ${i.state}`),
    ['#2 open', '#5 closed'],
  );
});

test('PATCH an issue (close with a reason, relabel) and list by state and labels', async () => {
  const octokit = createGithubClient({ token: fake.state.opts.token, baseUrl: fake.url });
  const { data } = await octokit.rest.issues.update({
    owner: 'octo',
    repo: 'sample',
    issue_number: 1,
    state: 'closed',
    state_reason: 'not_planned',
    labels: ['wontfix'],
  });
  assert.equal(data.state, 'closed');
  assert.equal(data.state_reason, 'not_planned');
  assert.deepEqual(
    data.labels.map((l) => (typeof l === 'string' ? l : l.name)),
    ['wontfix'],
  );
  const closed = await octokit.rest.issues.listForRepo({ owner: 'octo', repo: 'sample', state: 'closed' });
  assert.deepEqual(closed.data.map((i) => i.number).sort(), [1, 5]);
  const labelled = await octokit.rest.issues.listForRepo({
    owner: 'octo',
    repo: 'sample',
    state: 'all',
    labels: 'todo,P1',
  });
  assert.deepEqual(
    labelled.data.map((i) => i.number),
    [2],
  );
  await assert.rejects(
    octokit.rest.issues.get({ owner: 'octo', repo: 'sample', issue_number: 42 }),
    /GitHub answered 404 to GET \/repos\/octo\/sample\/issues\/42: Not Found/,
  );
  const c = await octokit.rest.issues.createComment({ owner: 'octo', repo: 'sample', issue_number: 2, body: 'on it' });
  assert.equal(c.status, 201);
  assert.deepEqual(
    (await octokit.rest.issues.listComments({ owner: 'octo', repo: 'sample', issue_number: 2 })).data.map(
      (x) => x.body,
    ),
    ['on it'],
  );
});
