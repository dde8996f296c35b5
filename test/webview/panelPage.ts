// Loads the built panel (dist/webview.js + .css) in headless Chromium behind the host's CSP, with a fake host.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../src/shared/panelHtml';
import type { HostToWebview, PanelInitialState, WebviewToHost } from '../../src/shared/protocol';

export const ORIGIN = 'https://panel.test';
export const PAGE_URL = `${ORIGIN}/index.html`;

/** The repository root: the bundle runs from out/test/webview or out/bench. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();

export interface PanelPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for, allowed or not. */
  requests: string[];
  /** What the webview posted to the (fake) host so far. */
  posted(): Promise<WebviewToHost[]>;
  /** Delivers a host message as VS Code does: a `message` event on the webview's window. */
  send(msg: HostToWebview): Promise<void>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/** Installed before any page script: the fake `acquireVsCodeApi` and the CSP violation log. */
function fakeHostScript(savedState: unknown): string {
  return `
    (() => {
      const posted = [];
      let state = ${JSON.stringify(savedState ?? null)};
      window.__posted = posted;
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => state,
        setState: (s) => { state = s; window.__state = s; },
      });
    })();`;
}

export async function openPanelPage(
  initialState: PanelInitialState,
  opts: { savedState?: unknown; viewport?: { width: number; height: number } } = {},
): Promise<PanelPage> {
  const profile = mkdtempSync(join(tmpdir(), 'quartet-panel-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const html = renderPanelHtml({
    cspSource: ORIGIN,
    nonce: 'bm9uY2UtZm9yLXRlc3Rz',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
    initialState,
  });
  const files: Record<string, { body: Buffer | string; type: string }> = {
    [PAGE_URL]: { body: html, type: 'text/html' },
    [`${ORIGIN}/dist/webview.js`]: { body: readFileSync(join(ROOT, 'dist', 'webview.js')), type: 'text/javascript' },
    [`${ORIGIN}/dist/webview.css`]: { body: readFileSync(join(ROOT, 'dist', 'webview.css')), type: 'text/css' },
  };
  // Nothing leaves the machine: known files are served from here, anything else is refused.
  await context.route('**/*', (route) => {
    const f = files[route.request().url()];
    return f ? route.fulfill({ status: 200, contentType: f.type, body: f.body }) : route.abort('blockedbyclient');
  });
  await context.addInitScript(fakeHostScript(opts.savedState));
  await page.goto(PAGE_URL);
  return {
    page,
    context,
    requests,
    posted: () => page.evaluate(() => (globalThis as unknown as { __posted: WebviewToHost[] }).__posted.slice()),
    send: (msg) =>
      page.evaluate(
        (m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'),
        msg,
      ),
    cspViolations: () => page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp.slice()),
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
