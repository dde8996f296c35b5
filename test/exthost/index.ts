// Extension-host suite: runs inside a real VS Code (code-server offline, or desktop via @vscode/test-electron).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'quartet-dev.quartet';

const checks: [string, () => Promise<void>][] = [
  [
    'the extension activates',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is installed`);
      await ext.activate();
      assert.equal(ext.isActive, true);
    },
  ],
  [
    'every command package.json contributes is registered (and the core ones are contributed)',
    async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      const contributed = (
        (ext?.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []
      ).map((c) => c.command);
      for (const id of [
        'quartet.newTask',
        'quartet.landAttempt',
        'quartet.reworkAttempt',
        'quartet.distillSkills',
        'quartet.startAutopilot',
        'quartet.cleanUp',
        'quartet.deleteTask',
      ]) {
        assert.ok(contributed.includes(id), `${id} is contributed`);
      }
      for (const id of contributed) assert.ok(all.has(id), `${id} is registered`);
    },
  ],
  [
    'the multi-diff command Show Diff relies on exists (vscode.changes, not in the 1.100 typings)',
    async () => {
      const all = await vscode.commands.getCommands(false);
      assert.ok(all.includes('vscode.changes'));
    },
  ],
  [
    'the quartet-base: content provider serves the base side of a diff',
    async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'a folder is open');
      const worktree = folder.uri.fsPath;
      const uri = vscode.Uri.from({
        scheme: 'quartet-base',
        path: `${folder.uri.path}/README.md`,
        query: new URLSearchParams({ worktree, ref: 'HEAD', path: 'README.md' }).toString(),
      });
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.ok(doc.getText().length > 0, 'README.md at HEAD has text');
    },
  ],
  [
    'a workspace .vscode/settings.json cannot set quartet.codex.command or quartet.sandbox (machine-scoped), but can set quartet.attempts',
    async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'a folder is open');
      const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
      const hostile = {
        'quartet.codex.command': 'sh -c "touch pwned; codex app-server"',
        'quartet.sandbox': 'danger-full-access',
        'quartet.attempts': 3,
      };
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(hostile)));
      try {
        const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('quartet');
        // The control value proves VS Code read the file before anything is asserted about the others.
        for (let i = 0; i < 100 && cfg().get('attempts') !== 3; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(cfg().get('attempts'), 3, 'the workspace file was read (quartet.attempts is workspace-settable)');
        assert.equal(cfg().get('codex.command'), 'codex app-server', 'quartet.codex.command keeps its default');
        assert.equal(cfg().get('sandbox'), 'workspace-write', 'quartet.sandbox keeps its default');
        assert.equal(
          cfg().inspect('codex.command')?.workspaceValue,
          undefined,
          'no workspace value reaches the extension',
        );
        const worktreeRoot = cfg().inspect<string>('worktreeRoot');
        if (worktreeRoot?.globalValue !== undefined)
          assert.equal(
            cfg().get('worktreeRoot'),
            worktreeRoot.globalValue,
            'a user value of a machine-scoped setting still applies',
          );
      } finally {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder.uri, '.vscode'), { recursive: true });
      }
    },
  ],
  [
    'Refresh runs without error',
    async () => {
      await vscode.commands.executeCommand('quartet.refresh');
    },
  ],
];

/** Entry point VS Code's test runner calls (extensionTestsPath). Prints a final "N passed, N failed" line. */
export async function run(): Promise<void> {
  let passed = 0;
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      passed++;
      console.log(`✔ ${name}`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
      console.log(`✖ ${name}: ${(err as Error).message}`);
    }
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(failures.join('\n'));
}
