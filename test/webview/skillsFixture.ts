// A SkillsOverview fixture for the panel tests: builtin / repo / accepted skills, outcomes, a branch and a review with evidence.

import type { SkillsOverview } from '../../src/shared/skills';

export const REVIEW_ID = 'rev0001';
export const SKILLS_BRANCH = 'quartet/skills/2026-11-21';

export function skillsFixture(text: (i: number) => string = (i) => ['Use before committing.', 'Run the linter before the tests.', 'Debug with make check.'][i % 3] as string): SkillsOverview {
  return {
    base: 'main',
    skills: [
      { name: 'commit', description: text(0), source: 'builtin', version: 'aaaaaaaaaaaa', path: 'skills/commit', branch: null },
      { name: 'debug', description: text(2), source: 'repo', version: 'bbbbbbbbbbbb', path: '.codex/skills/debug', branch: null },
      { name: 'lint-first', description: text(1), source: 'accepted', version: 'cccccccccccc', path: '.agents/skills/lint-first', branch: SKILLS_BRANCH },
    ],
    branches: [
      { branch: SKILLS_BRANCH, commit: 'c0ffee', committedAt: '2026-11-21T10:00:00Z', merged: false, skills: ['lint-first'] },
      { branch: 'quartet/skills/2026-11-01', commit: 'beef', committedAt: '2026-11-01T10:00:00Z', merged: true, skills: [] },
    ],
    outcomes: [
      {
        name: 'lint-first',
        version: 'cccccccccccc',
        source: 'accepted',
        with: { attempts: 2, finished: 2, failed: 0, stalled: 0, other: 0, checksPassed: 2, checksFailed: 0, reworked: 0, landed: 1 },
        without: { attempts: 3, finished: 1, failed: 1, stalled: 1, other: 0, checksPassed: 1, checksFailed: 1, reworked: 1, landed: 0 },
        period: { from: '2026-11-21T10:00:00Z', to: '2026-11-21T11:00:00Z' },
        attempts: [
          { attemptId: 't-aaaaaaaaaaaa-1', taskId: 't-aaaaaaaaaaaa', taskTitle: text(0), index: 1, phase: 'finished', startedAt: '2026-11-21T10:00:00Z', checks: 'passed', reworked: false, landed: true },
          { attemptId: 't-aaaaaaaaaaaa-3', taskId: 't-aaaaaaaaaaaa', taskTitle: text(1), index: 3, phase: 'finished', startedAt: '2026-11-21T11:00:00Z', checks: 'passed', reworked: false, landed: false },
        ],
      },
      {
        name: 'lint-first',
        version: '000000000001',
        source: 'accepted',
        with: { attempts: 1, finished: 0, failed: 1, stalled: 0, other: 0, checksPassed: 0, checksFailed: 0, reworked: 1, landed: 0 },
        without: { attempts: 0, finished: 0, failed: 0, stalled: 0, other: 0, checksPassed: 0, checksFailed: 0, reworked: 0, landed: 0 },
        period: { from: '2026-11-20T10:00:00Z', to: '2026-11-20T10:00:00Z' },
        attempts: [{ attemptId: 't-bbbbbbbbbbbb-1', taskId: 't-bbbbbbbbbbbb', taskTitle: text(2), index: 1, phase: 'failed', startedAt: '2026-11-20T10:00:00Z', checks: null, reworked: true, landed: false }],
      },
    ],
    review: {
      id: REVIEW_ID,
      createdAt: '2026-11-21T12:00:00Z',
      base: 'main',
      branch: null,
      proposals: [
        { id: 'p1', kind: 'new_skill', name: 'widget-check', path: '.agents/skills/widget-check/SKILL.md', content: `---\nname: widget-check\ndescription: ${text(0)}\n---\n${text(1)}\n`, rationale: text(2), provenance: ['E1', 'E2'], state: 'pending', branch: null, commit: null },
        { id: 'p2', kind: 'edit_agents_md', name: 'agents', path: 'AGENTS.md', content: text(1), rationale: text(0), provenance: ['E2'], state: 'rejected', branch: null, commit: null },
      ],
      evidence: [
        {
          id: 'E1', kind: 'failing_command', title: text(1), count: 3, samples: [text(2), text(0)],
          refs: [
            { attemptId: 't-aaaaaaaaaaaa-1', line: 12, seq: 11, note: null, url: null, journal: '/tmp/journals/t-aaaaaaaaaaaa-1.jsonl', openable: true },
            { attemptId: 't-aaaaaaaaaaaa-2', line: null, seq: null, note: text(1), url: null, journal: null, openable: false },
          ],
        },
        {
          id: 'E2', kind: 'note', title: text(2), count: 1, samples: [text(1)],
          refs: [{ attemptId: 't-aaaaaaaaaaaa-2', line: null, seq: null, note: 'rework_reason', url: 'https://github.com/o/r/pull/1#discussion_r1', journal: null, openable: true }],
        },
      ],
    },
    problems: [],
  };
}
