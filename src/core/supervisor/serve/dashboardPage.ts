// The web dashboard's page and files: the control panel's HTML and bundle, served from dist/ (and the theme from media/).

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Snapshot } from '../../../shared/model';
import { DEFAULT_PRICE_TABLE } from '../../../shared/cost';
import { DEFAULT_VIEW_STATE, PANEL_PROTOCOL_VERSION } from '../../../shared/protocol';
import { renderPanelHtml } from '../../../shared/panelHtml';
import { DASHBOARD_ELEMENT_ID, DASHBOARD_PATHS, type DashboardConfig } from '../../../shared/dashboard';

/** Only these names are ever read from disk: no path from a request reaches the file system. */
const ASSETS: Record<string, { dir: 'dist' | 'media'; type: string }> = {
  'webview.js': { dir: 'dist', type: 'text/javascript; charset=utf-8' },
  'webview.css': { dir: 'dist', type: 'text/css; charset=utf-8' },
  'codicon.ttf': { dir: 'dist', type: 'font/ttf' },
  'dashboard-theme.css': { dir: 'media', type: 'text/css; charset=utf-8' },
};

/** Like the webview's policy, plus `connect-src 'self'`: the page fetches and streams from this server only. */
export function dashboardCsp(nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src 'self' data:`,
    `style-src 'self'`,
    `script-src 'nonce-${nonce}'`,
    `font-src 'self'`,
    `connect-src 'self'`,
  ].join('; ');
}

export function dashboardHtml(snapshot: Snapshot, config: DashboardConfig): string {
  const nonce = randomBytes(18).toString('base64');
  const html = renderPanelHtml({
    cspSource: "'self'",
    nonce,
    csp: dashboardCsp(nonce),
    scriptUri: `${DASHBOARD_PATHS.assets}webview.js`,
    styleUri: `${DASHBOARD_PATHS.assets}webview.css`,
    initialState: { protocol: PANEL_PROTOCOL_VERSION, snapshot, view: DEFAULT_VIEW_STATE, prices: DEFAULT_PRICE_TABLE },
    data: { id: DASHBOARD_ELEMENT_ID, value: config },
  });
  // The theme stand-in goes first, so the panel's own rules win where both set something.
  return html.replace(
    '<link rel="stylesheet"',
    `<link rel="stylesheet" href="${DASHBOARD_PATHS.assets}dashboard-theme.css">\n<link rel="stylesheet"`,
  );
}

/** `root`: the extension's folder (dist/ and media/ inside it). False when `name` is no asset. */
export function sendAsset(res: ServerResponse, root: string, name: string): boolean {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return false;
  const file = join(root, asset.dir, name);
  if (!existsSync(file)) return false;
  const body = readFileSync(file);
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
  return true;
}
