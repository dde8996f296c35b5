// Optional desktop run of the extension-host suite with @vscode/test-electron (needs internet to download VS Code).

import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  const workspace = mkdtempSync(join(tmpdir(), 'quartet-desktop-'));
  writeFileSync(join(workspace, 'README.md'), '# Desktop test repository\n');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace });
  execFileSync(
    'git',
    ['-c', 'user.name=Quartet', '-c', 'user.email=quartet@localhost', 'commit', '-qam', 'init', '--allow-empty'],
    { cwd: workspace },
  );
  execFileSync('git', ['-c', 'user.name=Quartet', '-c', 'user.email=quartet@localhost', 'add', '-A'], {
    cwd: workspace,
  });
  execFileSync('git', ['-c', 'user.name=Quartet', '-c', 'user.email=quartet@localhost', 'commit', '-qm', 'readme'], {
    cwd: workspace,
  });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/exthost/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err: unknown) => {
  console.error(
    `desktop run failed: ${(err as Error).message}\n(This downloads VS Code from update.code.visualstudio.com: it needs internet access.)`,
  );
  process.exit(1);
});
