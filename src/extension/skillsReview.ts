// The extension's side of skills review: the supervisor owns the review; this keeps its editable documents and opens things.

import * as vscode from 'vscode';
import { join } from 'node:path';
import type { QuartetApi } from '../core/contract/quartetApi';
import type { DistillReviewView, EvidenceRefView, ProposalView, SkillsBranch, SkillsOverview } from '../shared/skills';
import { baseUri } from './baseContentProvider';
import { proposalUri, type ProposalFileSystem } from './proposalFileSystem';

/** What the control panel may ask of skills (the panel's request handler checks each ask first). */
export interface SkillsHost {
  overview(): Promise<SkillsOverview>;
  decide(reviewId: string, decisions: { proposalId: string; decision: 'accept' | 'reject' }[]): Promise<SkillsOverview>;
  edit(review: DistillReviewView, proposal: ProposalView): Promise<void>;
  openEvidence(ref: EvidenceRefView): Promise<void>;
  land(branch: string): Promise<{ overview: SkillsOverview; message: string; landed: boolean }>;
  /** Asks the person before something moves their branch (a modal in VS Code). */
  confirmLand(branch: SkillsBranch, base: string | null): Promise<boolean>;
  onDidChange(listener: (o: SkillsOverview) => void): vscode.Disposable;
}

/** Opens where a piece of evidence came from: the journal at its line, or an http(s) review comment. */
export async function openEvidenceRef(ref: EvidenceRefView): Promise<void> {
  if (ref.url) {
    const uri = vscode.Uri.parse(ref.url, true);
    if (uri.scheme !== 'https' && uri.scheme !== 'http') throw new Error('Only http and https links can be opened.');
    await vscode.env.openExternal(uri);
    return;
  }
  if (!ref.journal || ref.line === null) throw new Error(`evidence from ${ref.attemptId} has no journal line to open`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(ref.journal));
  const line = Math.max(0, ref.line - 1);
  await vscode.window.showTextDocument(doc, {
    preview: true,
    selection: new vscode.Range(line, 0, line, 0),
    viewColumn: vscode.ViewColumn.Beside,
  });
}

export class SkillsReview implements SkillsHost, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SkillsOverview>();
  readonly onDidChange = this.emitter.event;
  /** The review whose documents the proposal file system holds. */
  private reviewId: string | null = null;

  constructor(
    private readonly client: () => QuartetApi,
    private readonly proposals: ProposalFileSystem,
    private readonly repo: () => string | null,
  ) {}

  uriOf(reviewId: string, p: Pick<ProposalView, 'path'>): vscode.Uri {
    return proposalUri(reviewId, p.path);
  }

  /**
   * Gives each proposal of the review an editable document (edits made earlier are kept) and drops
   * the documents of an older review.
   */
  sync(review: DistillReviewView | null): void {
    if (this.reviewId && this.reviewId !== review?.id) this.proposals.clear(this.reviewId);
    this.reviewId = review?.id ?? null;
    for (const p of review?.proposals ?? []) {
      const uri = this.uriOf(review!.id, p);
      if (this.proposals.text(uri) === undefined || p.state === 'accepted') this.proposals.set(uri, p.content);
    }
  }

  async overview(): Promise<SkillsOverview> {
    const o = await this.client().skills();
    this.sync(o.review);
    return o;
  }

  /** Accepts carry the text of the proposal's document, so an Edit made in the diff is what gets written. */
  async decide(
    reviewId: string,
    decisions: { proposalId: string; decision: 'accept' | 'reject' }[],
  ): Promise<SkillsOverview> {
    const review = (await this.overview()).review;
    if (!review || review.id !== reviewId)
      throw new Error('that distill review is not the latest any more; run Distill Skills again');
    const withText = decisions.map((d) => {
      const p = review.proposals.find((x) => x.id === d.proposalId);
      const text = p && d.decision === 'accept' ? this.proposals.text(this.uriOf(reviewId, p)) : undefined;
      return text !== undefined && text !== p?.content ? { ...d, content: text } : d;
    });
    await this.client().decideProposals(reviewId, withText);
    return this.changed();
  }

  /** The proposal as an editable diff: the base's file (empty for a new skill) against the proposal document. */
  async edit(review: DistillReviewView, proposal: ProposalView): Promise<void> {
    const repo = this.repo();
    if (!repo) throw new Error('no repository is open');
    this.sync(review);
    const uri = this.uriOf(review.id, proposal);
    await vscode.commands.executeCommand(
      'vscode.diff',
      baseUri(repo, 'HEAD', proposal.path),
      uri,
      `${proposal.name}: proposal (edit, then Accept)`,
      { preview: false },
    );
  }

  openEvidence(ref: EvidenceRefView): Promise<void> {
    return openEvidenceRef(ref);
  }

  async land(branch: string): Promise<{ overview: SkillsOverview; message: string; landed: boolean }> {
    const r = await this.client().landSkills(branch);
    const overview = await this.changed();
    return { overview, message: r.message, landed: r.status === 'landed' || r.status === 'landed_aside' };
  }

  async confirmLand(branch: SkillsBranch, base: string | null): Promise<boolean> {
    const pick = await vscode.window.showInformationMessage(
      `Land ${branch.branch} (${branch.skills.join(', ')}) on ${base ?? 'the current branch'}?`,
      {
        modal: true,
        detail:
          'One squashed commit, like an attempt’s land. Your checkout is fast-forwarded only when it is clean; the skills branch is deleted afterwards.',
      },
      'Land',
    );
    return pick === 'Land';
  }

  /** Re-reads the overview and tells every listener (the panel) after a change made here or by a command. */
  async changed(): Promise<SkillsOverview> {
    const o = await this.overview();
    this.emitter.fire(o);
    return o;
  }

  /** The file a proposal would write, in the repository (for the multi-file diff's resource column). */
  fileOf(p: Pick<ProposalView, 'path'>): vscode.Uri | null {
    const repo = this.repo();
    return repo ? vscode.Uri.file(join(repo, p.path)) : null;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
