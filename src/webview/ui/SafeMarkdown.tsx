// Renders the Markdown subset as React elements: text is escaped by React, links become host-checked buttons.

import { memo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '../../shared/markdownLite';
import { isOpenableUrl } from '../../shared/protocolGuards';

export type OpenLink = (url: string) => void;

function InlineView({ inline, onOpenLink }: { inline: Inline; onOpenLink: OpenLink }): ReactNode {
  switch (inline.t) {
    case 'text':
      return inline.text;
    case 'code':
      return <code>{inline.text}</code>;
    case 'strong':
      return <strong>{inline.text}</strong>;
    case 'em':
      return <em>{inline.text}</em>;
    case 'link':
      // Never an <a href>: a click asks the host, which checks the scheme again before opening anything.
      if (!isOpenableUrl(inline.url))
        return inline.text === inline.url ? inline.text : `${inline.text} (${inline.url})`;
      return (
        <button type="button" className="link" title={inline.url} onClick={() => onOpenLink(inline.url)}>
          {inline.text}
        </button>
      );
  }
}

function Inlines({ inlines, onOpenLink }: { inlines: Inline[]; onOpenLink: OpenLink }): ReactNode {
  return inlines.map((inline, i) => <InlineView key={i} inline={inline} onOpenLink={onOpenLink} />);
}

function BlockView({ block, onOpenLink }: { block: Block; onOpenLink: OpenLink }): ReactNode {
  switch (block.t) {
    case 'p':
      return (
        <p>
          <Inlines inlines={block.inlines} onOpenLink={onOpenLink} />
        </p>
      );
    case 'h': {
      const Tag = (['h3', 'h4', 'h5'] as const)[block.level - 1] ?? 'h5';
      return (
        <Tag>
          <Inlines inlines={block.inlines} onOpenLink={onOpenLink} />
        </Tag>
      );
    }
    case 'code':
      return <pre className="code">{block.text}</pre>;
    case 'quote':
      return (
        <blockquote>
          <Inlines inlines={block.inlines} onOpenLink={onOpenLink} />
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((inlines, i) => (
        <li key={i}>
          <Inlines inlines={inlines} onOpenLink={onOpenLink} />
        </li>
      ));
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

export const SafeMarkdown = memo(function SafeMarkdown({
  text,
  onOpenLink,
}: {
  text: string;
  onOpenLink: OpenLink;
}): ReactNode {
  return (
    <div className="markdown">
      {parseMarkdown(text).map((b, i) => (
        <BlockView key={i} block={b} onOpenLink={onOpenLink} />
      ))}
    </div>
  );
});
