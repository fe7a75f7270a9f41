/**
 * Figures and captions. Raster images on the page become figure blocks (rendered as `<!-- image -->`
 * placeholders) in their reading-order place; a block that starts like "Figure 3:" or "Table 2." is a
 * caption and stays where it is printed, next to its figure or table.
 */
import type { BBox, Block, SourcePage, Word } from '../model/document.js';
import { area, union } from './geometry.js';
import { buildLines } from './lines.js';

export const CAPTION_RE = /^(figure|fig\.?|table|tab\.|listing|chart|scheme|plate|exhibit|abbildung|tabelle)\s*[\dIVX]+[a-z]?\s*[.:\-–—]?(\s|$)/i;

export function figureBlocks(page: SourcePage): Block[] {
  const pageArea = page.width * page.height;
  const boxes: BBox[] = [];
  for (const r of page.regions) {
    if (r.kind !== 'image') continue;
    const a = area(r.bbox);
    // Backgrounds (a scan behind its own text layer, a slide backdrop) and specks are not figures.
    if (a > pageArea * 0.6 || a < pageArea * 0.0015) continue;
    if (r.bbox.x1 - r.bbox.x0 < 12 || r.bbox.y1 - r.bbox.y0 < 12) continue;
    boxes.push({ ...r.bbox });
  }
  // Pictures made of several images (tiles, panels of one figure) become one figure.
  const near = (a: BBox, b: BBox, d: number) => a.x0 - d <= b.x1 && b.x0 - d <= a.x1 && a.y0 - d <= b.y1 && b.y0 - d <= a.y1;
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < boxes.length && !merged; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (near(boxes[i], boxes[j], 12)) {
          boxes[i] = union([boxes[i], boxes[j]]);
          boxes.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return boxes.filter((b) => area(b) <= pageArea * 0.6).map((bbox) => ({ type: 'figure' as const, text: '', bbox }));
}

/**
 * Words printed inside a figure (axis labels, callouts) belong to the picture, not the text flow: they
 * move into the figure block's text when they look like labels (short lines). Real text set over an
 * image (long lines) stays in the flow.
 */
export function absorbFigureLabels(figures: Block[], words: readonly Word[], claimed: Set<number>): void {
  if (!figures.length) return;
  const sizes = words.map((w) => w.fontSize).sort((a, b) => a - b);
  const typical = sizes[sizes.length >> 1] ?? 10;
  for (const f of figures) {
    const inside: number[] = [];
    words.forEach((w, i) => {
      if (claimed.has(i)) return;
      const cx = (w.bbox.x0 + w.bbox.x1) / 2, cy = (w.bbox.y0 + w.bbox.y1) / 2;
      if (cx >= f.bbox.x0 && cx <= f.bbox.x1 && cy >= f.bbox.y0 && cy <= f.bbox.y1) inside.push(i);
    });
    if (!inside.length) continue;
    const lines = buildLines(inside.map((i) => words[i]));
    if (lines.some((l) => l.words.length > 8)) continue;
    // Headings set on a decorative image are larger than the body; picture labels are not.
    const mean = inside.reduce((a, i) => a + words[i].fontSize, 0) / inside.length;
    if (mean > typical * 0.98) continue;
    f.text = lines.map((l) => l.text).join(' ');
    for (const i of inside) claimed.add(i);
  }
}

function overlapShare(a: Block['bbox'], b: Block['bbox']): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(area(a), area(b));
}

export function markCaptions(blocks: Block[]): void {
  for (const b of blocks) if (b.type === 'paragraph' && CAPTION_RE.test(b.text)) b.type = 'caption';
}
