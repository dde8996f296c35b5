// The one-time "Send your GitHub token to HOST?" confirmation for a tracker endpoint WORKFLOW.md names, remembered per host.

import * as vscode from 'vscode';
import { DEFAULT_TOKEN_HOSTS, hostsNeedingConsent, tokenHost, type TokenProvider } from '../core/config/endpointPolicy';
import type { QuartetLog } from './logging';
import { readSetting } from './settings';
import { githubSettings } from './githubModel';

const STATE_KEY = 'quartet.confirmedTokenHosts';
const SEND = 'Send Token';

export interface TokenHostConsent {
  /**
   * The hosts the tokens may go to: the ones already confirmed, the host of the user's own `quartet.github.apiUrl`,
   * plus any the person confirms now. Undefined when the person declined one (nothing is sent then).
   */
  allowedHosts(endpoints: ReadonlyArray<{ provider: TokenProvider; url: string }>): Promise<string[] | undefined>;
}

export class GlobalTokenHostConsent implements TokenHostConsent {
  constructor(
    private readonly state: vscode.Memento,
    private readonly log: QuartetLog,
  ) {}

  async allowedHosts(
    endpoints: ReadonlyArray<{ provider: TokenProvider; url: string }>,
  ): Promise<string[] | undefined> {
    const remembered = this.state.get<string[]>(STATE_KEY, []);
    // The machine-scoped setting is the person's own choice (a workspace cannot set it), so its host needs no question.
    const own = githubSettings(readSetting).baseUrl;
    const allowed = [...remembered, ...(own ? [tokenHost(own)] : [])];
    for (const e of hostsNeedingConsent(endpoints, allowed)) {
      const host = tokenHost(e.url);
      const what = e.provider === 'github' ? 'GitHub token' : 'Linear API key';
      const choice = await vscode.window.showWarningMessage(
        `Send your ${what} to ${host}?`,
        {
          modal: true,
          detail: `This repository's WORKFLOW.md points the tracker at ${e.url}, not ${DEFAULT_TOKEN_HOSTS[e.provider]}. WORKFLOW.md is repository content: anyone who can change it could have put this host there. Quartet sends your ${what} to ${host} only if you agree; the answer is remembered for this host.`,
        },
        SEND,
      );
      if (choice !== SEND) {
        this.log.warn(`the ${what} was not sent: ${host} was not confirmed`);
        return undefined;
      }
      allowed.push(host);
      await this.state.update(STATE_KEY, [...new Set([...this.state.get<string[]>(STATE_KEY, []), host])]);
      this.log.info(`${host} confirmed for the ${what} (remembered)`);
    }
    return allowed;
  }
}
