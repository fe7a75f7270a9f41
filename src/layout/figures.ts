/**
 * Figures and captions. Raster images on the page become figure blocks (rendered as `<!-- image -->`
 * placeholders) in their reading-order place; a block that starts like "Figure 3:" or "Table 2." is a
 * caption and stays where it is printed, next to its figure or table.
 */
import type { Block, Region, SourcePage } from '../model/document.js';
import { area } from './geometry.js';

export const CAPTION_RE = /^(figure|fig\.?|table|tab\.|listing|chart|scheme|plate|exhibit|abbildung|tabelle)\s*[\dIVX]+[a-z]?\s*[.:\-–—]?(\s|$)/i;

export function figureBlocks(page: SourcePage): Block[] {
  const pageArea = page.width * page.height;
  const out: Block[] = [];
  const images = page.regions.filter((r: Region) => r.kind === 'image');
  for (const r of images) {
    const a = area(r.bbox);
    // Backgrounds (a scan behind its own text layer, a slide backdrop) and specks are not figures.
    if (a > pageArea * 0.6 || a < pageArea * 0.002) continue;
    if (r.bbox.x1 - r.bbox.x0 < 16 || r.bbox.y1 - r.bbox.y0 < 16) continue;
    // One placeholder for images painted on top of each other (tiles of one picture).
    if (out.some((f) => overlapShare(f.bbox, r.bbox) > 0.5)) continue;
    out.push({ type: 'figure', text: '', bbox: r.bbox });
  }
  return out;
}

function overlapShare(a: Block['bbox'], b: Block['bbox']): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(area(a), area(b));
}

export function markCaptions(blocks: Block[]): void {
  for (const b of blocks) if (b.type === 'paragraph' && CAPTION_RE.test(b.text)) b.type = 'caption';
}
