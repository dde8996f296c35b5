// The demo model's review of an attempt: it reads the numbered diff in the prompt and answers the review schema, citing its lines.
//
// A script, not a reviewer: one requirement (the task's title) met by the first added line; a blocker where an added
// line greets with the raw `${name}` (the greeter demo's green-but-wrong attempt skips the trimming); and an
// "unrelated" finding for a notes/ or docs/ file when the task says nothing about notes or docs.
import type { Reply } from './demoScript';

type Json = unknown;
const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The review schema (core/verdict/review.ts) has `requirements` and `findings`. */
function asksForReview(body: Json): boolean {
  if (!isRecord(body) || !isRecord(body.text) || !isRecord(body.text.format)) return false;
  const schema = body.text.format.schema;
  return (
    isRecord(schema) &&
    isRecord(schema.properties) &&
    'requirements' in schema.properties &&
    'findings' in schema.properties
  );
}

function strings(v: Json, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (isRecord(v)) for (const x of Object.values(v)) strings(x, out);
  return out;
}

interface Added {
  file: string;
  line: number;
  text: string;
}

function readPrompt(body: Record<string, Json>): { task: string; added: Added[]; files: string[] } | null {
  const prompt = strings(body.input).find((s) => s.includes('You are reviewing attempt #'));
  if (!prompt) return null;
  const task = /## The task\n([\s\S]*?)\n## What to answer/.exec(prompt)?.[1] ?? '';
  const added: Added[] = [];
  const files: string[] = [];
  let file = '';
  for (const l of (prompt.split('## The diff')[1] ?? '').split('\n')) {
    const head = /^=== (.+)$/.exec(l);
    if (head) {
      file = head[1] as string;
      files.push(file);
      continue;
    }
    const m = /^\s*(\d+) \+ (.*)$/.exec(l);
    if (m && file) added.push({ file, line: Number(m[1]), text: m[2] as string });
  }
  return { task, added, files };
}

/** A message reply with the review JSON, or null when the request is not a review. */
export function reviewReply(body: Json): Reply | null {
  if (!asksForReview(body) || !isRecord(body)) return null;
  const p = readPrompt(body);
  if (!p) return { kind: 'message', text: JSON.stringify({ requirements: [], findings: [] }) };
  const title = (/^# (.+)$/m.exec(p.task)?.[1] ?? 'the task').trim();
  const first = p.added[0];
  const requirements = [
    {
      requirement: `Do what the task asks: ${title}`,
      met: first !== undefined,
      file: first?.file ?? '',
      line: first?.line ?? 0,
    },
  ];
  const findings: { severity: string; summary: string; file: string; line: number }[] = [];
  for (const a of p.added.filter((x) => x.text.includes('${name}'))) {
    findings.push({
      severity: 'blocker',
      summary: 'greets with the raw name: the trimming the English greeting does is skipped',
      file: a.file,
      line: a.line,
    });
  }
  if (!/\b(notes?|docs?)\b/i.test(p.task)) {
    for (const f of p.files.filter((x) => /^(notes|docs)\//.test(x))) {
      const line = p.added.find((a) => a.file === f);
      if (line)
        findings.push({
          severity: 'unrelated',
          summary: `adds ${f}, which the task did not ask for`,
          file: f,
          line: line.line,
        });
    }
  }
  return { kind: 'message', text: JSON.stringify({ requirements, findings }) };
}
