// React glue: the store from context (re-rendering on change), a ticking clock, and the host actions.

import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { JournalRecord } from '../shared/events';
import type { NewTaskDefaults, NewTaskInput } from '../shared/newTaskForm';
import type { DiffLineRef } from '../shared/protocol';
import { RequestError } from '../shared/rpc';
import type { HostBridge } from './hostBridge';
import type { PanelStore } from './panelStore';

export interface Panel {
  store: PanelStore;
  bridge: HostBridge;
}

export const PanelContext = createContext<Panel | null>(null);

function usePanelContext(): Panel {
  const panel = useContext(PanelContext);
  if (!panel) throw new Error('PanelContext is missing');
  return panel;
}

/** The store; the calling component re-renders on every store change. */
export function usePanel(): PanelStore {
  const { store } = usePanelContext();
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
}

/** Current time, refreshed every `ms` while mounted (elapsed times of running attempts). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export interface PanelActions {
  stop(attemptId: string): Promise<boolean>;
  retry(attemptId: string): Promise<boolean>;
  /** Hands a conflicting attempt to its agent (the host runs the tree's Resolve with Agent). */
  resolve(attemptId: string): Promise<boolean>;
  answer(
    attemptId: string,
    pendingId: string,
    decision: 'accept' | 'acceptForSession' | 'decline',
    text?: string,
  ): Promise<boolean>;
  openDiff(attemptIds: string[], at?: DiffLineRef): Promise<boolean>;
  openLink(url: string): void;
  rawRecord(attemptId: string, seq: number): Promise<JournalRecord[] | null>;
  /** Asks the host for the skills overview; the answer lands in the store. */
  loadSkills(): Promise<boolean>;
  decideProposal(reviewId: string, proposalId: string, decision: 'accept' | 'reject'): Promise<boolean>;
  editProposal(reviewId: string, proposalId: string): Promise<boolean>;
  openEvidence(reviewId: string, evidenceId: string, ref: number): Promise<boolean>;
  landSkills(branch: string): Promise<boolean>;
  /** The New Task form's branches and defaults, or null (the notice says why). */
  taskFormDefaults(): Promise<NewTaskDefaults | null>;
  /** Launches the form's task; the task id, or null (the notice says why). */
  launchTask(input: NewTaskInput): Promise<string | null>;
  /** A follow-up turn with the person's message on one attempt. */
  sendFollowUp(attemptId: string, message: string): Promise<boolean>;
  /** The same message to every attempt of the task that can take it; the notice lists any that were skipped. */
  sendTaskFollowUp(taskId: string, message: string): Promise<boolean>;
}

/** Host requests; a refusal or timeout becomes the panel's notice instead of an unhandled rejection. */
export function useActions(): PanelActions {
  const { store, bridge } = usePanelContext();
  return useMemo(() => {
    const report = (err: unknown): void => {
      store.setNotice(err instanceof RequestError ? err.message : `Request failed: ${String(err)}`);
    };
    const run = async (p: Promise<unknown>): Promise<boolean> => {
      try {
        await p;
        return true;
      } catch (err) {
        report(err);
        return false;
      }
    };
    return {
      stop: (attemptId) => run(bridge.request('attempt/run/stop', { attemptId })),
      retry: (attemptId) => run(bridge.request('attempt/run/retry', { attemptId })),
      resolve: (attemptId) => run(bridge.request('attempt/conflicts/resolve', { attemptId })),
      answer: (attemptId, pendingId, decision, text) =>
        run(
          bridge.request(
            'attempt/question/answer',
            text ? { attemptId, pendingId, decision, text } : { attemptId, pendingId, decision },
          ),
        ),
      openDiff: (attemptIds, at) => run(bridge.request('diff/attempts/open', at ? { attemptIds, at } : { attemptIds })),
      openLink: (url) => void run(bridge.request('link/url/open', { url })),
      loadSkills: () => run(bridge.request('skills/overview/get', {}).then((r) => store.setSkills(r.overview))),
      // Accepting writes a commit through a temporary worktree: allow it a minute.
      decideProposal: (reviewId, proposalId, decision) =>
        run(
          bridge
            .request('skills/proposal/decide', { reviewId, proposalId, decision }, 60_000)
            .then((r) => store.setSkills(r.overview)),
        ),
      editProposal: (reviewId, proposalId) => run(bridge.request('skills/proposal/edit', { reviewId, proposalId })),
      openEvidence: (reviewId, evidenceId, ref) =>
        run(bridge.request('skills/evidence/open', { reviewId, evidenceId, ref })),
      // The host asks the person first (a modal), then lands: no short timeout on a question.
      landSkills: (branch) =>
        run(bridge.request('skills/branch/land', { branch }, 10 * 60_000).then((r) => store.setSkills(r.overview))),
      taskFormDefaults: async () => {
        try {
          return await bridge.request('task/form/get', {});
        } catch (err) {
          report(err);
          return null;
        }
      },
      // A launch checks Codex and creates worktrees before it answers: allow it two minutes.
      launchTask: async (input) => {
        try {
          return (await bridge.request('task/launch/start', input, 120_000)).taskId;
        } catch (err) {
          report(err);
          return null;
        }
      },
      // The host answers once the supervisor queued the turn (its worktree may be prepared first).
      sendFollowUp: (attemptId, message) =>
        run(bridge.request('attempt/followUp/send', { attemptId, message }, 60_000)),
      sendTaskFollowUp: (taskId, message) =>
        run(
          bridge.request('task/followUp/send', { taskId, message }, 120_000).then((r) => {
            if (r.skipped.length)
              store.setNotice(
                `Sent to attempt${r.sent.length === 1 ? '' : 's'} ${r.sent.map((i) => `#${i}`).join(', ')}; skipped: ${r.skipped.join('; ')}.`,
              );
          }),
        ),
      rawRecord: async (attemptId, seq) => {
        try {
          return (await bridge.request('journal/record/get', { attemptId, seq })).records;
        } catch (err) {
          report(err);
          return null;
        }
      },
    };
  }, [store, bridge]);
}
