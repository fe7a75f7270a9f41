/**
 * The document model as GitHub-flavoured Markdown, in the conventions LLMs and docling-style ground
 * truth share: `#` headings by level, `-`/`1.` lists nested by four spaces, fenced code, tables as pipe
 * or HTML tables, `<!-- image -->` where a picture is.
 */
import type { Block, DocumentModel, Page } from '../model/document.js';
import type { RenderOptions } from './options.js';
import { renderTableMarkdown } from './table.js';

/** Underscores would turn into emphasis. */
export const escapeMarkdown = (s: string) => s.replace(/_/g, '\\_');

/** Markdown list marker, or null when the printed one ("a)", "(iv)") has no Markdown form. */
function listMarker(b: Block): string | null {
  if (!b.ordered) return '-';
  return b.marker && /^\d{1,9}[.)]$/.test(b.marker) ? b.marker : null;
}

export function renderBlockMarkdown(b: Block): string {
  switch (b.type) {
    case 'heading':
      return '#'.repeat(Math.max(1, Math.min(6, b.level ?? 2))) + ' ' + escapeMarkdown(b.text);
    case 'list-item': {
      const m = listMarker(b);
      // Printed markers Markdown cannot express stay as text, unindented (indentation would be code).
      if (m === null) return `${b.marker ?? ''} ${escapeMarkdown(b.text)}`.trim();
      return '    '.repeat(b.depth ?? 0) + m + ' ' + escapeMarkdown(b.text);
    }
    case 'code':
      return '```\n' + b.text.replace(/```/g, '`\u200b``') + '\n```';
    case 'formula':
      return '$$\n' + b.text + '\n$$';
    case 'figure':
      // Labels inside the picture stay in the JSON; Markdown marks the picture's place.
      return '<!-- image -->';
    case 'table':
      return b.table ? renderTableMarkdown(b.table, escapeMarkdown) : escapeMarkdown(b.text);
    default:
      // A paragraph that starts like a heading or quote marker must not turn into one.
      return escapeMarkdown(b.text).replace(/^(#{1,6}(?=\s|$)|>)/, '\\$1');
  }
}

function pageMarker(p: Page): string {
  const note = p.source === 'empty' ? ` (${p.notes?.join('; ') || 'no text'})` : p.source === 'ocr' ? ' (ocr)' : '';
  return `<!-- page ${p.number}${note} -->`;
}

export function renderPageMarkdown(p: Page, opts: RenderOptions = {}): string {
  let out = '';
  let prev: Block | null = null;
  for (const b of p.blocks) {
    if (b.furniture && !opts.keepFurniture) continue;
    const s = renderBlockMarkdown(b);
    if (!s.trim()) continue;
    if (out) out += prev?.type === 'list-item' && b.type === 'list-item' ? '\n' : '\n\n';
    out += s;
    prev = b;
  }
  return out;
}

export function renderMarkdown(doc: DocumentModel, opts: RenderOptions = {}): string {
  const parts: string[] = [];
  for (const p of doc.pages) {
    const body = renderPageMarkdown(p, opts);
    if (opts.pageMarkers) parts.push(body ? `${pageMarker(p)}\n\n${body}` : pageMarker(p));
    else if (body) parts.push(body);
  }
  return parts.length ? parts.join('\n\n') + '\n' : '';
}
