// Installs a jsdom window as the global environment so the webview app (React + Lit elements) runs in node.

import { JSDOM } from 'jsdom';

export interface DomEnv {
  dom: JSDOM;
  window: Window & typeof globalThis;
}

let installed: DomEnv | null = null;

/** Once per process: React and Lit capture some globals (customElements, HTMLElement) when first loaded. */
export function installDom(): DomEnv {
  if (installed) return installed;
  const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', {
    url: 'https://panel.test/',
    pretendToBeVisual: true,
  });
  const win = dom.window;
  const g = globalThis as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(win)) {
    if (key in g) continue;
    g[key] = (win as unknown as Record<string, unknown>)[key];
  }
  // Node has its own Event/EventTarget/MessageEvent; the app must use the DOM's so jsdom dispatch works.
  for (const key of [
    'window',
    'document',
    'navigator',
    'Event',
    'EventTarget',
    'MessageEvent',
    'CustomEvent',
    'HTMLElement',
    'Element',
    'Node',
  ]) {
    g[key] = key === 'window' ? win : (win as unknown as Record<string, unknown>)[key];
  }
  patchElementInternals(win);
  // jsdom has no layout, so no ResizeObserver; vscode-single-select observes its size (Chromium tests run the real one).
  // …nor innerText (vscode-single-select labels its options with it): the text content is what a layout-free DOM has.
  const proto = win.HTMLElement.prototype;
  if (!Object.getOwnPropertyDescriptor(proto, 'innerText'))
    Object.defineProperty(proto, 'innerText', {
      get(this: HTMLElement) {
        return this.textContent ?? '';
      },
      configurable: true,
    });
  if (typeof g.ResizeObserver !== 'function')
    g.ResizeObserver = class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    };
  closeActChannels(g);
  g.IS_REACT_ACT_ENVIRONMENT = true;
  installed = { dom, window: win };
  return installed;
}

/**
 * jsdom's ElementInternals has ARIA reflection but no form association; vscode-elements call
 * setFormValue/setValidity on every update. No-ops are enough here: the real elements run in
 * Chromium in xss.browser.test.ts.
 */
function patchElementInternals(win: Window & typeof globalThis): void {
  const proto = (win as unknown as { ElementInternals?: { prototype: Record<string, unknown> } }).ElementInternals
    ?.prototype;
  if (!proto) return;
  const noop = (): void => undefined;
  for (const name of ['setFormValue', 'setValidity']) if (typeof proto[name] !== 'function') proto[name] = noop;
  for (const name of ['checkValidity', 'reportValidity'])
    if (typeof proto[name] !== 'function') proto[name] = () => true;
}

/**
 * React's act(), bundled, cannot reach Node's timers module, so it queues work through a new
 * MessageChannel per call and never closes it; each open port keeps node running after the last
 * test. These channels close once their one message is delivered.
 */
function closeActChannels(g: Record<string, unknown>): void {
  const Native = MessageChannel;
  g.MessageChannel = class OneShotMessageChannel extends Native {
    constructor() {
      super();
      this.port1.addEventListener('message', () => setImmediate(() => this.port1.close()), { once: true });
    }
  };
}
