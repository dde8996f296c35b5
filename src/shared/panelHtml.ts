// The control panel's locked-down HTML: strict CSP, one nonce'd script, initial state embedded as inert JSON.

import { INITIAL_STATE_ELEMENT_ID, type PanelInitialState } from './protocol';

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin webview resources (asWebviewUri) are served from. */
  cspSource: string;
  /** A fresh random value per HTML, so no injected script can guess it. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  initialState: PanelInitialState;
  /** The web dashboard's own policy (it also fetches from its origin); default: the webview's panelCsp. */
  csp?: string;
  /** Extra inert JSON for the page (the dashboard: how to reach its server), in `<script type="application/json" id=…>`. */
  data?: { id: string; value: unknown };
}

/**
 * No inline styles or scripts, no network: vscode-elements apply their styles through constructable
 * stylesheets and style properties (both allowed), React sets styles through the CSSOM, so
 * `style-src` needs only the bundle's origin (the Chromium test checks that nothing is blocked).
 */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** JSON that cannot close its <script> element or start a comment, whatever the strings inside say. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderPanelHtml(input: PanelHtmlInput): string {
  const { nonce } = input;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(input.csp ?? panelCsp(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>Quartet</title>
</head>
<body>
<div id="root"></div>
<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}">${jsonForScript(input.initialState)}</script>
${input.data ? `<script type="application/json" id="${attr(input.data.id)}">${jsonForScript(input.data.value)}</script>\n` : ''}<script nonce="${attr(nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
