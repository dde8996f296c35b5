// Which `quartet.*` settings only the person may set (user/machine), and how a workspace value of one is ignored.

/**
 * Settings that decide what runs, with which sandbox and approvals, where agents write, which file steers them,
 * which names stay secret, or where a token goes. A workspace's `.vscode/settings.json` is repository content (an
 * agent can write it, a land can bring it in), so these are `"scope": "machine"` in package.json and read here
 * from the user/remote-machine value or the default only, even on a host that would honour a workspace value.
 */
export const MACHINE_SCOPED_KEYS: readonly string[] = [
  'codex.path',
  'codex.command',
  'sandbox',
  'approvalPolicy',
  'autoApprove',
  'checkCommand',
  'workflowPath',
  'worktreeRoot',
  'secretEnvNames',
  'github.apiUrl',
  'github.owner',
  'github.repo',
  // Where attempts will run, and which machines get the repository's code.
  'workers',
];

/** The parts of `WorkspaceConfiguration.inspect()` this reads (VS Code merges remote-machine values into globalValue). */
export interface SettingInspection {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface TrustedRead {
  value: unknown;
  /** True when a user/machine value is set (not just the default). */
  isSetByUser: boolean;
  /** A workspace or folder value that was present and ignored. */
  ignoredWorkspaceValue: boolean;
}

/** Scopes VS Code never takes from a workspace or folder. */
const USER_ONLY_SCOPES = ['machine', 'application'];

/** Keys (below `quartet.`) the manifest declares user-only: settings other features add are covered without a list here. */
export function userOnlyKeysOf(manifest: unknown): string[] {
  const props =
    (manifest as { contributes?: { configuration?: { properties?: Record<string, { scope?: unknown }> } } } | undefined)
      ?.contributes?.configuration?.properties ?? {};
  return Object.entries(props)
    .filter(
      ([key, p]) => key.startsWith('quartet.') && typeof p?.scope === 'string' && USER_ONLY_SCOPES.includes(p.scope),
    )
    .map(([key]) => key.slice('quartet.'.length));
}

export function isMachineScoped(key: string, manifestKeys: readonly string[] = []): boolean {
  return MACHINE_SCOPED_KEYS.includes(key) || manifestKeys.includes(key);
}

/**
 * A machine-scoped key: the user/machine value, else the default; any workspace or folder value is dropped.
 * (Other keys keep VS Code's own `get()`, which also merges object values across scopes.)
 */
export function trustedRead(i: SettingInspection | undefined): TrustedRead {
  if (!i) return { value: undefined, isSetByUser: false, ignoredWorkspaceValue: false };
  return {
    value: i.globalValue !== undefined ? i.globalValue : i.defaultValue,
    isSetByUser: i.globalValue !== undefined,
    ignoredWorkspaceValue: i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined,
  };
}

/** The one log line for an ignored value (logged once per key and window). */
export function ignoredMessage(key: string): string {
  return `ignored workspace value of quartet.${key} (machine-scoped: only your user or remote-machine settings can set it)`;
}
