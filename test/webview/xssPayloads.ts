// XSS payloads, and a snapshot plus journal that put them everywhere agent, repo or tracker text reaches the panel.

import type { LandProgress, Snapshot } from '../../src/shared/model';
import type { WireRecord } from '../../src/shared/protocol';
import type { SkillsOverview } from '../../src/shared/skills';
import { attemptFixture, taskFixture } from './snapshotFixture';
import { skillsFixture } from './skillsFixture';

/** Each one, if it ever ran, would set `window.__xss` (or call alert, or fetch from evil.test). */
export const PAYLOADS: string[] = [
  `<img src=x onerror="window.__xss=1">`,
  `<script>window.__xss=2</script>`,
  `"><svg onload=window.__xss=3>`,
  `javascript:window.__xss=4`,
  `[click me](javascript:window.__xss=5)`,
  `<iframe src="javascript:window.__xss=6"></iframe>`,
  `<a href="javascript:window.__xss=7">x</a>`,
  `'><img src=x onerror=window.__xss=8>`,
  `<body onload=window.__xss=9>`,
  `<details open ontoggle=window.__xss=10>`,
  `<svg><script>window.__xss=11</script></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>`,
  `<input autofocus onfocus=window.__xss=13>`,
  `<video><source onerror=window.__xss=14></video>`,
  `<object data="javascript:window.__xss=15">`,
  `<embed src="data:text/html,<script>parent.__xss=16</script>">`,
  `<link rel=stylesheet href="https://evil.test/x.css">`,
  `<img src="https://evil.test/beacon.png">`,
  `<style>@import 'https://evil.test/s.css';</style>`,
  `<meta http-equiv="refresh" content="0;url=https://evil.test/">`,
  `[data link](data:text/html,<script>window.__xss=21</script>)`,
  `![tracking pixel](https://evil.test/md.png)`,
  `<form action="https://evil.test"><button>go</button></form>`,
  `{{constructor.constructor('window.__xss=24')()}}`,
  '${window.__xss=25}',
  `</script><script>window.__xss=26</script>`,
  `<!--<img src=x onerror=window.__xss=27>-->`,
  `\u2028\u2029<img src=x onerror=window.__xss=28>`,
  `<a href="https://evil.test" target=_blank>phish</a>`,
  `<base href="https://evil.test/">`,
  `<svg><animate onbegin=window.__xss=31 attributeName=x dur=1s>`,
  `vbscript:msgbox(32)`,
  `&lt;img src=x onerror=window.__xss=33&gt;`,
  `<noscript><p title="</noscript><img src=x onerror=window.__xss=34>">`,
  `<img src=x onerror=alert(35)>`,
  `[ok link](https://evil.test/landing)`,
];

const T = 't-cccccccccccc';
const p = (i: number): string => PAYLOADS[i % PAYLOADS.length] as string;

export function xssSnapshot(): Snapshot {
  const attempts = [1, 2, 3].map((k) =>
    attemptFixture(T, k, {
      branch: `quartet/${p(k + 2)}/${k}`,
      worktree: `/tmp/${p(k + 5)}`,
      lastEvent: p(k),
      lastError: k === 3 ? p(k + 10) : null,
      model: k === 2 ? p(16) : 'gpt-5.5',
      phase: k === 1 ? 'needs-you' : k === 2 ? 'working' : 'failed',
      checks: {
        state: 'failed',
        command: p(k + 7),
        exitCode: 1,
        durationMs: 10,
        summary: [p(k + 8), p(k + 12)],
        at: '2026-11-21T10:03:00.000Z',
      },
      conflicts: { withBase: true, files: [p(k + 13)], withAttempts: [p(k + 14)] },
      score: { score: 0.5, eligible: k === 2, reasons: [p(k + 15)] },
      recommended: k === 2,
      landed:
        k === 2 ? { at: '2026-11-21T10:04:00.000Z', commit: p(k + 16), aside: p(k + 17), message: p(k + 18) } : null,
      followUps: [
        { reason: p(k + 19), at: '2026-11-21T10:05:00.000Z', outcome: 'rejected', message: p(k + 20), endedAt: null },
      ],
      pending:
        k === 1
          ? {
              id: 'pend-x',
              kind: 'userInput',
              summary: p(0),
              reason: p(1),
              questions: [{ id: 'q', question: p(2), options: [p(3), p(25)] }],
            }
          : null,
    }),
  );
  return {
    repo: p(4),
    generatedAt: '2026-11-21T10:02:00.000Z',
    tasks: [
      taskFixture(T, `${p(0)} ${p(25)}`, attempts, { prompt: p(1), baseRef: p(6), key: p(7), landing: xssLanding() }),
    ],
    counts: { running: 1, needsYou: 1, queued: 0, finished: 0, failed: 1 },
    warnings: [p(11), p(19)],
  };
}

export const XSS_ATTEMPT = `${T}-3`;

/** A land of XSS_ATTEMPT through a pull request whose every text (GitHub's and git's) is a payload. */
function xssLanding(): LandProgress {
  return {
    attemptId: `${T}-3`,
    step: p(8),
    status: 'conflict',
    message: p(9),
    steps: PAYLOADS.slice(0, 12).map((x, i) => ({ step: x, status: p(i + 1), detail: p(i + 2) })),
    conflictFiles: [p(10), p(11)],
    prRepo: p(12),
    pr: {
      number: 7,
      // Not a URL: shown as text, never a link.
      url: p(35),
      state: 'open',
      checks: { state: 'failure', failing: [p(13), p(14)], pending: [p(15)] },
      reviews: { approved: [p(16)], changesRequested: [p(17)] },
      fixes: 2,
    },
  };
}

/** Every payload in every text field of the trace: commands, output, files, messages, errors. */
export function xssTrace(): WireRecord[] {
  const records: WireRecord[] = [];
  let seq = 0;
  const at = (): string => new Date(Date.parse('2026-11-21T10:00:00Z') + seq * 1000).toISOString();
  const push = (event: WireRecord['event']): void => void records.push({ seq: seq++, at: at(), event });
  push({ type: 'turn_started', turnId: 'u1' });
  PAYLOADS.forEach((payload, i) => {
    push({
      type: 'command',
      itemId: `c${i}`,
      command: `/bin/bash -lc "echo ${payload}"`,
      exitCode: i % 3 === 0 ? 1 : 0,
      durationMs: 10,
      status: 'completed',
      outputTail: `error: ${payload}\n${payload}`,
    });
    push({
      type: 'file_change',
      itemId: `f${i}`,
      status: 'completed',
      files: [{ path: `src/${payload}.ts`, kind: 'add' }],
    });
    push({ type: 'reasoning', itemId: `r${i}`, text: payload });
  });
  push({
    type: 'diffstat',
    turnId: 'u1',
    files: PAYLOADS.map((x, i) => ({ path: `${x}/${i}`, added: i, removed: 1 })),
  });
  push({ type: 'error', message: PAYLOADS.join('\n'), codexErrorInfo: p(3), willRetry: false });
  push({ type: 'approval_requested', pendingId: 'px', kind: 'command', summary: p(5) });
  push({ type: 'stderr', text: p(13) });
  push({
    type: 'checks',
    command: p(20),
    ok: false,
    exitCode: 1,
    durationMs: 5,
    summary: [p(21), p(22)],
    outputTail: PAYLOADS.join('\n'),
  });
  push({ type: 'landed', commit: p(23), aside: p(24), message: p(25) });
  push({ type: 'archived', reason: p(26), patch: PAYLOADS.join('\n') });
  push({
    type: 'agent_message',
    itemId: 'm',
    text: `# ${p(1)}\n\n${PAYLOADS.join('\n\n')}\n\n- ${p(2)}\n- [list link](javascript:window.__xss=99)\n\n\`\`\`\n${p(1)}\n\`\`\``,
  });
  push({ type: 'turn_completed', turnId: 'u1', status: 'failed', error: p(0) });
  return records;
}

/** Every text field of the Skills view (descriptions, names, branches, evidence, proposals) carries a payload. */
export function xssSkills(): SkillsOverview {
  const o = skillsFixture((i) => p(i + 3));
  o.base = p(4);
  o.problems = [p(5)];
  o.skills.forEach((s, i) =>
    Object.assign(s, { name: `${p(i + 20)}-${i}`, path: p(i + 7), branch: p(i + 8), version: p(i + 9) }),
  );
  o.branches[0]!.branch = `quartet/skills/${p(12)}`;
  o.branches[0]!.skills = [p(13), p(14)];
  o.outcomes.forEach((x, i) => {
    x.name = `${p(i + 20)}-2`;
    x.attempts.forEach((a, k) => Object.assign(a, { attemptId: `${p(k + 15)}-${i}-${k}`, phase: p(k + 16) }));
  });
  const r = o.review!;
  Object.assign(r, { id: p(17), base: p(18), branch: p(19) });
  r.proposals.forEach((x, i) =>
    Object.assign(x, {
      name: p(i + 21),
      path: p(i + 22),
      kind: p(i + 23),
      branch: p(i + 24),
      state: i === 0 ? 'accepted' : 'pending',
    }),
  );
  r.evidence.forEach((e, i) => {
    Object.assign(e, { title: p(i + 25), kind: p(i + 26), samples: [p(i + 27), p(i + 28)] });
    e.refs.forEach((x, k) => Object.assign(x, { attemptId: p(k + 29), note: p(k + 30), url: k === 0 ? null : p(35) }));
  });
  return o;
}
