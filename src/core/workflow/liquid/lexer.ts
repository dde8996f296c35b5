// Splits a Liquid template into text, output (`{{ }}`) and tag (`{% %}`) tokens, applying `-` whitespace control.

import { WorkflowError } from '../errors';

export type Token =
  | { kind: 'text'; text: string; line: number }
  | { kind: 'output'; markup: string; line: number }
  | { kind: 'tag'; name: string; markup: string; line: number };

const parseError = (message: string, line: number): WorkflowError => new WorkflowError('template_parse_error', `${message} (line ${line})`, { line });

/** Index of `close` after `from`, skipping quoted strings (a `}}` inside '…' does not end the markup). */
function findClose(src: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < src.length; i++) {
    const ch = src[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (src.startsWith(close, i)) {
      return i;
    }
  }
  return -1;
}

const countLines = (src: string, index: number): number => {
  let n = 1;
  for (let i = 0; i < index; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
};

/** Block bodies that are not parsed: `raw` keeps them as text, `comment` drops them. */
const VERBATIM = new Set(['raw', 'comment']);

export function tokenize(src: string, firstLine = 1): Token[] {
  const lineAt = (text: string, index: number): number => countLines(text, index) + firstLine - 1;
  const tokens: Token[] = [];
  let pos = 0;
  let trimNext = false;
  const pushText = (text: string, line: number, trimEnd: boolean): void => {
    let t = trimNext ? text.replace(/^\s+/, '') : text;
    if (trimEnd) t = t.replace(/\s+$/, '');
    trimNext = false;
    if (t) tokens.push({ kind: 'text', text: t, line });
  };
  while (pos < src.length) {
    const open = src.slice(pos).search(/\{\{|\{%/);
    if (open === -1) {
      pushText(src.slice(pos), lineAt(src, pos), false);
      break;
    }
    const start = pos + open;
    const isTag = src[start + 1] === '%';
    const lstrip = src[start + 2] === '-';
    const line = lineAt(src, start);
    pushText(src.slice(pos, start), lineAt(src, pos), lstrip);
    const close = isTag ? '%}' : '}}';
    const end = findClose(src, start + 2, close);
    if (end === -1) throw parseError(`${isTag ? '{%' : '{{'} is never closed with ${close}`, line);
    const rstrip = src[end - 1] === '-' && end - 1 >= start + (lstrip ? 3 : 2);
    const markup = src.slice(start + (lstrip ? 3 : 2), rstrip ? end - 1 : end).trim();
    pos = end + 2;
    trimNext = rstrip;
    if (!isTag) {
      tokens.push({ kind: 'output', markup, line });
      continue;
    }
    const name = /^[#\w]+/.exec(markup)?.[0] ?? '';
    if (!name) throw parseError(`empty or malformed tag {% ${markup} %}`, line);
    if (name.startsWith('#')) continue; // inline comment `{% # note %}`
    if (!VERBATIM.has(name)) {
      tokens.push({ kind: 'tag', name, markup: markup.slice(name.length).trim(), line });
      continue;
    }
    const v = verbatim(src, pos, name, line);
    if (name === 'raw') pushText(src.slice(pos, v.bodyEnd), lineAt(src, pos), v.trimBodyEnd);
    pos = v.end;
    trimNext = v.trimAfter;
  }
  return tokens;
}

/** Finds the matching `{% endraw %}` / `{% endcomment %}` (comments nest) after `from`. */
function verbatim(src: string, from: number, name: string, line: number): { bodyEnd: number; end: number; trimBodyEnd: boolean; trimAfter: boolean } {
  const re = new RegExp(`\\{%-?\\s*(${name}|end${name})\\s*-?%\\}`, 'g');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[1] === name && name === 'comment') depth++;
    else if (m[1] === `end${name}`) depth--;
    if (depth > 0) continue;
    const closeTag = m[0];
    return { bodyEnd: m.index, end: m.index + closeTag.length, trimBodyEnd: closeTag.startsWith('{%-'), trimAfter: closeTag.endsWith('-%}') };
  }
  throw parseError(`{% ${name} %} is never closed with {% end${name} %}`, line);
}
