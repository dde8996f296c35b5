// WORKFLOW.md is repository content (an agent can edit it, a land can bring it in): it may tighten Codex's posture, never loosen it.

import { basename } from 'node:path';
import { splitCommand } from '../execution/codexBinary';
import type { WorkflowDefinition } from './types';

/** Arguments that would widen what Codex may do, whatever their spelling (`-c sandbox_mode=…`, `--dangerously-…`). */
const LOOSENING = /sandbox|approval|bypass|dangerously|full[-_]access|yolo|permission/i;

/** Why `codex.command` from WORKFLOW.md cannot be used, or null: only `codex app-server` with harmless arguments. */
export function untrustedCodexCommand(command: string): string | null {
  let argv: string[];
  try {
    argv = splitCommand(command);
  } catch (err) {
    return (err as Error).message;
  }
  // Symphony's own files put `--config …` before `app-server`: the subcommand may come anywhere.
  if (argv.length === 0 || basename(argv[0] as string) !== 'codex' || !argv.includes('app-server')) {
    return 'it must be `codex app-server …` (the binary that runs is your setting, quartet.codex.path / quartet.codex.command)';
  }
  const loose = argv.slice(1).find((a) => LOOSENING.test(a));
  return loose
    ? `its argument \`${loose}\` would change the sandbox or approvals, which only your settings may do`
    : null;
}

/** The keys of `def` Quartet does not apply because they would loosen the posture, each with why. */
export function workflowTrustWarnings(def: WorkflowDefinition): string[] {
  const out: string[] = [];
  const { codex } = def.config;
  if (def.present.has('codex.command') && codex.command.trim()) {
    const why = untrustedCodexCommand(codex.command.trim());
    if (why) out.push(`codex.command ignored: ${why}`);
  }
  if (codex.threadSandbox === 'danger-full-access')
    out.push(
      'codex.thread_sandbox danger-full-access ignored: only your quartet.sandbox setting may turn the sandbox off',
    );
  if (codex.turnSandboxPolicy && /danger|full[-_]?access/i.test(JSON.stringify(codex.turnSandboxPolicy))) {
    out.push('codex.turn_sandbox_policy ignored: it would turn the sandbox off, which only your settings may do');
  }
  return out;
}
