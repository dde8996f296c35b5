// Liquid expressions: literals, variable paths, ranges, filter chains and `and`/`or` conditions, parsed to a small AST.

import { WorkflowError } from '../errors';

export type Value =
  | { kind: 'literal'; value: unknown }
  /** `empty` / `blank`: special operands that only make sense in comparisons. */
  | { kind: 'special'; name: 'empty' | 'blank' }
  | { kind: 'var'; root: string; path: (string | Value)[]; text: string }
  | { kind: 'range'; from: Value; to: Value };

export interface Filter {
  name: string;
  args: Value[];
}

export interface Output {
  value: Value;
  filters: Filter[];
}

export type Condition =
  | { kind: 'test'; left: Value; op: string | null; right: Value | null }
  | { kind: 'logic'; op: 'and' | 'or'; left: Condition; right: Condition };

type Tok = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'punct'; v: string };

const OPS = ['==', '!=', '<>', '<=', '>=', '<', '>'];

export class ExprParser {
  private toks: Tok[];
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly line: number,
  ) {
    this.toks = this.lex(src);
  }

  fail(message: string): never {
    throw new WorkflowError('template_parse_error', `${message} in "${this.src}" (line ${this.line})`, { line: this.line });
  }

  private lex(src: string): Tok[] {
    const out: Tok[] = [];
    const re = /\s*(?:("[^"]*"|'[^']*')|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w-]*\??)|(==|!=|<>|<=|>=|<|>)|(\.\.|[.[\]|:,()=]))/y;
    let pos = 0;
    while (pos < src.length) {
      if (/^\s*$/.test(src.slice(pos))) break;
      re.lastIndex = pos;
      const m = re.exec(src);
      if (!m) this.fail(`unexpected character "${src.slice(pos).trim()[0] ?? ''}"`);
      pos = re.lastIndex;
      if (m[1] !== undefined) out.push({ t: 'str', v: m[1].slice(1, -1) });
      else if (m[2] !== undefined) out.push({ t: 'num', v: Number(m[2]) });
      else if (m[3] !== undefined) out.push({ t: 'id', v: m[3] });
      else if (m[4] !== undefined) out.push({ t: 'op', v: m[4] });
      else out.push({ t: 'punct', v: m[5] as string });
    }
    return out;
  }

  get done(): boolean {
    return this.i >= this.toks.length;
  }

  peek(): Tok | undefined {
    return this.toks[this.i];
  }

  /** Consumes a punctuation or identifier token with this text, if next. */
  accept(v: string): boolean {
    const t = this.toks[this.i];
    if (t && (t.t === 'punct' || t.t === 'id' || t.t === 'op') && t.v === v) {
      this.i++;
      return true;
    }
    return false;
  }

  expect(v: string): void {
    if (!this.accept(v)) this.fail(`expected "${v}"`);
  }

  identifier(): string {
    const t = this.toks[this.i++];
    if (t?.t !== 'id') this.fail('expected a name');
    return t.v;
  }

  end(): void {
    if (!this.done) this.fail(`unexpected "${String(this.peek()?.v)}"`);
  }

  value(): Value {
    const t = this.toks[this.i++];
    if (!t) return this.fail('expected a value');
    if (t.t === 'str' || t.t === 'num') return { kind: 'literal', value: t.v };
    if (t.t === 'punct' && t.v === '(') {
      const from = this.value();
      this.expect('..');
      const to = this.value();
      this.expect(')');
      return { kind: 'range', from, to };
    }
    if (t.t !== 'id') return this.fail(`unexpected "${t.v}"`);
    if (t.v === 'true' || t.v === 'false') return { kind: 'literal', value: t.v === 'true' };
    if (t.v === 'nil' || t.v === 'null') return { kind: 'literal', value: null };
    if (t.v === 'empty' || t.v === 'blank') return { kind: 'special', name: t.v };
    return this.path({ kind: 'var', root: t.v, path: [], text: t.v }, t.v);
  }

  /** `.name` and `[expr]` segments after a root name. */
  private path(v: Value & { kind: 'var' }, text: string): Value {
    let label = text;
    for (;;) {
      if (this.accept('.')) {
        const name = this.identifier();
        v.path.push(name);
        label += `.${name}`;
      } else if (this.accept('[')) {
        const key = this.value();
        this.expect(']');
        v.path.push(key);
        label += key.kind === 'literal' ? `[${JSON.stringify(key.value)}]` : '[…]';
      } else break;
    }
    return { ...v, text: label };
  }

  /** `value | filter: arg, arg | filter` */
  output(): Output {
    const value = this.value();
    const filters: Filter[] = [];
    while (this.accept('|')) {
      const name = this.identifier();
      const args: Value[] = [];
      if (this.accept(':')) {
        do {
          // Keyword arguments (`truncate: 5, ellipsis: "…"`) are not supported: say so rather than misread them.
          const next = this.toks[this.i + 1];
          if (this.peek()?.t === 'id' && next?.t === 'punct' && next.v === ':') this.fail(`keyword arguments are not supported (filter ${name})`);
          args.push(this.value());
        } while (this.accept(','));
      }
      filters.push({ name, args });
    }
    return { value, filters };
  }

  /** Liquid conditions: no parentheses; `and`/`or` group from the right, as Liquid does. */
  condition(): Condition {
    const left = this.value();
    let test: Condition = { kind: 'test', left, op: null, right: null };
    const t = this.peek();
    if (t && ((t.t === 'op' && OPS.includes(t.v)) || (t.t === 'id' && t.v === 'contains'))) {
      this.i++;
      test = { kind: 'test', left, op: t.v === '<>' ? '!=' : t.v, right: this.value() };
    }
    const next = this.peek();
    if (next?.t === 'id' && (next.v === 'and' || next.v === 'or')) {
      this.i++;
      return { kind: 'logic', op: next.v, left: test, right: this.condition() };
    }
    return test;
  }
}
