// Webview bundle entry (dist/webview.js + dist/webview.css): mounts the panel into #root.

import { mount } from './mountPanel';
// The codicon font (a dependency of @vscode-elements): trace glyphs that exist on every machine.
import '@vscode/codicons/dist/codicon.css';
import './panel.css';

const root = document.getElementById('root');
if (root) mount(root);
