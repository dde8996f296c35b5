// Renders a parsed Liquid template strictly: unknown variables and filters are template_render_errors (SPEC §5.4).

import { WorkflowError } from '../errors';
import type { Condition, Output, Value } from './expression';
import { FILTERS, isEmptyish, toText } from './filters';
import type { Node } from './parser';

/** Loops over more items than this fail instead of exhausting memory on a runaway range. */
const MAX_ITERATIONS = 10_000;

class RenderFailure extends Error {}

type Scope = Map<string, unknown>;

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function renderTemplate(nodes: Node[], globals: Record<string, unknown>): string {
  const scopes: Scope[] = [new Map(Object.entries(globals))];
  const out: string[] = [];
  let line = 1;
  try {
    renderNodes(nodes);
  } catch (err) {
    if (err instanceof RenderFailure) throw new WorkflowError('template_render_error', `${err.message} (line ${line})`, { line });
    throw err;
  }
  return out.join('');

  function renderNodes(list: Node[]): void {
    for (const n of list) {
      if (n.kind === 'text') {
        out.push(n.text);
        continue;
      }
      line = n.line;
      if (n.kind === 'output') out.push(toText(applyFilters(n.output)));
      else if (n.kind === 'assign') (scopes[scopes.length - 1] as Scope).set(n.name, applyFilters(n.output));
      else if (n.kind === 'if') renderIf(n);
      else renderFor(n);
    }
  }

  function renderIf(n: Node & { kind: 'if' }): void {
    for (const [i, b] of n.branches.entries()) {
      const hit = truthy(test(b.cond));
      if (i === 0 && n.negate ? !hit : hit) return renderNodes(b.body);
    }
    renderNodes(n.otherwise);
  }

  function renderFor(n: Node & { kind: 'for' }): void {
    const src = evaluate(n.collection);
    let items: unknown[];
    if (Array.isArray(src)) items = src;
    else if (src === null || src === undefined) items = [];
    else if (typeof src === 'object') items = Object.entries(src);
    else throw new RenderFailure(`cannot loop over ${typeof src} ${JSON.stringify(src)}`);
    const offset = n.offset ? Number(evaluate(n.offset)) : 0;
    const limit = n.limit ? Number(evaluate(n.limit)) : Infinity;
    items = items.slice(offset, offset + limit);
    if (n.reversed) items = [...items].reverse();
    if (!items.length) return renderNodes(n.otherwise);
    const scope: Scope = new Map();
    scopes.push(scope);
    try {
      items.forEach((item, i) => {
        scope.set(n.variable, item);
        scope.set('forloop', { index: i + 1, index0: i, rindex: items.length - i, rindex0: items.length - i - 1, first: i === 0, last: i === items.length - 1, length: items.length });
        renderNodes(n.body);
      });
    } finally {
      scopes.pop();
    }
  }

  function applyFilters(o: Output): unknown {
    let v = evaluate(o.value);
    for (const f of o.filters) {
      const spec = FILTERS[f.name];
      if (!spec) throw new RenderFailure(`unknown filter "${f.name}"`);
      const [min, max] = spec.arity;
      if (f.args.length < min || f.args.length > max) throw new RenderFailure(`filter "${f.name}" takes ${min === max ? min : `${min}–${max}`} argument(s), got ${f.args.length}`);
      try {
        v = spec.apply(v, f.args.map(evaluate));
      } catch (err) {
        throw new RenderFailure(`filter "${f.name}": ${(err as Error).message}`);
      }
    }
    return v;
  }

  function evaluate(v: Value): unknown {
    switch (v.kind) {
      case 'literal':
        return v.value;
      case 'special':
        return v.name === 'empty' ? '' : null;
      case 'range': {
        const from = Math.trunc(Number(evaluate(v.from)));
        const to = Math.trunc(Number(evaluate(v.to)));
        if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RenderFailure('a range needs whole numbers');
        if (to - from >= MAX_ITERATIONS) throw new RenderFailure(`range over ${MAX_ITERATIONS} items`);
        return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
      }
      case 'var':
        return lookup(v);
    }
  }

  function lookup(v: Value & { kind: 'var' }): unknown {
    const scope = [...scopes].reverse().find((s) => s.has(v.root));
    if (!scope) throw new RenderFailure(`unknown variable "${v.root}"`);
    let cur = scope.get(v.root);
    let label = v.root;
    for (const seg of v.path) {
      const key = typeof seg === 'string' ? seg : evaluate(seg);
      const name = typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
      if (cur === null || cur === undefined) throw new RenderFailure(`cannot read "${String(key)}" of ${label}, which is nil`);
      if (Array.isArray(cur) || typeof cur === 'string') {
        if (typeof key === 'number') cur = cur[key < 0 ? cur.length + key : key] ?? null;
        else if (key === 'size') cur = cur.length;
        else if (key === 'first' || key === 'last') cur = (key === 'first' ? cur[0] : cur[cur.length - 1]) ?? null;
        else throw new RenderFailure(`unknown variable "${label}${name}"`);
      } else if (typeof cur === 'object') {
        const obj = cur as Record<string, unknown>;
        if (has(obj, String(key))) cur = obj[String(key)];
        else if (key === 'size') cur = Object.keys(obj).length;
        else throw new RenderFailure(`unknown variable "${label}${name}"`);
      } else {
        throw new RenderFailure(`unknown variable "${label}${name}" (${label} is a ${typeof cur})`);
      }
      label += name;
    }
    return cur === undefined ? null : cur;
  }

  function test(c: Condition): unknown {
    if (c.kind === 'logic') {
      const left = truthy(test(c.left));
      if (c.op === 'and') return left && truthy(test(c.right));
      return left || truthy(test(c.right));
    }
    const left = operand(c.left);
    if (!c.op || !c.right) return left;
    const right = operand(c.right);
    switch (c.op) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case 'contains':
        if (typeof left === 'string') return left.includes(toText(right));
        if (Array.isArray(left)) return left.some((x) => equal(x, right));
        if (left && typeof left === 'object') return has(left, toText(right));
        return false;
      default:
        return compare(left, right, c.op);
    }
  }

  function operand(v: Value): unknown {
    return v.kind === 'special' ? SPECIAL[v.name] : evaluate(v);
  }
}

const SPECIAL = { empty: Symbol('empty'), blank: Symbol('blank') };

function truthy(v: unknown): boolean {
  return v !== false && v !== null && v !== undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === SPECIAL.empty || b === SPECIAL.empty) {
    // `x == empty`: an empty string, list or map (nil is not empty in Liquid).
    const x = a === SPECIAL.empty ? b : a;
    return x !== null && x !== undefined && x !== false && isEmptyish(x);
  }
  if (a === SPECIAL.blank || b === SPECIAL.blank) {
    const x = a === SPECIAL.blank ? b : a;
    return isEmptyish(x) || (typeof x === 'string' && x.trim() === '');
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return a === b || ((a === null || a === undefined) && (b === null || b === undefined));
}

function compare(a: unknown, b: unknown, op: string): boolean {
  const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) throw new RenderFailure(`cannot compare ${JSON.stringify(a)} ${op} ${JSON.stringify(b)}`);
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}
