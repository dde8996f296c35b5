// Who a supervisor is (build stamp) and what it is busy with: the reply of GET /api/v1/hello.

export interface BuildStamp {
  apiVersion: number;
  /** `<package version>+<hash of the build's inputs>`: the same sources give the same id. */
  buildId: string;
  /** When the build ran (ISO): orders two builds, so an older client never replaces a newer supervisor. */
  builtAt: string;
}

export interface BusyReport {
  /** Attempts queued or running (a follow-up turn, a resolve or a rework's new attempt included). */
  attempts: number;
  /** Tasks with a land in progress (a PR land watches its pull request until it merges). */
  lands: number;
  /** Finished attempts whose checks run now. */
  checks: number;
  /** Tasks whose verdict is being judged (cross-tests, reviews): held in memory only. */
  verdicts: number;
  /** Automatic retries waiting for their timer: held in memory only. */
  retries: number;
  /** Client requests being served (a distill, a clean-up, a land's checks…). */
  requests: number;
  /** The Autopilot polls the tracker (its tracker token lives in memory only). */
  autopilot: boolean;
  /** A headless server (`quartet serve`): it stays until stopped, never replaced or idled away. */
  serving?: boolean;
}

/** The reply of `GET /api/v1/hello`: who answers, and whether replacing it now would cut work off. */
export interface SupervisorHello extends BuildStamp {
  pid: number;
  startedAt: string;
  /** Attempts queued or running right now. */
  attemptsRunning: boolean;
  idle: boolean;
  busy: BusyReport;
  /** A newer build a client reported: this supervisor exits as soon as it is idle and the next client starts its own. */
  restartPending: BuildStamp | null;
}
