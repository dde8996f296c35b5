// Unit: the panel host's skills requests — message guards, and checks against a fresh overview before anything happens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebviewRequest } from '../../src/shared/protocol';
import type { EvidenceRefView, SkillsOverview } from '../../src/shared/skills';
import { parseWebviewMessage, sanitizeViewState } from '../../src/shared/protocolGuards';
import { answerRequest, type RequestDeps } from '../../src/extension/panel/panelRequests';
import { RequestClient, RequestError } from '../../src/shared/rpc';
import type { SkillsHost } from '../../src/extension/skillsReview';
import { snapshotFixture } from '../webview/snapshotFixture';
import { REVIEW_ID, SKILLS_BRANCH, skillsFixture } from '../webview/skillsFixture';

function deps(
  overview: SkillsOverview = skillsFixture(),
  landed = true,
  confirmed = true,
): RequestDeps & { calls: string[]; opened: EvidenceRefView[] } {
  const calls: string[] = [];
  const opened: EvidenceRefView[] = [];
  const skills: SkillsHost = {
    overview: async () => overview,
    decide: async (reviewId, decisions) => (
      calls.push(`decide ${reviewId} ${decisions.map((d) => `${d.proposalId}=${d.decision}`).join(',')}`),
      overview
    ),
    edit: async (review, p) => void calls.push(`edit ${review.id} ${p.id}`),
    openEvidence: async (ref) => void opened.push(ref),
    land: async (branch) => (
      calls.push(`land ${branch}`),
      { overview, message: landed ? 'landed' : 'conflicts in AGENTS.md', landed }
    ),
    confirmLand: async (b, base) => (calls.push(`confirm ${b.branch} on ${base ?? '?'}`), confirmed),
    onDidChange: () => ({ dispose: () => undefined }),
  };
  return {
    calls,
    opened,
    snapshot: () => snapshotFixture(),
    api: {
      stop: async () => undefined,
      retry: async () => undefined,
      answer: async () => undefined,
      journal: async () => [],
    },
    openDiff: async () => undefined,
    resolveWithAgent: () => undefined,
    openExternal: async () => undefined,
    rawSeqs: () => undefined,
    skills,
  };
}

const req = (r: Omit<WebviewRequest, 'id'>): WebviewRequest => ({ ...r, id: 9 }) as WebviewRequest;

test('skills messages are validated field by field; the Skills view is a saved view', () => {
  const ok = (type: string, params: unknown): boolean => parseWebviewMessage({ type, id: 1, params }).ok;
  assert.ok(ok('skills/overview/get', {}));
  assert.ok(ok('skills/proposal/decide', { reviewId: 'r', proposalId: 'p1', decision: 'reject' }));
  assert.ok(!ok('skills/proposal/decide', { reviewId: 'r', proposalId: 'p1', decision: 'delete' }));
  assert.ok(!ok('skills/proposal/edit', { reviewId: 'r' }));
  assert.ok(ok('skills/evidence/open', { reviewId: 'r', evidenceId: 'E1', ref: 0 }));
  assert.ok(!ok('skills/evidence/open', { reviewId: 'r', evidenceId: 'E1', ref: -1 }));
  assert.ok(ok('skills/branch/land', { branch: SKILLS_BRANCH }));
  assert.ok(!ok('skills/branch/land', { branch: 'main' }));
  assert.equal(sanitizeViewState({ view: 'skills' }).view, 'skills');
});

test('decide and edit are checked against the latest review; accepted proposals cannot change', async () => {
  const d = deps();
  const get = await answerRequest(req({ type: 'skills/overview/get', params: {} }), d);
  assert.equal((get.result as { overview: SkillsOverview }).overview.review?.id, REVIEW_ID);
  const stale = await answerRequest(
    req({ type: 'skills/proposal/decide', params: { reviewId: 'older', proposalId: 'p1', decision: 'accept' } }),
    d,
  );
  assert.equal(stale.error?.code, 'refused');
  const unknown = await answerRequest(
    req({ type: 'skills/proposal/edit', params: { reviewId: REVIEW_ID, proposalId: 'p9' } }),
    d,
  );
  assert.equal(unknown.error?.code, 'not_found');
  await answerRequest(
    req({ type: 'skills/proposal/decide', params: { reviewId: REVIEW_ID, proposalId: 'p1', decision: 'accept' } }),
    d,
  );
  await answerRequest(req({ type: 'skills/proposal/edit', params: { reviewId: REVIEW_ID, proposalId: 'p1' } }), d);
  const o = skillsFixture();
  o.review!.proposals[0]!.state = 'accepted';
  const done = await answerRequest(
    req({ type: 'skills/proposal/decide', params: { reviewId: REVIEW_ID, proposalId: 'p1', decision: 'reject' } }),
    deps(o),
  );
  assert.equal(done.error?.code, 'refused');
  assert.deepEqual(d.calls, [`decide ${REVIEW_ID} p1=accept`, `edit ${REVIEW_ID} p1`]);
});

test('evidence opens the source the supervisor recorded, looked up by id; only openable ones', async () => {
  const d = deps();
  // A path smuggled into the params is never read: the ref comes from the supervisor's review.
  const params = { reviewId: REVIEW_ID, evidenceId: 'E1', ref: 0, journal: '/etc/passwd' };
  const r = await answerRequest(req({ type: 'skills/evidence/open', params }), d);
  assert.equal(r.error, undefined);
  assert.deepEqual(
    d.opened.map((x) => [x.journal, x.line]),
    [['/tmp/journals/t-aaaaaaaaaaaa-1.jsonl', 12]],
  );
  assert.equal(
    (
      await answerRequest(
        req({ type: 'skills/evidence/open', params: { reviewId: REVIEW_ID, evidenceId: 'E1', ref: 1 } }),
        d,
      )
    ).error?.code,
    'refused',
  );
  assert.equal(
    (
      await answerRequest(
        req({ type: 'skills/evidence/open', params: { reviewId: REVIEW_ID, evidenceId: 'E7', ref: 0 } }),
        d,
      )
    ).error?.code,
    'not_found',
  );
  assert.equal(d.opened.length, 1);
});

test('land only a skills branch that still gives something; a failed land is an error reply', async () => {
  const d = deps();
  assert.equal(
    (await answerRequest(req({ type: 'skills/branch/land', params: { branch: 'quartet/skills/nope' } }), d)).error
      ?.code,
    'not_found',
  );
  assert.equal(
    (await answerRequest(req({ type: 'skills/branch/land', params: { branch: 'quartet/skills/2026-11-01' } }), d)).error
      ?.code,
    'refused',
  );
  const ok = await answerRequest(req({ type: 'skills/branch/land', params: { branch: SKILLS_BRANCH } }), d);
  assert.equal((ok.result as { message: string }).message, 'landed');
  const failed = await answerRequest(
    req({ type: 'skills/branch/land', params: { branch: SKILLS_BRANCH } }),
    deps(skillsFixture(), false),
  );
  assert.deepEqual(failed.error, { code: 'failed', message: 'conflicts in AGENTS.md' });
  assert.deepEqual(d.calls, [`confirm ${SKILLS_BRANCH} on main`, `land ${SKILLS_BRANCH}`]);
  const no = deps(skillsFixture(), true, false);
  const cancelled = await answerRequest(req({ type: 'skills/branch/land', params: { branch: SKILLS_BRANCH } }), no);
  assert.equal((cancelled.result as { message: string }).message, 'not landed');
  assert.deepEqual(no.calls, [`confirm ${SKILLS_BRANCH} on main`], 'a “no” lands nothing');
  const none = await answerRequest(req({ type: 'skills/overview/get', params: {} }), { ...d, skills: undefined });
  assert.equal(none.error?.code, 'failed');
});

test('a request may wait longer than the default (Land waits on a confirmation dialog)', async () => {
  const sent: WebviewRequest[] = [];
  const rpc = new RequestClient((m) => sent.push(m), 20);
  const short = rpc.request('skills/overview/get', {});
  const long = rpc.request('skills/branch/land', { branch: SKILLS_BRANCH }, 5_000);
  await assert.rejects(short, (e: unknown) => e instanceof RequestError && e.code === 'timeout');
  await new Promise((r) => setTimeout(r, 40));
  assert.ok(
    rpc.handleReply({
      type: 'rpc/reply/sent',
      inReplyTo: sent[1]!.id,
      result: { overview: skillsFixture(), message: 'landed' },
    }),
  );
  assert.equal((await long).message, 'landed');
});
