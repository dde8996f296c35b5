// The typed interface of a repository's supervisor, as its clients (extension, CLI, tests) see it.

import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import type { JournalRecord } from '../../shared/events';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { LaunchOptions, LaunchRequest } from './launch';
import type { SupervisorSettings } from './settings';
import type { LandOptions, LandSkillsResult, ReworkOptions, ReworkResult, TaskScore, UndoLandResult } from './land';
import type {
  AnswerDecision,
  CleanupPlan,
  CleanupResult,
  DeletedTask,
  FollowUpResult,
  TrackerCredentials,
} from './replies';
import type { Decision, DistillReply } from './distill';

export interface QuartetApi {
  snapshot(): Promise<Snapshot>;
  launch(request: LaunchRequest): Promise<TaskSnapshot>;
  stop(attemptId: string): Promise<void>;
  retry(attemptId: string): Promise<void>;
  /** Continue the attempt's Codex thread (thread/resume) in its worktree. */
  resume(attemptId: string): Promise<void>;
  answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void>;
  /** Journal records of one attempt from sequence number `from` (inclusive): one page (4 MiB); ask again from the last seq + 1 for more. */
  journal(attemptId: string, from?: number): Promise<JournalRecord[]>;
  /** At most `maxBytes` (default 4 MiB) of journal from `from`; `next` is the `from` of the following page, null at the end. */
  journalPage(
    attemptId: string,
    from?: number,
    maxBytes?: number,
  ): Promise<{ records: JournalRecord[]; next: number | null }>;
  /**
   * Land the attempt on its task's base branch. Locally (default) this resolves with the outcome; with
   * `pr: true` it resolves once the land has started — follow `task.landing` for its steps and outcome.
   */
  land(attemptId: string, options?: LandOptions): Promise<LandProgress>;
  /**
   * "Resolve with agent" after a land ended in conflict: merge the base into the attempt's worktree, one
   * follow-up Codex turn resolves the markers, Quartet verifies, commits the merge, re-runs the checks and lands.
   */
  resolve(attemptId: string): Promise<LandProgress>;
  /** One more turn on the attempt's own Codex thread with `prompt`; settles once it ended, was committed and scored. */
  followUp(attemptId: string, prompt: string, reason: string): Promise<FollowUpResult>;
  /** Archive the attempt (patch + post-mortem), remove it, and start a fresh attempt that carries the reason. */
  rework(attemptId: string, reason: string, options?: ReworkOptions): Promise<ReworkResult>;
  /** Undo a local land: a revert commit on the base, refused (with why) once the base moved past the landed commit. */
  undoLand(taskId: string): Promise<UndoLandResult>;
  /** Stops every attempt of the task (no process left), archives their work, removes worktrees and branches, forgets the task. */
  deleteTask(taskId: string): Promise<DeletedTask>;
  score(taskId: string): Promise<TaskScore>;
  /** "Distill Skills": evidence from the journals and rework notes, proposals from one Codex session. */
  distill(options?: { codexCommand?: string; env?: Record<string, string> }): Promise<DistillReply>;
  /**
   * Accept (possibly edited) / reject proposals of the latest review; accepted ones are committed on the
   * review's branch `quartet/skills/<date>` and reach new attempts at once.
   */
  decideProposals(reviewId: string, decisions: Decision[]): Promise<DistillReviewView>;
  /** The skills new attempts get, the skills branches, per-skill outcomes and the latest review. */
  skills(): Promise<SkillsOverview>;
  /** Squash a `quartet/skills/*` branch onto the current branch (like an attempt's land) and delete it. */
  landSkills(branch: string): Promise<LandSkillsResult>;
  configure(settings: Partial<SupervisorSettings>): Promise<void>;
  /**
   * Starts the repository's Autopilot (tracker from WORKFLOW.md); `once` runs one poll tick and stops. `credentials`:
   * the tracker token(s) named by `snapshot.autopilot.credentials`, kept in the supervisor's memory only.
   */
  autopilotStart(options?: { once?: boolean; credentials?: TrackerCredentials }): Promise<AutopilotSnapshot>;
  /** The Autopilot's state (also in every snapshot). */
  autopilot(): Promise<AutopilotSnapshot>;
  /** Stops polling and retries; attempts already running go on as ordinary tasks. */
  autopilotStop(): Promise<AutopilotSnapshot>;
  /** An immediate poll + reconcile (SPEC §13.7 refresh). */
  autopilotRefresh(): Promise<{ queued: boolean; coalesced: boolean }>;
  /** A normal task from one tracker issue, launched by hand. */
  launchIssue(
    issueId: string,
    request?: {
      attempts?: number;
      options?: Partial<LaunchOptions>;
      env?: Record<string, string>;
      credentials?: TrackerCredentials;
    },
  ): Promise<TaskSnapshot>;
  /** What Clean Up would free: ended attempts' worktrees and branches, old archives, with sizes and what is due. */
  cleanupPlan(): Promise<CleanupPlan>;
  /** Removes the chosen plan items (ids); unsaved work is archived first. */
  cleanup(ids: string[]): Promise<CleanupResult>;
}
