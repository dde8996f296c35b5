// A tiny Markdown subset parsed to a plain tree (no HTML passthrough): agent text stays data, never markup.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; text: string }
  | { t: 'em'; text: string }
  | { t: 'link'; text: string; url: string };

export type Block =
  | { t: 'p'; inlines: Inline[] }
  | { t: 'h'; level: 1 | 2 | 3; inlines: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'list'; ordered: boolean; items: Inline[][] }
  | { t: 'quote'; inlines: Inline[] };

/** Agent messages can be huge; past this the rest is shown as one plain paragraph. */
export const MAX_MARKDOWN_CHARS = 60_000;

const INLINE =
  /`([^`\n]+)`|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()[\]]*[^\s<>()[\].,;:!?'"])|(?:^|(?<=\s))[*_]([^*_\s][^*_\n]*?)[*_](?=\s|$|[.,;:!?])/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ t: 'text', text: text.slice(last, at) });
    if (m[1] !== undefined) out.push({ t: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'strong', text: m[2] });
    else if (m[3] !== undefined && m[4] !== undefined) out.push({ t: 'link', text: m[3], url: m[4] });
    else if (m[5] !== undefined) out.push({ t: 'link', text: m[5], url: m[5] });
    else if (m[6] !== undefined) out.push({ t: 'em', text: m[6] });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ t: 'text', text: text.slice(last) });
  return out;
}

const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const clipped = source.length > MAX_MARKDOWN_CHARS;
  const lines = (clipped ? source.slice(0, MAX_MARKDOWN_CHARS) : source).split(/\r?\n/);
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push({ t: 'p', inlines: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      flush();
      const fence = line.trim().slice(0, 3);
      const body: string[] = [];
      while (++i < lines.length && !(lines[i] as string).trim().startsWith(fence)) body.push(lines[i] as string);
      blocks.push({ t: 'code', text: body.join('\n') });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const level = Math.min(3, (heading[1] as string).length) as 1 | 2 | 3;
      blocks.push({ t: 'h', level, inlines: parseInline(heading[2] as string) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      const ordered = item[2] !== undefined;
      const prev = blocks[blocks.length - 1];
      const inlines = parseInline(item[3] as string);
      if (prev?.t === 'list' && prev.ordered === ordered) prev.items.push(inlines);
      else blocks.push({ t: 'list', ordered, items: [inlines] });
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      flush();
      blocks.push({ t: 'quote', inlines: parseInline(line.replace(/^\s{0,3}>\s?/, '')) });
      continue;
    }
    if (!line.trim()) flush();
    else para.push(line.trim());
  }
  flush();
  if (clipped)
    blocks.push({
      t: 'p',
      inlines: [{ t: 'text', text: `… [${source.length - MAX_MARKDOWN_CHARS} more characters not shown]` }],
    });
  return blocks;
}
