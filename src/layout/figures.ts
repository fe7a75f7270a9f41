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
  const groups = boxes.map((b) => ({ bbox: b, parts: [b] }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if (near(groups[i].bbox, groups[j].bbox, MERGE_GAP)) {
          groups[i] = { bbox: union([groups[i].bbox, groups[j].bbox]), parts: [...groups[i].parts, ...groups[j].parts] };
          groups.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return groups.filter((g) => area(g.bbox) <= pageArea * 0.6).map((g) => {
    const block: Block = { type: 'figure', text: '', bbox: g.bbox };
    figureParts.set(block, g.parts);
    return block;
  });
}

/** Images closer than this (points) are panels of one figure; labels sit within it of their image. */
const MERGE_GAP = 12;

/** The images a figure block was made of: the box around several panels also covers the gaps between them. */
const figureParts = new WeakMap<Block, BBox[]>();

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
    // Near one of its images (labels sit on or just beside a panel), not merely in the box around all
    // of them, which may reach over the text beside the figure.
    const parts = figureParts.get(f) ?? [f.bbox];
    const d = parts.length > 1 ? MERGE_GAP : 0;
    words.forEach((w, i) => {
      if (claimed.has(i)) return;
      const cx = (w.bbox.x0 + w.bbox.x1) / 2, cy = (w.bbox.y0 + w.bbox.y1) / 2;
      if (parts.some((p) => cx >= p.x0 - d && cx <= p.x1 + d && cy >= p.y0 - d && cy <= p.y1 + d)) inside.push(i);
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
