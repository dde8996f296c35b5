// "The Autopilot should run": remembered in the state folder so a restarted supervisor starts it again (never a credential).

import { join } from 'node:path';
import { StateStore } from '../observability/stateStore';

interface WishFile {
  version: 1;
  wanted: boolean;
  at: string;
}

const isWish = (v: unknown): v is WishFile =>
  !!v && (v as WishFile).version === 1 && typeof (v as WishFile).wanted === 'boolean';

export class AutopilotWish {
  private readonly store: StateStore<WishFile> | null;
  private value = false;

  /** `stateDir` null: in memory only (tests without a supervisor). The file is `<stateDir>/autopilot/state.json`. */
  constructor(stateDir: string | null) {
    this.store = stateDir ? new StateStore(join(stateDir, 'autopilot'), isWish, 0) : null;
    this.value = this.store?.load().state?.wanted ?? false;
  }

  get wanted(): boolean {
    return this.value;
  }

  set(wanted: boolean): void {
    if (wanted === this.value) return;
    this.value = wanted;
    this.store?.save({ version: 1, wanted, at: new Date().toISOString() });
    this.store?.flush();
  }
}
