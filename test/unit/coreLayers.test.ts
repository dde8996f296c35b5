// The core's layer rules are real: ESLint with the project's own config fails a back-edge and passes a legal import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(__dirname, '../../..');

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

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
});
