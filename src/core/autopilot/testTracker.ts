// TEST-ONLY task source: issues read from a JSON file named by QUARTET_TEST_TRACKER, so integration tests drive a real supervisor.
//
// The file: {"autopilot": {AutopilotConfig fields}, "launchOptions": {LaunchOptions fields},
//            "issues": [NormalizedIssue...], "fail": "states" | "ids" | null,
//            "secretEnvNames": ["VAR"...] (the source's credentials), "preflightError": "…" | null}
// Tests rewrite it (write + rename) to move issues between states; every read sees the current file.
// Never set this variable outside tests: it replaces the WORKFLOW.md tracker.

import { readFileSync } from 'node:fs';
import type { LaunchOptions } from '../contract/launch';
import { TrackerError, type NormalizedIssue, type TaskSource } from '../tracker/types';
import type { AutopilotConfig } from './config';

export const TEST_TRACKER_ENV = 'QUARTET_TEST_TRACKER';

export interface TestTrackerFile {
  autopilot?: Partial<AutopilotConfig>;
  launchOptions?: Partial<LaunchOptions>;
  issues: NormalizedIssue[];
  /** Makes that read fail with a transport error, to exercise tracker failures. */
  fail?: 'states' | 'ids' | null;
  /** Variables the source declares as its credentials (kept from the agents). */
  secretEnvNames?: string[];
  /** Makes `preflight()` fail as a missing credential would. */
  preflightError?: string | null;
}

export function readTestTracker(file: string): TestTrackerFile {
  let parsed: TestTrackerFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as TestTrackerFile;
  } catch (err) {
    throw new TrackerError(
      'tracker_response',
      `${TEST_TRACKER_ENV} file ${file} is unreadable: ${(err as Error).message}`,
    );
  }
  if (!parsed || !Array.isArray(parsed.issues))
    throw new TrackerError('tracker_response', `${file} has no "issues" list`);
  return parsed;
}

export class JsonFileSource implements TaskSource {
  readonly kind = 'test-file';
  readonly label: string;
  readonly secretEnvNames: readonly string[];

  constructor(private readonly file: string) {
    this.label = `test tracker ${file}`;
    this.secretEnvNames = readTestTracker(file).secretEnvNames ?? [];
  }

  async preflight(): Promise<void> {
    const problem = readTestTracker(this.file).preflightError;
    if (problem) throw new TrackerError('missing_tracker_secret', problem);
  }

  private read(op: 'states' | 'ids'): NormalizedIssue[] {
    const f = readTestTracker(this.file);
    if (f.fail === op) throw new TrackerError('tracker_request', `test tracker: scripted ${op} failure`);
    return f.issues;
  }

  async fetchIssuesByStates(stateNames: string[]): Promise<NormalizedIssue[]> {
    if (!stateNames.length) return [];
    const want = new Set(stateNames.map((s) => s.trim().toLowerCase()));
    return this.read('states').filter((i) => want.has(i.state.trim().toLowerCase()));
  }

  async fetchIssuesByIds(ids: string[]): Promise<NormalizedIssue[]> {
    if (!ids.length) return [];
    const all = this.read('ids');
    return ids.flatMap((id) => all.filter((i) => i.id === id));
  }
}
