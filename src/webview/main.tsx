// Webview bundle entry (dist/webview.js + dist/webview.css): mounts the panel into #root.

import { mount } from './mountPanel';
import './panel.css';

const root = document.getElementById('root');
if (root) mount(root);
