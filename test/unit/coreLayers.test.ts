// The core's layer rules are real: ESLint with the project's own config fails a back-edge and passes a legal import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(__dirname, '../../..');

/** The DAG docs/ARCHITECTURE.md writes down, lowest first; eslint.config.mjs must enforce exactly this. */
const LAYERS = [
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

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (folder: string): string => `import { x } from '../${folder}/module';\nexport const y = x;\n`;

test('every core folder has a place in the layers (a new folder must be given one)', () => {
  const folders = readdirSync(resolve(ROOT, 'src/core'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(folders, [...LAYERS, 'client'].sort());
});

test(
  'a back-edge fails lint: contract importing the orchestrator, the orchestrator importing the supervisor',
  { timeout: 60_000 },
  async () => {
    const contract = await layerErrors(
      'src/core/contract/backEdge.ts',
      "import type { TaskRecord } from '../orchestrator/records';\nexport type X = TaskRecord;\n",
    );
    assert.equal(contract.length, 1);
    assert.match(contract[0] ?? '', /src\/core\/contract must not import core\/orchestrator/);
    const orchestrator = await layerErrors(
      'src/core/orchestrator/backEdge.ts',
      "import { createSupervisorServer } from '../supervisor/server';\nexport const x = createSupervisorServer;\n",
    );
    assert.match(orchestrator[0] ?? '', /src\/core\/orchestrator must not import core\/supervisor/);
    const observability = await layerErrors(
      'src/core/observability/backEdge.ts',
      "import { git } from '../git/git';\nexport const x = git;\n",
    );
    assert.match(observability[0] ?? '', /src\/core\/observability must not import core\/git/);
  },
);

test(
  'the back-edges this layering removed fail lint: git → land, verdict → land, skills → distill, cleanup → orchestrator',
  { timeout: 60_000 },
  async () => {
    const cases: [string, string, string][] = [
      [
        'src/core/git/backEdge.ts',
        "import { LandError } from '../land/errors';\nexport const x = LandError;\n",
        'land',
      ],
      [
        'src/core/verdict/backEdge.ts',
        "import { scoreInputOf } from '../land/landAttempt';\nexport const x = 1;\n",
        'land',
      ],
      [
        'src/core/skills/backEdge.ts',
        "import { reviewView } from '../distill/review';\nexport const x = 1;\n",
        'distill',
      ],
      [
        'src/core/cleanup/backEdge.ts',
        "import type { TaskRecord } from '../orchestrator/records';\nexport type X = TaskRecord;\n",
        'orchestrator',
      ],
      [
        'src/core/github/backEdge.ts',
        "import { x } from '../tracker/endpointPolicy';\nexport const y = x;\n",
        'tracker',
      ],
      [
        'src/core/workers/backEdge.ts',
        "import { x } from '../workflow/coreConfig';\nexport const y = x;\n",
        'workflow',
      ],
      ['src/core/policy/backEdge.ts', "import { x } from '../land/resolve';\nexport const y = x;\n", 'land'],
    ];
    for (const [file, code, target] of cases) {
      const errors = await layerErrors(file, code);
      const folder = file.split('/')[2] ?? '';
      assert.equal(errors.length, 1, `${file} importing core/${target}`);
      assert.match(errors[0] ?? '', new RegExp(`src/core/${folder} must not import core/${target}`));
    }
  },
);

test('each layer may import the one below it and not the one above it', { timeout: 120_000 }, async () => {
  for (let i = 1; i < LAYERS.length; i++) {
    const [below, layer] = [LAYERS[i - 1] ?? '', LAYERS[i] ?? ''];
    assert.deepEqual(await layerErrors(`src/core/${layer}/legal.ts`, importing(below)), [], `${layer} → ${below}`);
    const back = await layerErrors(`src/core/${below}/backEdge.ts`, importing(layer));
    assert.equal(back.length, 1, `${below} → ${layer} must fail`);
  }
});

test('the client imports only the contract and the plumbing that finds a supervisor', { timeout: 60_000 }, async () => {
  for (const allowed of ['contract', 'git', 'execution'])
    assert.deepEqual(await layerErrors('src/core/client/legal.ts', importing(allowed)), [], allowed);
  for (const forbidden of ['supervisor', 'orchestrator', 'land', 'observability']) {
    const errors = await layerErrors('src/core/client/backEdge.ts', importing(forbidden));
    assert.match(
      errors[0] ?? '',
      new RegExp(`src/core/client must not import core/${forbidden}: the client imports only`),
    );
  }
  // And nothing in the core imports the client.
  for (const layer of LAYERS)
    assert.equal((await layerErrors(`src/core/${layer}/backEdge.ts`, importing('client'))).length, 1, layer);
});

test('legal imports pass: downward edges and src/shared', { timeout: 60_000 }, async () => {
  assert.deepEqual(
    await layerErrors(
      'src/core/orchestrator/legal.ts',
      "import type { LaunchOptions } from '../contract/launch';\nimport { isTerminal } from '../../shared/model';\nexport type X = LaunchOptions;\nexport const y = isTerminal;\n",
    ),
    [],
  );
  assert.deepEqual(
    await layerErrors(
      'src/core/contract/legal.ts',
      "import type { Snapshot } from '../../shared/model';\nimport type { LaunchOptions } from './launch';\nexport type X = [Snapshot, LaunchOptions];\n",
    ),
    [],
  );
  assert.deepEqual(
    await layerErrors(
      'src/core/supervisor/legal.ts',
      "import { Orchestrator } from '../orchestrator/orchestrator';\nexport const x = Orchestrator;\n",
    ),
    [],
  );
  assert.deepEqual(
    await layerErrors(
      'src/core/tracker/github/legal.ts',
      "import { x } from '../../github/prState';\nexport const y = x;\n",
    ),
    [],
  );
});
