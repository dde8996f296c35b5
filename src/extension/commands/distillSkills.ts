// "Quartet: Distill Skills": run the distill session, review proposals as a multi-file diff, accept / reject them.

import * as vscode from 'vscode';
import type { DistillReviewView, ProposalView } from '../../shared/skills';
import { baseUri } from '../baseContentProvider';
import type { CommandServices } from './commandServices';

type ProposalPick = vscode.QuickPickItem & { proposal: ProposalView };

const EVIDENCE_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('references'),
  tooltip: 'Open the evidence (journal line)',
};

/** The first openable source of the first piece of evidence a proposal cites. */
async function openFirstEvidence(s: CommandServices, review: DistillReviewView, proposal: ProposalView): Promise<void> {
  const ref = review.evidence
    .filter((e) => proposal.provenance.includes(e.id))
    .flatMap((e) => e.refs)
    .find((r) => r.openable);
  if (ref) await s.skills.openEvidence(ref);
}

/** The multi-file review diff: each file at HEAD (empty for a new skill) against its editable proposal document. */
async function showDiff(
  s: CommandServices,
  repo: string,
  review: DistillReviewView,
  pending: ProposalView[],
): Promise<void> {
  const triples = pending.map((p) => [s.skills.fileOf(p), baseUri(repo, 'HEAD', p.path), s.skills.uriOf(review.id, p)]);
  await vscode.commands.executeCommand('vscode.changes', 'Quartet: skill proposals', triples);
}

function pickOf(review: DistillReviewView, p: ProposalView): ProposalPick {
  const cited = review.evidence.filter((e) => p.provenance.includes(e.id));
  return {
    label: p.name,
    description: `${p.kind.replace('_', ' ')} · ${p.path}`,
    detail: `${p.rationale} — evidence: ${cited.map((e) => `${e.id} ${e.title} (×${e.count})`).join('; ')}`,
    buttons: [EVIDENCE_BUTTON],
    proposal: p,
  };
}

/** The pending proposals of a review: diff, then a multi-select pick; checked ones are accepted, the others rejected. */
export async function reviewProposals(s: CommandServices, review: DistillReviewView): Promise<void> {
  const repo = s.repo();
  if (!repo) throw new Error('open a git repository with Quartet history first');
  s.skills.sync(review);
  const pending = review.proposals.filter((p) => p.state === 'pending');
  if (!pending.length)
    return void vscode.window.showInformationMessage(
      'Quartet: every proposal of the latest distill review is decided.',
    );
  await showDiff(s, repo, review, pending);
  const qp = vscode.window.createQuickPick<ProposalPick>();
  qp.title =
    'Quartet: accept which skill proposals? (edit them in the diff first if you like; unchecked ones are rejected)';
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.items = pending.map((p) => pickOf(review, p));
  qp.onDidTriggerItemButton(
    (e) =>
      void openFirstEvidence(s, review, e.item.proposal).catch((err: unknown) => s.log.error('open evidence', err)),
  );
  const accepted = await new Promise<ProposalPick[] | undefined>((resolve) => {
    qp.onDidAccept(() => resolve([...qp.selectedItems]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  // Dismissed: nothing is decided; the proposals wait in the control panel's Skills view.
  if (!accepted)
    return void vscode.window.showInformationMessage(
      'Quartet: the proposals stay pending; accept or reject them later in the control panel (Skills).',
    );
  const ids = new Set(accepted.map((p) => p.proposal.id));
  const decisions = pending.map((p) => ({
    proposalId: p.id,
    decision: ids.has(p.id) ? ('accept' as const) : ('reject' as const),
  }));
  const after = (await s.skills.decide(review.id, decisions)).review;
  const written = after?.proposals.filter((p) => ids.has(p.id) && p.state === 'accepted') ?? [];
  if (!written.length)
    return void vscode.window.showInformationMessage('Quartet: no skill proposals accepted; nothing was written.');
  s.log.info(`distill: wrote ${written.map((p) => p.path).join(', ')} on ${after?.branch ?? '?'}`);
  void vscode.window.showInformationMessage(
    `Quartet: wrote ${written.length} skill file(s) on branch ${after?.branch ?? '?'}; new attempts get them now. Land the branch to keep them.`,
  );
}

export async function distillSkills(s: CommandServices): Promise<void> {
  if (!s.repo()) throw new Error('open a git repository with Quartet history first');
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Quartet: distilling skills from the attempts’ journals…',
    },
    () => s.client().distill({ env: s.agentEnv(), codexCommand: s.launchOptions().codexCommand }),
  );
  if (outcome.status === 'not_enough_evidence')
    return void vscode.window.showInformationMessage(`Quartet: ${outcome.message}`);
  if (outcome.status === 'failed') throw new Error(`distill failed: ${outcome.message}`);
  if (!outcome.review) {
    return void vscode.window.showInformationMessage(
      `Quartet: Codex proposed nothing that cites the evidence (${outcome.evidence.length} items, ${outcome.dropped.length} proposals dropped).`,
    );
  }
  void s.skills.changed().catch(() => undefined);
  await reviewProposals(s, outcome.review);
}
