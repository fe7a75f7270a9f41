/** The document model as plain text: blocks separated by blank lines, tables as tab-separated rows. */
import type { Block, DocumentModel } from '../model/document.js';
import type { RenderOptions } from './options.js';
import { renderTableText } from './table.js';

function blockText(b: Block): string {
  switch (b.type) {
    case 'list-item':
      return '  '.repeat(b.depth ?? 0) + (b.ordered ? (b.marker ?? '') : '•') + ' ' + b.text;
    case 'table':
      return b.table ? renderTableText(b.table) : b.text;
    case 'figure':
      return b.text ? `[image: ${b.text}]` : '';
    default:
      return b.text;
  }
}

export function renderText(doc: DocumentModel, opts: RenderOptions = {}): string {
  const parts: string[] = [];
  for (const p of doc.pages) {
    let out = '';
    let prev: Block | null = null;
    for (const b of p.blocks) {
      if (b.furniture && !opts.keepFurniture) continue;
      const s = blockText(b);
      if (!s.trim()) continue;
      if (out) out += prev?.type === 'list-item' && b.type === 'list-item' ? '\n' : '\n\n';
      out += s;
      prev = b;
    }
    if (opts.pageMarkers) parts.push(`--- page ${p.number} ---` + (out ? '\n\n' + out : ''));
    else if (out) parts.push(out);
  }
  return parts.length ? parts.join('\n\n') + '\n' : '';
}
