// ESLint: strict TypeScript plus the layer rules of docs/ARCHITECTURE.md, enforced per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension may import vscode.' };
const layer = (patterns, paths = [noVscode]) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

const coreOuter = {
  group: ['**/extension/**', '**/webview/**'],
  message: 'core/cli must not depend on the VS Code or webview layers.',
};

/**
 * The core's layers, lowest first (docs/ARCHITECTURE.md, "Layers inside core"): a folder may import only the folders
 * before it, so the folders form a DAG and a back-edge fails lint.
 */
export const CORE_LAYERS = [
  'contract',
  'config',
  'observability',
  'git',
  'execution',
  'policy',
  'github',
  'tracker',
  'verdict',
  'land',
  'skills',
  'distill',
  'workers',
  'workflow',
  'cleanup',
  'orchestrator',
  'autopilot',
  'supervisor',
];
/** The client ships in the extension and the CLI: the contract, plus finding and starting a supervisor (paths, pids). */
const CLIENT_MAY_IMPORT = ['contract', 'git', 'execution'];
/** Each core folder and the core folders it must not import. */
export const CORE_FORBIDDEN = Object.fromEntries([
  ...CORE_LAYERS.map((folder, i) => [folder, [...CORE_LAYERS.slice(i + 1), 'client']]),
  ['client', CORE_LAYERS.filter((f) => !CLIENT_MAY_IMPORT.includes(f))],
]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'tools/**',
      'test-artifacts/**',
      '**/*.mjs',
      'demo/sample-repo/**',
    ],
  },
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
      {
        group: ['**/core/**', '**/extension/**', '**/webview/**', '**/cli/**'],
        message: 'src/shared imports nothing else from the project.',
      },
      { group: ['node:*'], message: 'src/shared stays pure: no Node built-ins.' },
    ]),
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'demo/**/*.ts'],
    rules: layer([coreOuter]),
  },
  // Layers inside src/core (docs/ARCHITECTURE.md, "Layers inside core"): each folder names the folders it must not import.
  ...Object.entries(CORE_FORBIDDEN).map(([folder, forbidden]) => ({
    files: [`src/core/${folder}/**/*.ts`],
    rules: layer([
      coreOuter,
      ...forbidden.map((f) => ({
        group: [`../${f}/**`, `../../${f}/**`],
        message: `src/core/${folder} must not import core/${f}: ${folder === 'client' ? 'the client imports only ' + CLIENT_MAY_IMPORT.join(', ') : 'it is a layer above'} (docs/ARCHITECTURE.md).`,
      })),
    ]),
  })),
  {
    files: ['src/webview/**/*.ts', 'src/webview/**/*.tsx'],
    rules: layer([
      {
        group: ['**/core/**', '**/extension/**', '**/cli/**', 'node:*'],
        message: 'src/webview may import only src/shared.',
      },
    ]),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: layer(
      [
        {
          group: ['**/webview/**', '**/cli/**'],
          message: 'The extension talks to the webview only through src/shared.',
        },
      ],
      [],
    ),
  },
);
