/**
 * The `layout` of a /v1/parse answer: page sizes, blocks in reading order with their boxes, and where
 * each block's Markdown sits in its page's Markdown. The Markdown comes from the engine's own renderer
 * (renderPageMarkdown, renderBlockMarkdown), so the playground shows exactly what a model is sent.
 */
import type { ParseLayoutBody } from '../api/layout.js';
import type { DocumentModel } from '../model/document.js';
import { renderBlockMarkdown, renderPageMarkdown } from '../render/markdown.js';

const round = (n: number) => Math.round(n * 100) / 100;

export function parseLayout(doc: DocumentModel, opts: { keepFurniture: boolean }): ParseLayoutBody {
  return {
    units: doc.kind === 'pdf' ? 'pt' : 'px',
    pages: doc.pages.map((p) => {
      const markdown = renderPageMarkdown(p, { keepFurniture: opts.keepFurniture });
      let cursor = 0;
      const blocks = p.blocks.map((b) => {
        let span: [number, number] | null = null;
        if (!b.furniture || opts.keepFurniture) {
          const md = renderBlockMarkdown(b);
          // The page Markdown is these blocks' Markdown in order, so each is found after the previous.
          const at = md.trim() ? markdown.indexOf(md, cursor) : -1;
          if (at >= 0) {
            span = [at, at + md.length];
            cursor = at + md.length;
          }
        }
        return {
          type: b.type,
          bbox: { x0: round(b.bbox.x0), y0: round(b.bbox.y0), x1: round(b.bbox.x1), y1: round(b.bbox.y1) },
          text: b.text,
          ...(b.level !== undefined ? { level: b.level } : {}),
          ...(b.furniture ? { furniture: true } : {}),
          source: b.source ?? p.source,
          markdown: span,
        };
      });
      return {
        number: p.number,
        width: round(p.width),
        height: round(p.height),
        rotation: p.rotation,
        source: p.source,
        ...(p.notes?.length ? { notes: p.notes } : {}),
        markdown,
        blocks,
      };
    }),
  };
}
