// A minimal GraphQL reader (pure): the operations of a document and the top-level fields with their arguments, enough to police mutations.

/** An argument value: literals as JS values, variables as `{ $var: name }`, enums as strings. */
export type GqlValue = string | number | boolean | null | { $var: string } | GqlValue[] | { [k: string]: GqlValue };

export interface GqlField {
  /** The schema field (not the alias). */
  name: string;
  args: Record<string, GqlValue>;
}

export interface GqlOperation {
  type: 'query' | 'mutation' | 'subscription';
  /** Top-level fields; `spread` is true when the top level has a fragment spread or inline fragment (fields unknown). */
  fields: GqlField[];
  spread: boolean;
}

type Tok = { k: 'name' | 'punct' | 'string' | 'number'; v: string };
const PUNCT = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '|', '}']);

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/[\s,\ufeff]/.test(c)) i++;
    else if (c === '#') while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
    else if (src.startsWith('...', i)) {
      out.push({ k: 'punct', v: '...' });
      i += 3;
    } else if (PUNCT.has(c)) {
      out.push({ k: 'punct', v: c });
      i++;
    } else if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new Error('unterminated block string');
      out.push({ k: 'string', v: src.slice(i + 3, end) });
      i = end + 3;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new Error('unterminated string');
      out.push({ k: 'string', v: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
    } else {
      const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|^([_A-Za-z][_0-9A-Za-z]*)/.exec(src.slice(i, i + 256));
      if (!m) throw new Error(`unexpected character ${JSON.stringify(c)}`);
      out.push(m[1] !== undefined ? { k: 'number', v: m[1] } : { k: 'name', v: m[2] as string });
      i += m[0].length;
    }
  }
  return out;
}

/** Every operation of the document (fragment definitions are skipped). Throws on text that is not GraphQL. */
export function readOperations(src: string): GqlOperation[] {
  const t = lex(src);
  let p = 0;
  const peek = (v?: string): boolean => p < t.length && (v === undefined || t[p]?.v === v);
  const next = (): Tok => {
    const tok = t[p++];
    if (!tok) throw new Error('unexpected end of document');
    return tok;
  };
  const expect = (v: string): void => {
    if (next().v !== v) throw new Error(`expected "${v}"`);
  };
  /** Skips a balanced (…), […] or {…} group starting at the current token. */
  const skipGroup = (): void => {
    const open = next().v;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 1;
    while (depth > 0) {
      const v = next();
      if (v.k === 'punct' && v.v === open) depth++;
      else if (v.k === 'punct' && v.v === close) depth--;
    }
  };
  const value = (): GqlValue => {
    const tok = next();
    if (tok.k === 'punct' && tok.v === '$') return { $var: next().v };
    if (tok.k === 'string') return tok.v;
    if (tok.k === 'number') return Number(tok.v);
    if (tok.k === 'name') return tok.v === 'true' ? true : tok.v === 'false' ? false : tok.v === 'null' ? null : tok.v;
    if (tok.v === '[') {
      const list: GqlValue[] = [];
      while (!peek(']')) list.push(value());
      p++;
      return list;
    }
    if (tok.v === '{') {
      const obj: Record<string, GqlValue> = {};
      while (!peek('}')) {
        const key = next().v;
        expect(':');
        obj[key] = value();
      }
      p++;
      return obj;
    }
    throw new Error(`unexpected "${tok.v}" in a value`);
  };
  const directives = (): void => {
    while (peek('@')) {
      p += 2;
      if (peek('(')) skipGroup();
    }
  };
  const ops: GqlOperation[] = [];
  while (p < t.length) {
    const head = t[p] as Tok;
    if (head.v === 'fragment') {
      while (!peek('{')) p++;
      skipGroup();
      continue;
    }
    const type = head.v === '{' ? 'query' : head.v;
    if (type !== 'query' && type !== 'mutation' && type !== 'subscription')
      throw new Error(`unexpected "${head.v}" at the top level`);
    if (head.v !== '{') {
      p++;
      if (peek() && t[p]?.k === 'name') p++;
      if (peek('(')) skipGroup();
      directives();
    }
    expect('{');
    const op: GqlOperation = { type, fields: [], spread: false };
    while (!peek('}')) {
      if (peek('...')) {
        op.spread = true;
        p++;
        if (peek('on')) p += 2;
        directives();
        if (peek('{')) skipGroup();
        else p++;
        continue;
      }
      let name = next().v;
      if (peek(':')) {
        p++;
        name = next().v;
      }
      const args: Record<string, GqlValue> = {};
      if (peek('(')) {
        p++;
        while (!peek(')')) {
          const key = next().v;
          expect(':');
          args[key] = value();
        }
        p++;
      }
      directives();
      if (peek('{')) skipGroup();
      op.fields.push({ name, args });
    }
    p++;
    ops.push(op);
  }
  return ops;
}

/** `v` with variables substituted from `vars` (missing ones are undefined → null). */
export function resolveValue(v: GqlValue | undefined, vars: Record<string, unknown>): unknown {
  if (v === undefined || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, vars));
  if ('$var' in v && typeof v.$var === 'string' && Object.keys(v).length === 1) return vars[v.$var] ?? null;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(x, vars)]));
}
