// The demo model's "Distill Skills" answer: when a request asks for distill proposals, propose one skill citing [E1].
import type { Reply } from './demoScript';

type Json = unknown;
const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Codex sends `turn/start.outputSchema` as the Responses `text.format` JSON schema; distill's has a `proposals` array. */
function asksForProposals(body: Json): boolean {
  if (!isRecord(body) || !isRecord(body.text) || !isRecord(body.text.format)) return false;
  const schema = body.text.format.schema;
  return isRecord(schema) && isRecord(schema.properties) && 'proposals' in schema.properties;
}

/** The first evidence line of the prompt (`[E1] kind: title — …`), so the proposal cites what it saw. */
function firstEvidence(body: Record<string, Json>): { id: string; title: string } | null {
  const text = JSON.stringify(body.input ?? '');
  const m = /\[(E\d+)\] [a-z_]+: (.*?) — /.exec(text);
  return m ? { id: m[1] as string, title: (m[2] as string).replace(/\\"/g, '"').replace(/\\n/g, ' ') } : null;
}

/** A message reply with a JSON answer, or null when the request is not a distill request. */
export function distillReply(body: Json): Reply | null {
  if (!asksForProposals(body) || !isRecord(body)) return null;
  const ev = firstEvidence(body);
  if (!ev) return { kind: 'message', text: JSON.stringify({ proposals: [] }) };
  const content = [
    '---',
    'name: recurring-failure',
    'description: Use before finishing when the checks failed the same way in earlier attempts (demo model proposal).',
    '---',
    '# Recurring failure',
    '',
    `Earlier attempts kept failing on: ${ev.title}.`,
    'Reproduce that failure first, fix its cause, and re-run the same command before you finish.',
    '',
  ].join('\n');
  const proposal = {
    kind: 'new_skill',
    name: 'recurring-failure',
    path: '.agents/skills/recurring-failure/SKILL.md',
    content,
    rationale: `The demo model saw ${ev.id} recur.`,
    provenance: [ev.id],
  };
  return { kind: 'message', text: JSON.stringify({ proposals: [proposal] }) };
}
