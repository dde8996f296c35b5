// Builds the Liquid syntax tree from tokens: the supported tags only; anything else is a template_parse_error.

import { WorkflowError } from '../errors';
import { ExprParser, type Condition, type Output, type Value } from './expression';
import { tokenize, type Token } from './lexer';

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; output: Output; line: number; source: string }
  | { kind: 'if'; branches: { cond: Condition; body: Node[] }[]; otherwise: Node[]; negate: boolean; line: number }
  | { kind: 'for'; variable: string; collection: Value; limit: Value | null; offset: Value | null; reversed: boolean; body: Node[]; otherwise: Node[]; line: number }
  | { kind: 'assign'; name: string; output: Output; line: number };

/** Tags this engine knows (besides `raw`, `comment` and `# inline comments`, handled by the lexer). */
export const SUPPORTED_TAGS = ['if', 'elsif', 'else', 'endif', 'unless', 'endunless', 'for', 'endfor', 'assign'];

const fail = (message: string, line: number): never => {
  throw new WorkflowError('template_parse_error', `${message} (line ${line})`, { line });
};

export function parseTemplate(src: string, firstLine = 1): Node[] {
  const tokens = tokenize(src, firstLine);
  let i = 0;

  /** Parses nodes until one of `stops` (returned) or the end (null; an error when a block is open). */
  const block = (stops: string[], opener: { name: string; line: number } | null): { nodes: Node[]; stop: Token & { kind: 'tag' } } | { nodes: Node[]; stop: null } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++] as Token;
      if (t.kind === 'text') nodes.push({ kind: 'text', text: t.text });
      else if (t.kind === 'output') nodes.push({ kind: 'output', output: outputOf(t.markup, t.line), line: t.line, source: t.markup });
      else if (stops.includes(t.name)) return { nodes, stop: t };
      else nodes.push(tag(t));
    }
    if (opener) fail(`{% ${opener.name} %} is never closed with {% ${stops[stops.length - 1]} %}`, opener.line);
    return { nodes, stop: null };
  };

  const tag = (t: Token & { kind: 'tag' }): Node => {
    switch (t.name) {
      case 'if':
      case 'unless': {
        const end = `end${t.name}`;
        const branches: { cond: Condition; body: Node[] }[] = [];
        let cond = conditionOf(t.markup, t.line);
        let otherwise: Node[] = [];
        for (;;) {
          const r = block(['elsif', 'else', end], t);
          if (!r.stop) return fail('unreachable', t.line);
          if (r.stop.name === 'elsif') {
            branches.push({ cond, body: r.nodes });
            cond = conditionOf(r.stop.markup, r.stop.line);
            continue;
          }
          branches.push({ cond, body: r.nodes });
          if (r.stop.name === 'else') {
            if (r.stop.markup) fail(`{% else %} takes nothing (got "${r.stop.markup}")`, r.stop.line);
            const rest = block([end, 'elsif', 'else'], t);
            if (rest.stop?.name !== end) fail(`{% ${rest.stop?.name ?? ''} %} after {% else %}`, rest.stop?.line ?? t.line);
            otherwise = rest.nodes;
          }
          break;
        }
        return { kind: 'if', branches, otherwise, negate: t.name === 'unless', line: t.line };
      }
      case 'for': {
        const p = new ExprParser(t.markup, t.line);
        const variable = p.identifier();
        p.expect('in');
        const collection = p.value();
        let limit: Value | null = null;
        let offset: Value | null = null;
        let reversed = false;
        while (!p.done) {
          if (p.accept('reversed')) reversed = true;
          else if (p.accept('limit')) {
            p.expect(':');
            limit = p.value();
          } else if (p.accept('offset')) {
            p.expect(':');
            offset = p.value();
          } else p.fail('expected limit:, offset: or reversed');
        }
        const body = block(['else', 'endfor'], t);
        let otherwise: Node[] = [];
        if (body.stop?.name === 'else') otherwise = block(['endfor'], t).nodes;
        return { kind: 'for', variable, collection, limit, offset, reversed, body: body.nodes, otherwise, line: t.line };
      }
      case 'assign': {
        const m = /^([A-Za-z_][\w-]*)\s*=\s*([\s\S]+)$/.exec(t.markup);
        if (!m) return fail(`{% assign %} needs "name = value" (got "${t.markup}")`, t.line);
        return { kind: 'assign', name: m[1] as string, output: outputOf(m[2] as string, t.line), line: t.line };
      }
      default:
        if (SUPPORTED_TAGS.includes(t.name)) return fail(`{% ${t.name} %} without its opening tag`, t.line);
        return fail(`unknown tag "${t.name}"; supported: if, unless, for, assign, raw, comment`, t.line);
    }
  };

  return block([], null).nodes;
}

function outputOf(markup: string, line: number): Output {
  const p = new ExprParser(markup, line);
  if (p.done) p.fail('empty output');
  const out = p.output();
  p.end();
  return out;
}

function conditionOf(markup: string, line: number): Condition {
  const p = new ExprParser(markup, line);
  if (p.done) p.fail('missing condition');
  const c = p.condition();
  p.end();
  return c;
}
