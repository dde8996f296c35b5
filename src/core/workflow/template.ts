// WORKFLOW.md prompt templates on liquidjs: strict, without file access, bounded, errors as typed WorkflowErrors with file lines.

import {
  AssertionError,
  Context,
  defaultOperators,
  Drop,
  Liquid,
  LiquidError,
  toValue,
  type Operators,
  type Template,
} from 'liquidjs';
import { WorkflowError } from './errors';

type Binary = (l: unknown, r: unknown, ctx: unknown) => ReturnType<Operators[string]>;
const builtin = (op: string): Binary => defaultOperators[op] as Binary;
const show = (v: unknown): string => (v === null || v === undefined ? 'nil' : (JSON.stringify(v) ?? String(v)));

/** Ordering only between two numbers or two strings: JavaScript would say `nil < 3` is true; a template author meant something else. */
function ordered(op: '<' | '>' | '<=' | '>='): Binary {
  return (l, r, ctx) => {
    // `empty` / `blank` are drops with their own comparison rules.
    if (l instanceof Drop || r instanceof Drop) return builtin(op)(l, r, ctx);
    const a: unknown = toValue(l);
    const b: unknown = toValue(r);
    const comparable =
      (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
    if (!comparable) throw new Error(`cannot compare ${show(a)} ${op} ${show(b)}`);
    const [x, y] = [a as number | string, b as number | string];
    return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
  };
}

const PARSE_LIMIT = 1_000_000;

const engine = new Liquid({
  // SPEC §5.4: an unknown variable or filter is an error, never an empty string.
  strictVariables: true,
  strictFilters: true,
  // The template sees only the data's own keys: no `constructor`, `__proto__` or other prototype members.
  ownPropertyOnly: true,
  // WORKFLOW.md comes with the repository: no file is ever read (an empty in-memory file system; the tags are removed below).
  templates: {},
  // Bounds for a template from a repository: 1M characters of source, 1 s of rendering (it runs on the supervisor's
  // event loop), 10M characters or items created by ranges and string filters.
  parseLimit: PARSE_LIMIT,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  operators: {
    ...defaultOperators,
    // Shopify Liquid's other spelling of `!=` (liquidjs lacks it).
    '<>': builtin('!='),
    '<': ordered('<'),
    '>': ordered('>'),
    '<=': ordered('<='),
    '>=': ordered('>='),
    // `map contains "key"` tests a key, as Shopify Liquid does (liquidjs alone says false).
    contains: ((l, r, ctx) => {
      const v: unknown = toValue(l);
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Drop))
        return Object.prototype.hasOwnProperty.call(v, String(toValue(r)));
      return builtin('contains')(l, r, ctx);
    }) satisfies Binary,
  },
});
// Partials and layouts would read files: without these tags they are parse errors ("unknown tag").
for (const tag of ['include', 'render', 'layout']) Reflect.deleteProperty(engine.tags, tag);

/**
 * A list's missing item (`labels[0]`, `labels.first` of an empty list) is nil, as in Shopify Liquid: strict mode
 * rejects unknown names, not an issue without labels. liquidjs alone calls it an undefined variable.
 */
class TemplateContext extends Context {
  override readProperty(
    obj: Parameters<Context['readProperty']>[0],
    key: Parameters<Context['readProperty']>[1],
  ): unknown {
    const value: unknown = super.readProperty(obj, key);
    if (value !== undefined || !Array.isArray(obj)) return value;
    const k: unknown = toValue(key);
    return typeof k === 'number' || k === 'first' || k === 'last' ? null : value;
  }
}

/** Tags a template may use, for the "unknown tag" message. */
const TAGS = Object.keys(engine.tags).filter((t) => /^\w+$/.test(t));

export interface CompiledTemplate {
  source: string;
  /** The file line of the template's first line: errors name file lines. */
  firstLine: number;
  parsed: Template[];
}

/** liquidjs's message (without its ", line:1, col:2" suffix) in Quartet's words where a person hits it most. */
function wording(message: string): { text: string; unknownFilter: boolean } {
  const m = message.replace(/, line:\d+, col:\d+$/, '');
  const variable = /^undefined variable: (.+)$/.exec(m);
  if (variable) return { text: `unknown variable "${variable[1]}"`, unknownFilter: false };
  const filter = /^undefined filter: (.+)$/.exec(m);
  if (filter) return { text: `unknown filter "${filter[1]}"`, unknownFilter: true };
  const tag = /^tag "(.+)" not found$/.exec(m);
  if (tag?.[1] && /^(end\w+|else|elsif|when)$/.test(tag[1]))
    return { text: `{% ${tag[1]} %} without its opening tag`, unknownFilter: false };
  if (tag) return { text: `unknown tag "${tag[1]}"; supported: ${TAGS.join(', ')}`, unknownFilter: false };
  return { text: m, unknownFilter: false };
}

function toWorkflowError(err: unknown, firstLine: number, phase: 'parse' | 'render'): unknown {
  // A limit hit outside any token (the parse limit is checked first): no line to give.
  if (err instanceof AssertionError)
    return new WorkflowError(
      `template_${phase}_error`,
      phase === 'parse' ? `${err.message} (at most ${PARSE_LIMIT} characters)` : err.message,
    );
  if (!LiquidError.is(err)) return err;
  const line = (err.token.getPosition()[0] ?? 1) + firstLine - 1;
  const { text, unknownFilter } = wording(err.message);
  // An unknown filter is found while parsing, but it stays what it always was: strict rendering refusing it.
  const code = phase === 'render' || unknownFilter ? 'template_render_error' : 'template_parse_error';
  return new WorkflowError(code, `${text} (line ${line})`, { line });
}

/** Throws a `template_parse_error` WorkflowError for bad syntax or an unknown tag (an unknown filter: `template_render_error`). */
export function compileTemplate(source: string, firstLine = 1): CompiledTemplate {
  try {
    return { source, firstLine, parsed: engine.parse(source) };
  } catch (err) {
    throw toWorkflowError(err, firstLine, 'parse');
  }
}

/** Throws a `template_render_error` WorkflowError for an unknown variable, a bad comparison or a limit reached. */
export function renderCompiled(template: CompiledTemplate, variables: Record<string, unknown>): string {
  try {
    const context = new TemplateContext(variables, engine.options, { sync: true }, { liquid: engine });
    return String(engine.renderSync(template.parsed, context));
  } catch (err) {
    throw toWorkflowError(err, template.firstLine, 'render');
  }
}

export interface TemplateUsage {
  /** Variable paths read outside loops' own names and assigned names, e.g. `issue.identifier`, `attempt`. */
  variables: string[];
}

/** Which variables a template reads, for `quartet workflow validate`. */
export function templateUsage(template: CompiledTemplate): TemplateUsage {
  return { variables: engine.globalFullVariablesSync(template.parsed) };
}
