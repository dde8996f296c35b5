// "Quartet: Land Skills Branch": squash an unmerged quartet/skills/* branch onto the current branch, like an attempt's land.

import * as vscode from 'vscode';
import type { SkillsBranch } from '../../shared/skills';
import type { CommandServices } from './commandServices';

/** A branch name from a command argument (the panel, a test) or a pick among the branches that still give attempts skills. */
async function chooseBranch(
  s: CommandServices,
  arg: unknown,
  branches: SkillsBranch[],
): Promise<SkillsBranch | undefined> {
  const wanted = typeof arg === 'string' ? arg : (arg as { branch?: unknown } | undefined)?.branch;
  if (typeof wanted === 'string') return branches.find((b) => b.branch === wanted);
  if (branches.length === 1) return branches[0];
  const pick = await vscode.window.showQuickPick(
    branches.map((b) => ({ label: b.branch, description: b.skills.join(', '), branch: b })),
    { title: 'Quartet: land which skills branch?', ignoreFocusOut: true },
  );
  return pick?.branch;
}

export async function landSkillsBranch(s: CommandServices, arg: unknown): Promise<void> {
  const overview = await s.skills.overview();
  const open = overview.branches.filter((b) => !b.merged);
  if (!open.length)
    return void vscode.window.showInformationMessage(
      'Quartet: no skills branch carries skills the current branch lacks.',
    );
  const target = await chooseBranch(s, arg, open);
  if (!target) return;
  if (!(await s.skills.confirmLand(target, overview.base))) return;
  const base = overview.base ?? 'the current branch';
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Quartet: landing ${target.branch} on ${base}…` },
    () => s.skills.land(target.branch),
  );
  s.log.info(`skills land ${target.branch}: ${r.message}`);
  if (r.landed) void vscode.window.showInformationMessage(`Quartet: ${r.message}`);
  else void vscode.window.showWarningMessage(`Quartet: the skills branch did not land: ${r.message}`);
}
