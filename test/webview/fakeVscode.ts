// A fake of the few `vscode` APIs the control panel host uses, installed as the `vscode` module for node tests.

import Module from 'node:module';

type Listener<T> = (e: T) => void;
const disposable = { dispose: (): void => undefined };

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, [base.path, ...parts].join('/'));
  }
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static parse(value: string): FakeUri {
    const m = /^([a-z][a-z0-9+.-]*):(.*)$/is.exec(value);
    return m ? new FakeUri((m[1] as string).toLowerCase(), m[2] as string) : new FakeUri('file', value);
  }
}

export class FakeWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'https://fake.vscode-cdn.net';
  readonly posted: { type: string; params?: unknown; inReplyTo?: number; error?: unknown }[] = [];
  private readonly listeners: Listener<unknown>[] = [];
  asWebviewUri(uri: FakeUri): FakeUri {
    return new FakeUri('https', `//fake.vscode-cdn.net${uri.path}`);
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(JSON.parse(JSON.stringify(message)) as FakeWebview['posted'][number]);
    return Promise.resolve(true);
  }
  onDidReceiveMessage(l: Listener<unknown>): typeof disposable {
    this.listeners.push(l);
    return disposable;
  }
  /** The webview script posting a message to the host. */
  fromWebview(data: unknown): void {
    for (const l of this.listeners) l(data);
  }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  visible = true;
  reveals = 0;
  disposed = false;
  iconPath: unknown;
  private readonly onDispose: Listener<void>[] = [];
  private readonly onViewState: Listener<unknown>[] = [];
  constructor(
    readonly viewType: string,
    readonly title: string,
  ) {}
  reveal(): void {
    this.reveals++;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.onDispose) l();
  }
  onDidDispose(l: Listener<void>): typeof disposable {
    this.onDispose.push(l);
    return disposable;
  }
  onDidChangeViewState(l: Listener<unknown>): typeof disposable {
    this.onViewState.push(l);
    return disposable;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const l of this.onViewState) l({ webviewPanel: this });
  }
}

export interface Serializer {
  deserializeWebviewPanel(panel: FakePanel, state: unknown): Promise<void>;
}

export const fake = {
  panels: [] as FakePanel[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  serializers: new Map<string, Serializer>(),
  opened: [] as string[],
  settings: {} as Record<string, unknown>,
};

const vscodeModule = {
  Uri: FakeUri,
  ViewColumn: { Active: -1 },
  window: {
    createWebviewPanel: (viewType: string, title: string): FakePanel => {
      const p = new FakePanel(viewType, title);
      fake.panels.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (viewType: string, s: Serializer) => (
      fake.serializers.set(viewType, s),
      disposable
    ),
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => (fake.commands.set(id, fn), disposable),
  },
  workspace: {
    getConfiguration: () => ({ get: (key: string) => fake.settings[key] }),
    onDidChangeConfiguration: () => disposable,
  },
  env: { openExternal: async (uri: FakeUri) => (fake.opened.push(uri.toString()), true) },
};

/** Makes `require('vscode')` return the fake; call before loading any module that imports vscode. */
export function installFakeVscode(): void {
  const M = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const original = M._load;
  M._load = function load(this: unknown, request: string, ...rest: unknown[]): unknown {
    return request === 'vscode' ? vscodeModule : original.call(this, request, ...rest);
  };
}
