// Integration (real Codex, offline): "Distill Skills" runs one read-only turn with an output schema and parses proposals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hermeticCodexEnv, writeCodexHome } from '../../demo/codexHome';
import { distillReply } from '../../demo/distillScenario';
import { completionFrames, sseFrame, usageFor } from '../../demo/sseFrames';
import { collectEvidence } from '../../src/core/distill/evidence';
import { PROPOSALS_SCHEMA } from '../../src/core/distill/propose';
import { runDistill } from '../../src/core/distill/runDistill';

const ROOT = resolve(__dirname, '../../..');
const CODEX = join(ROOT, 'node_modules', '.bin', 'codex');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'distill');
const evidence = collectEvidence({
  journals: ['t-aaaaaaaaaaaa-1', 't-aaaaaaaaaaaa-2', 't-bbbbbbbbbbbb-1'].map((attemptId) => ({
    attemptId,
    path: join(FIXTURES, `${attemptId}.jsonl`),
  })),
});

/** The demo model's distill answer alone (the lead hooks `distillReply` into the demo server; this test needs no more). */
async function startDistillModel(): Promise<{
  url: string;
  bodies: unknown[];
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}> {
  const bodies: unknown[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const body: unknown = JSON.parse(text);
      bodies.push(body);
      headers.push(req.headers);
      const reply = distillReply(body);
      if (!reply) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not a distill request', type: 'invalid_request_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        [
          sseFrame('response.created', { response: { id: 'resp_distill' } }),
          ...completionFrames(reply, 'resp_distill', 'distill', usageFor(0)),
        ].join(''),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { url, bodies, headers, close: () => new Promise((ok) => server.close(() => ok())) };
}

test(
  'runDistill: one read-only Codex turn with the proposals schema; the answer is parsed and checked against the evidence',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quartet-distill-it-'));
    const model = await startDistillModel();
    try {
      const repo = join(dir, 'repo');
      execFileSync('git', ['init', '-q', '-b', 'main', repo]);
      writeFileSync(join(repo, 'README.md'), '# distill fixture\n');
      const codexHome = join(dir, 'codex-home');
      mkdirSync(join(dir, 'home'));
      writeCodexHome(codexHome, { baseUrl: model.url, approvalPolicy: 'never', sandbox: 'read-only' });
      const result = await runDistill({
        evidence,
        skills: [],
        agentsMd: null,
        codexArgv: [CODEX, 'app-server'],
        cwd: repo,
        env: hermeticCodexEnv(codexHome, join(dir, 'home')),
        timeoutMs: 30_000,
      });
      assert.equal(result.status, 'proposed', JSON.stringify(result));
      if (result.status !== 'proposed') return;
      assert.deepEqual(result.dropped, []);
      assert.deepEqual(
        result.proposals.map((p) => [p.kind, p.name, p.path, p.provenance]),
        [['new_skill', 'recurring-failure', '.agents/skills/recurring-failure/SKILL.md', ['E1']]],
      );
      assert.match(result.proposals[0]?.content ?? '', /`npm test` exited 1/);

      // What Codex sent: our schema as the structured-output format, the evidence in the prompt, a read-only sandbox.
      const body = model.bodies[0] as { text?: { format?: { type?: string; strict?: boolean; schema?: unknown } } };
      assert.equal(body.text?.format?.type, 'json_schema');
      assert.equal(body.text?.format?.strict, true);
      assert.deepEqual(body.text?.format?.schema, PROPOSALS_SCHEMA);
      assert.ok(JSON.stringify(body).includes('[E1] failing_command'));
      assert.match(String(model.headers[0]?.['x-codex-turn-metadata'] ?? ''), /"sandbox_mode":"read-only"/);
    } finally {
      await model.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('runDistill with too little evidence answers at once and starts no Codex', async () => {
  const empty = { items: [], omitted: 0, estimatedTokens: 0, budgetTokens: 6000, text: '' };
  const r = await runDistill({
    evidence: empty,
    skills: [],
    agentsMd: null,
    codexArgv: ['/nonexistent/codex', 'app-server'],
    cwd: tmpdir(),
    env: {},
  });
  assert.equal(r.status, 'not_enough_evidence');
});
