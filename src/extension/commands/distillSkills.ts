// "Quartet: Distill Skills": run the distill session, review proposals as a multi-file diff, accept some, write a branch.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Proposal } from '../../core/distill/propose';
import type { EvidenceItem } from '../../core/distill/evidence';
import { baseUri } from '../baseContentProvider';
import { proposalUri } from '../proposalFileSystem';
import type { CommandServices } from './commandServices';

type ProposalPick = vscode.QuickPickItem & { proposal: Proposal; uri: vscode.Uri };

const EVIDENCE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('references'), tooltip: 'Open the evidence (journal line)' };

/** Opens the journal line (or review comment URL) the first piece of evidence of a proposal points at. */
async function openEvidence(proposal: Proposal, evidence: readonly EvidenceItem[]): Promise<void> {
  const item = evidence.find((e) => proposal.provenance.includes(e.id));
  const ref = item?.provenance[0];
  if (!ref) return;
  if ('url' in ref && ref.url) {
    const uri = vscode.Uri.parse(ref.url);
    if (uri.scheme === 'https' || uri.scheme === 'http') await vscode.env.openExternal(uri);
    return;
  }
  if ('journal' in ref && ref.journal) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(ref.journal));
    const line = Math.max(0, ('line' in ref && typeof ref.line === 'number' ? ref.line : 1) - 1);
    await vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.Beside });
  }
}

export async function distillSkills(s: CommandServices): Promise<void> {
  const repo = s.repo();
  if (!repo) throw new Error('open a git repository with Quartet history first');
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Quartet: distilling skills from the attempts’ journals…' },
    () => s.client().distill({ env: s.agentEnv(), codexCommand: s.launchOptions().codexCommand }),
  );
  if (outcome.status === 'not_enough_evidence') return void vscode.window.showInformationMessage(`Quartet: ${outcome.message}`);
  if (outcome.status === 'failed') throw new Error(`distill failed: ${outcome.message}`);
  if (outcome.proposals.length === 0) {
    return void vscode.window.showInformationMessage(`Quartet: Codex proposed nothing that cites the evidence (${outcome.evidence.length} items, ${outcome.dropped.length} proposals dropped).`);
  }
  const review = randomBytes(4).toString('hex');
  const picks: ProposalPick[] = outcome.proposals.map((p) => {
    const uri = proposalUri(review, p.path);
    s.proposals.set(uri, p.content);
    const cited = outcome.evidence.filter((e) => p.provenance.includes(e.id));
    return {
      label: p.name,
      description: `${p.kind.replace('_', ' ')} · ${p.path}`,
      detail: `${p.rationale} — evidence: ${cited.map((e) => `${e.id} ${e.title} (×${e.count})`).join('; ')}`,
      buttons: [EVIDENCE_BUTTON],
      proposal: p,
      uri,
    };
  });
  // The review diff: current text at HEAD (empty for a new skill) against the editable proposal.
  const triples = picks.map((p) => [vscode.Uri.file(join(repo, p.proposal.path)), baseUri(repo, 'HEAD', p.proposal.path), p.uri]);
  await vscode.commands.executeCommand('vscode.changes', 'Quartet: skill proposals', triples);
  const qp = vscode.window.createQuickPick<ProposalPick>();
  qp.title = 'Quartet: accept which skill proposals? (edit them in the diff first if you like; unchecked ones are rejected)';
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.items = picks;
  qp.onDidTriggerItemButton((e) => void openEvidence(e.item.proposal, outcome.evidence));
  const accepted = await new Promise<ProposalPick[] | undefined>((resolve) => {
    qp.onDidAccept(() => resolve([...qp.selectedItems]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  try {
    if (!accepted || accepted.length === 0) return void vscode.window.showInformationMessage('Quartet: no skill proposals accepted; nothing was written.');
    const edited = accepted.map((p) => ({ ...p.proposal, content: s.proposals.text(p.uri) ?? p.proposal.content }));
    const applied = await s.client().applyProposals(edited);
    s.log.info(`distill: wrote ${applied.files.join(', ')} on ${applied.branch} (${applied.commit.slice(0, 10)})`);
    void vscode.window.showInformationMessage(`Quartet: wrote ${applied.files.length} skill file(s) on branch ${applied.branch}; merge it to give them to every new attempt.`);
  } finally {
    s.proposals.clear(review);
  }
}
