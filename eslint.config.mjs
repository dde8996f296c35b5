// ESLint: strict TypeScript plus the layer rules of docs/ARCHITECTURE.md, enforced per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension may import vscode.' };
const layer = (patterns, paths = [noVscode]) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'tools/**', 'test-artifacts/**', '**/*.mjs', 'demo/sample-repo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: layer([
      { group: ['**/core/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'src/shared imports nothing else from the project.' },
      { group: ['node:*'], message: 'src/shared stays pure: no Node built-ins.' },
    ]),
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'demo/**/*.ts'],
    rules: layer([{ group: ['**/extension/**', '**/webview/**'], message: 'core/cli must not depend on the VS Code or webview layers.' }]),
  },
  {
    files: ['src/webview/**/*.ts', 'src/webview/**/*.tsx'],
    rules: layer([{ group: ['**/core/**', '**/extension/**', '**/cli/**', 'node:*'], message: 'src/webview may import only src/shared.' }]),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: layer([{ group: ['**/webview/**', '**/cli/**'], message: 'The extension talks to the webview only through src/shared.' }], []),
  },
);
