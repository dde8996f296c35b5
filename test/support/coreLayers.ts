// The core's layers as docs/ARCHITECTURE.md writes them down, lowest first: eslint.config.mjs and the doc must agree.

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
] as const;
