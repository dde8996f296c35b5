// Webview bundle entry (dist/webview.js + dist/webview.css): mounts the panel into #root, in VS Code or as the web dashboard.

import { mount } from './mountPanel';
import { acquireApi } from './hostBridge';
import { dashboardApi } from './dashboardApi';
import { DASHBOARD_ELEMENT_ID } from '../shared/dashboard';
// The codicon font (a dependency of @vscode-elements): trace glyphs that exist on every machine.
import '@vscode/codicons/dist/codicon.css';
import './panel.css';

const root = document.getElementById('root');
// `quartet serve` marks its page; anywhere else (a VS Code webview) the bridge is VS Code's.
if (root) mount(root, document, document.getElementById(DASHBOARD_ELEMENT_ID) ? dashboardApi(window) : acquireApi());
