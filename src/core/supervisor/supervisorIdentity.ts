// What a supervisor states about itself (supervisor.json, GET /api/v1/hello) and whether a newer client asked it to make way.

import type { IncomingHttpHeaders } from 'node:http';
import { currentBuild, isNewerBuild, stampFromHeaders } from '../contract/buildStamp';
import type { BuildStamp, BusyReport, SupervisorHello } from '../contract/hello';
import { isBusy } from '../contract/busy';

/** supervisor.json: how tools and tests find the supervisor and which build it is. */
export interface SupervisorInfo extends BuildStamp {
  pid: number;
  socket: string;
  repo: string;
  startedAt: string;
}

export class SupervisorIdentity {
  readonly stamp: BuildStamp;
  readonly startedAt = new Date().toISOString();
  private newer: BuildStamp | null = null;

  constructor(
    /** Called once, when the first newer client shows up. */
    private readonly onOutdated: (by: BuildStamp) => void,
    stamp: BuildStamp = currentBuild(),
  ) {
    this.stamp = stamp;
  }

  /**
   * Every request's build headers. Only a newer build counts: an older window (not reloaded yet) must not
   * make a newer supervisor restart, or two builds would replace each other in turn.
   */
  observe(headers: IncomingHttpHeaders): void {
    const client = stampFromHeaders(headers);
    if (!client || !isNewerBuild(client, this.newer ?? this.stamp)) return;
    const first = this.newer === null;
    this.newer = client;
    if (first) this.onOutdated(client);
  }

  get restartPending(): BuildStamp | null {
    return this.newer;
  }

  hello(busy: BusyReport): SupervisorHello {
    return {
      ...this.stamp,
      pid: process.pid,
      startedAt: this.startedAt,
      attemptsRunning: busy.attempts > 0,
      idle: !isBusy(busy),
      busy,
      restartPending: this.newer,
    };
  }

  info(socket: string, repo: string): SupervisorInfo {
    return { pid: process.pid, socket, repo, startedAt: this.startedAt, ...this.stamp };
  }
}
