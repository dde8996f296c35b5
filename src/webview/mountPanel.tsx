// Mounts the panel: reads the state embedded in the HTML, connects to the host, renders the app.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_PRICE_TABLE } from '../shared/cost';
import {
  DEFAULT_VIEW_STATE,
  INITIAL_STATE_ELEMENT_ID,
  PANEL_PROTOCOL_VERSION,
  type PanelInitialState,
} from '../shared/protocol';
import { App } from './App';
import { acquireApi, HostBridge, type VsCodeApi } from './hostBridge';
import { PanelStore } from './panelStore';
import { PanelContext } from './usePanel';

/** The host embeds JSON in a non-executed script element; a missing or broken one still draws an empty board. */
export function readInitialState(doc: Document): PanelInitialState {
  const fallback: PanelInitialState = {
    protocol: PANEL_PROTOCOL_VERSION,
    snapshot: null,
    view: DEFAULT_VIEW_STATE,
    prices: DEFAULT_PRICE_TABLE,
  };
  const text = doc.getElementById(INITIAL_STATE_ELEMENT_ID)?.textContent;
  if (!text) return fallback;
  try {
    const parsed = JSON.parse(text) as Partial<PanelInitialState>;
    return { ...fallback, ...parsed, view: { ...DEFAULT_VIEW_STATE, ...(parsed.view ?? {}) } };
  } catch {
    return fallback;
  }
}

export function mount(root: HTMLElement, doc: Document = document, api: VsCodeApi = acquireApi()): () => void {
  const bridge = new HostBridge(api);
  const store = new PanelStore(bridge, readInitialState(doc));
  const reactRoot = createRoot(root);
  reactRoot.render(
    <StrictMode>
      <PanelContext.Provider value={{ store, bridge }}>
        <App />
      </PanelContext.Provider>
    </StrictMode>,
  );
  store.start();
  return () => {
    reactRoot.unmount();
    bridge.dispose();
  };
}
