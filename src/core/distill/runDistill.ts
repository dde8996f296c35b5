// Runs "Distill Skills" as one read-only Codex session: the distill prompt, a structured answer, parsed proposals.

import { runStructuredTurn } from '../execution/structuredTurn';
import { parseProposals, type ParsedProposals } from './propose';
import { planDistill, type DistillInput } from './prompt';

export interface RunDistillInput extends DistillInput {
  /** e.g. `[codexPath, 'app-server']` */
  codexArgv: string[];
  /** The repository (Codex reads it; the sandbox is read-only, nothing is written). */
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  readTimeoutMs?: number;
}

export type DistillResult =
  | { status: 'not_enough_evidence'; message: string }
  | ({ status: 'proposed'; threadId: string } & ParsedProposals)
  | { status: 'failed'; message: string };

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The `planDistill` gate first: with too little evidence no Codex process starts at all. */
export async function runDistill(input: RunDistillInput): Promise<DistillResult> {
  const plan = planDistill(input);
  if (plan.status === 'not_enough_evidence') return plan;
  try {
    const turn = await runStructuredTurn({
      codexArgv: input.codexArgv,
      cwd: input.cwd,
      env: input.env,
      prompt: plan.prompt,
      outputSchema: plan.outputSchema,
      tag: { name: 'QUARTET_DISTILL', value: String(process.pid) },
      timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      readTimeoutMs: input.readTimeoutMs,
    });
    return { status: 'proposed', threadId: turn.threadId, ...parseProposals(turn.text, input.evidence) };
  } catch (err) {
    return { status: 'failed', message: (err as Error).message };
  }
}
