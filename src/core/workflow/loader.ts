// Finds and loads a WORKFLOW.md (SPEC §5.1–§5.2, §6.1): front matter + prompt body → typed config, or a typed error.

import { createHash } from 'node:crypto';
import { readRegularFile, UnsafeFileError } from '../git/safeFiles';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { WorkflowError } from './errors';
import { compileTemplate, type CompiledTemplate } from './template';
import {
  CORE_KEYS,
  readAgent,
  readCodex,
  readHooks,
  readPolling,
  readServer,
  readTracker,
  readWorker,
  readWorkspace,
} from './coreConfig';
import { QUARTET_KEY, readQuartet } from './quartetConfig';
import { ConfigReader, isMap } from './values';
import type { WorkflowConfig, WorkflowDefinition } from './types';

export const WORKFLOW_FILE = 'WORKFLOW.md';

/** SPEC §5.1: an explicit path (relative ones against `baseDir`) wins; otherwise `<baseDir>/WORKFLOW.md`. */
export function resolveWorkflowPath(baseDir: string, explicit?: string | null): string {
  const p = explicit?.trim();
  if (!p) return resolve(baseDir, WORKFLOW_FILE);
  const home = process.env.HOME ?? '';
  const expanded = p === '~' ? home : p.startsWith('~/') ? `${home}${p.slice(1)}` : p;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
}

/** SPEC §5.2: `---` on the first line opens YAML front matter up to the next `---` line; the rest is the body. */
export function splitFrontMatter(text: string): { frontMatter: string | null; body: string; bodyLine: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return { frontMatter: null, body: lines.join('\n'), bodyLine: 1 };
  const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (close === -1)
    throw new WorkflowError(
      'workflow_parse_error',
      'the front matter opened by --- on line 1 is never closed by a --- line',
    );
  return {
    frontMatter: lines.slice(1, close).join('\n'),
    body: lines.slice(close + 1).join('\n'),
    bodyLine: close + 2,
  };
}

export interface LoadOptions {
  /** Environment for `$VAR` references (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** A workflow is a page of settings and a prompt; a larger file (or a FIFO, a device, a link) is refused, not read. */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/** Reads and parses the file; throws `missing_workflow_file` when it cannot be read. */
export function loadWorkflow(path: string, opts: LoadOptions = {}): WorkflowDefinition {
  const abs = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(abs, { maxBytes: MAX_WORKFLOW_BYTES });
  } catch (err) {
    const why = err instanceof UnsafeFileError && err.reason === 'missing' ? 'no such file' : (err as Error).message;
    throw new WorkflowError('missing_workflow_file', `cannot read ${abs}: ${why}`, { path: abs });
  }
  return workflowFromBytes(bytes, abs, opts);
}

/** Parses bytes already read from `path` (the watcher hashes and parses the same read). */
export function workflowFromBytes(bytes: Buffer, path: string, opts: LoadOptions = {}): WorkflowDefinition {
  const abs = resolve(path);
  try {
    return parseWorkflow(bytes.toString('utf8'), abs, {
      ...opts,
      hash: createHash('sha256').update(bytes).digest('hex'),
    });
  } catch (err) {
    if (err instanceof WorkflowError && !err.detail.path) err.detail.path = abs;
    throw err;
  }
}

/** Parses workflow text as if read from `path` (relative paths in it resolve against its folder). */
export function parseWorkflow(
  text: string,
  path: string,
  opts: LoadOptions & { hash?: string } = {},
): WorkflowDefinition {
  const { frontMatter, body, bodyLine } = splitFrontMatter(text);
  const raw = parseFrontMatter(frontMatter);
  const reader = new ConfigReader(opts.env ?? process.env, dirname(path));
  const config: WorkflowConfig = {
    tracker: readTracker(reader, raw),
    polling: readPolling(reader, raw),
    workspace: readWorkspace(reader, raw),
    hooks: readHooks(reader, raw),
    agent: readAgent(reader, raw),
    codex: readCodex(reader, raw),
    worker: readWorker(reader, raw),
    server: readServer(reader, raw),
    quartet: readQuartet(reader, raw),
  };
  reader.unknownKeys(raw, '', [...CORE_KEYS, QUARTET_KEY]);
  const promptTemplate = body.trim();
  let template: CompiledTemplate | null = null;
  let templateError: WorkflowError | null = null;
  if (promptTemplate) {
    // Lines in template errors count from the top of the file, where the person will look.
    const skipped = body.slice(0, body.indexOf(promptTemplate)).split('\n').length - 1;
    try {
      template = compileTemplate(promptTemplate, bodyLine + skipped);
    } catch (err) {
      if (!(err instanceof WorkflowError)) throw err;
      templateError = err;
    }
  }
  return {
    path,
    config,
    raw,
    promptTemplate,
    template,
    templateError,
    present: reader.present,
    ignored: reader.ignored,
    notes: reader.notes,
    hash: opts.hash ?? createHash('sha256').update(text).digest('hex'),
  };
}

function parseFrontMatter(yaml: string | null): Record<string, unknown> {
  if (yaml === null || !yaml.trim()) return {};
  const doc = parseDocument(yaml, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    // +1: the front matter starts on the file's second line.
    const line = first.linePos?.[0]?.line;
    throw new WorkflowError(
      'workflow_parse_error',
      `invalid YAML front matter${line ? ` on line ${line + 1}` : ''}: ${first.message.split('\n')[0]}`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (!isMap(data))
    throw new WorkflowError(
      'workflow_front_matter_not_a_map',
      `the front matter must be a YAML map of keys (got ${Array.isArray(data) ? 'a list' : typeof data})`,
    );
  return data;
}
