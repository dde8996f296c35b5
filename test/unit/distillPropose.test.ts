// Unit: the distill output schema, the "not enough evidence" gate, the prompt, and the proposal drop rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { collectEvidence, type EvidenceBundle } from '../../src/core/distill/evidence';
import { parseProposals, PROPOSALS_SCHEMA } from '../../src/core/distill/propose';
import type { Proposal } from '../../src/core/contract/distill';
import { planDistill, type KnownSkill } from '../../src/core/distill/prompt';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/distill');
const evidence = collectEvidence({
  journals: ['t-aaaaaaaaaaaa-1', 't-aaaaaaaaaaaa-2', 't-bbbbbbbbbbbb-1'].map((attemptId) => ({
    attemptId,
    path: join(FIXTURES, `${attemptId}.jsonl`),
  })),
});
const skills: KnownSkill[] = [
  {
    name: 'debug',
    description: 'Reproduce, read, fix, re-run.',
    path: '.agents/skills/debug/SKILL.md',
    source: 'builtin',
  },
];
const skillText = (name: string, description = 'Use when a network call in a test can hang.'): string =>
  `---\nname: ${name}\ndescription: ${description}\n---\nGive every fetch a timeout.\n`;
const good: Proposal = {
  kind: 'new_skill',
  name: 'request-timeouts',
  path: '.agents/skills/request-timeouts/SKILL.md',
  content: skillText('request-timeouts'),
  rationale: 'Three attempts hung on a fetch without a timeout.',
  provenance: ['E1'],
};
const answer = (...proposals: unknown[]): string => JSON.stringify({ proposals });

test('the output schema is strict-mode shaped: object on top, every property required, no extras', () => {
  assert.equal(PROPOSALS_SCHEMA.type, 'object');
  assert.deepEqual(PROPOSALS_SCHEMA.required, ['proposals']);
  assert.equal(PROPOSALS_SCHEMA.additionalProperties, false);
  const item = PROPOSALS_SCHEMA.properties.proposals.items;
  assert.deepEqual([...item.required].sort(), Object.keys(item.properties).sort());
  assert.equal(item.additionalProperties, false);
  assert.deepEqual(item.properties.kind.enum, ['new_skill', 'edit_skill', 'edit_agents_md']);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(PROPOSALS_SCHEMA)));
});

test('empty or tiny history: a plain "not enough evidence" result and no prompt', () => {
  const empty: EvidenceBundle = { items: [], omitted: 0, estimatedTokens: 0, budgetTokens: 6000, text: '' };
  const none = planDistill({ evidence: empty, skills, agentsMd: null });
  assert.equal(none.status, 'not_enough_evidence');
  const one = collectEvidence({
    journals: [{ attemptId: 't-aaaaaaaaaaaa-2', path: join(FIXTURES, 't-aaaaaaaaaaaa-2.jsonl') }],
    budgetTokens: 60,
  });
  assert.equal(
    one.items.reduce((n, i) => n + i.count, 0),
    1,
  );
  const tiny = planDistill({ evidence: one, skills, agentsMd: null });
  assert.equal(tiny.status, 'not_enough_evidence');
  if (tiny.status === 'not_enough_evidence') assert.match(tiny.message, /1 recorded problem across/);
});

test('enough evidence: the prompt carries the evidence, the skills, AGENTS.md and the schema', () => {
  const plan = planDistill({ evidence, skills, agentsMd: '# AGENTS\nRun npm test.\n' });
  assert.equal(plan.status, 'ready');
  if (plan.status !== 'ready') return;
  assert.equal(plan.outputSchema, PROPOSALS_SCHEMA);
  assert.ok(plan.prompt.includes(evidence.text));
  assert.match(plan.prompt, /\[E1\] failing_command: `npm test` exited 1/);
  assert.match(plan.prompt, /- debug \(builtin, \.agents\/skills\/debug\/SKILL\.md\): Reproduce/);
  assert.match(plan.prompt, /Run npm test\./);
  const bare = planDistill({ evidence, skills: [], agentsMd: null });
  assert.ok(
    bare.status === 'ready' &&
      /has no AGENTS\.md/.test(bare.prompt) &&
      /## Existing skills\n\(none\)/.test(bare.prompt),
  );
});

test('parseProposals keeps valid proposals and drops uncited, unknown-cited and invalid ones', () => {
  const agents: Proposal = {
    kind: 'edit_agents_md',
    name: 'AGENTS.md',
    path: 'AGENTS.md',
    content: '# AGENTS\nGive fetch a timeout.\n',
    rationale: 'r',
    provenance: ['E1', 'E3'],
  };
  const edit: Proposal = {
    kind: 'edit_skill',
    name: 'debug',
    path: '.agents/skills/debug/SKILL.md',
    content: skillText('debug', 'Reproduce first.'),
    rationale: 'r',
    provenance: ['E2'],
  };
  const r = parseProposals(
    answer(
      good,
      agents,
      edit,
      { ...good, name: 'a', path: '.agents/skills/a/SKILL.md', content: skillText('a'), provenance: [] },
      { ...good, name: 'b', path: '.agents/skills/b/SKILL.md', content: skillText('b'), provenance: ['E1', 'E99'] },
      { ...good, name: 'c', path: '.agents/skills/c/SKILL.md', content: '---\nname: c\n---\nno description\n' },
      { ...good, name: 'd', path: '.agents/skills/d/SKILL.md', content: skillText('other') },
      { ...good, name: 'e', path: '../outside/SKILL.md', content: skillText('e') },
      { ...good, name: 'f', path: 'skills/f/SKILL.md', content: skillText('f') },
      { ...agents, path: 'README.md' },
      { ...good, kind: 'delete_everything' },
      { ...good, content: skillText('request-timeouts', 'Second copy.') },
      'not an object',
    ),
    evidence,
  );
  assert.deepEqual(r.proposals, [good, agents, edit]);
  assert.deepEqual(
    r.dropped.map((d) => [d.index, d.reason]),
    [
      [3, 'cites no evidence'],
      [4, 'cites unknown evidence E99'],
      [5, 'invalid SKILL.md: front matter has no `description`'],
      [6, 'invalid SKILL.md: name "other" differs from its folder "d"'],
      [7, 'unsafe path "../outside/SKILL.md"'],
      [8, 'a new skill goes to .agents/skills/f/SKILL.md'],
      [9, 'edit_agents_md must target an AGENTS.md'],
      [10, 'does not match the proposal schema'],
      [11, 'a second proposal for .agents/skills/request-timeouts/SKILL.md'],
      [12, 'does not match the proposal schema'],
    ],
  );
});

test('parseProposals: a fenced JSON answer is accepted; prose, or JSON without proposals, is not', () => {
  assert.deepEqual(parseProposals(`\`\`\`json\n${answer(good)}\n\`\`\``, evidence).proposals, [good]);
  assert.deepEqual(parseProposals('Here are my ideas: …', evidence), {
    proposals: [],
    dropped: [{ index: -1, name: '', reason: 'the answer is not JSON' }],
  });
  assert.equal(parseProposals('{"ideas": []}', evidence).dropped[0]?.reason, 'the answer has no proposals array');
  assert.deepEqual(parseProposals(answer(), evidence), { proposals: [], dropped: [] });
  // Ids are only valid for the bundle they came from.
  const other: EvidenceBundle = { ...evidence, items: evidence.items.slice(1) };
  assert.equal(
    parseProposals(answer({ ...good, provenance: ['E1'] }), {
      ...other,
      items: other.items.map((i, k) => ({ ...i, id: `E${k + 2}` })),
    }).proposals.length,
    0,
  );
});
