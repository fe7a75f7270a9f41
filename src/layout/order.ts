/**
 * Stage 3: reading order of a page's blocks (T. Breuel's partial order, topologically sorted):
 *   - a comes before b when they overlap horizontally and a is above b;
 *   - a comes before b when a lies wholly left of b (right, on RTL pages) and no third block between
 *     them vertically overlaps both horizontally (a full-width element closes a row of columns).
 * Columns therefore come out one after the other, and a full-width title or figure between column
 * groups keeps the groups apart.
 */
import type { BBox } from '../model/document.js';

export interface Orderable {
  bbox: BBox;
  /** Font size of the block's text, when known (used to tell rows of panels from column breaks). */
  size?: number;
}

const TOL = 1;

function xOverlap(a: BBox, b: BBox): number {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
}

/** Some block on the given side of block i starts at the same height (within half a line or so). */
function inAlignedRow(boxes: BBox[], i: number, side: 'left' | 'right'): boolean {
  const a = boxes[i];
  const tol = Math.max(3, Math.min(12, (a.y1 - a.y0) / 4));
  for (let k = 0; k < boxes.length; k++) {
    if (k === i) continue;
    const d = boxes[k];
    const beside = side === 'left' ? d.x1 <= a.x0 + TOL : d.x0 >= a.x1 - TOL;
    if (beside && Math.abs(d.y0 - a.y0) <= tol) return true;
  }
  return false;
}

/** A band at least `height` tall between y0 and y1 that no block reaches into. */
function clearBand(boxes: BBox[], y0: number, y1: number, height: number): boolean {
  const spans = boxes.filter((b) => b.y1 > y0 && b.y0 < y1).map((b) => [Math.max(y0, b.y0), Math.min(y1, b.y1)] as const).sort((p, q) => p[0] - q[0]);
  let y = y0;
  for (const [s0, s1] of spans) {
    if (s0 - y >= height) return true;
    y = Math.max(y, s1);
  }
  return y1 - y >= height;
}

/** Returns the indices of `items` in reading order. */
export function readingOrder(items: readonly Orderable[], opts: { rtl?: boolean } = {}): number[] {
  const n = items.length;
  if (n <= 1) return items.map((_, i) => i);
  const boxes = items.map((i) => i.bbox);
  if (n > 400) {
    // Pathological pages (thousands of fragments): plain top-down order keeps this linear-ish.
    return boxes.map((_, i) => i).sort((a, b) => boxes[a].y0 - boxes[b].y0 || boxes[a].x0 - boxes[b].x0);
  }
  const rtl = !!opts.rtl;
  const before: boolean[][] = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  const indeg = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = boxes[i], b = boxes[j];
      let edge = false;
      const ov = xOverlap(a, b);
      if (ov > TOL) {
        const ca = a.y0 + a.y1, cb = b.y0 + b.y1;
        edge = ca < cb || (ca === cb && i < j);
      } else {
        const leftOf = rtl ? a.x0 >= b.x1 - TOL : a.x1 <= b.x0 + TOL;
        if (leftOf) {
          edge = true;
          // b wholly above a: only a column running from b's height down to a makes a come first (a
          // heading under a centred title is not a column next to the title).
          if (b.y1 <= a.y0) {
            let column = false;
            for (let k = 0; k < n && !column; k++) {
              if (k === i || k === j) continue;
              const d = boxes[k];
              if (xOverlap(d, a) > TOL && Math.min(d.y1, b.y1) - Math.max(d.y0, b.y0) > 0) column = true;
            }
            if (!column) edge = false;
            // Blocks set in rows (stanzas or panels side by side, tops aligned, a wide band of whitespace
            // across the page between the rows, wider than a paragraph break) are read row by row.
            else if (inAlignedRow(boxes, j, rtl ? 'right' : 'left') && inAlignedRow(boxes, i, rtl ? 'left' : 'right')
              && clearBand(boxes, b.y1, a.y0, 2 * Math.max(items[i].size ?? 12, items[j].size ?? 12))) edge = false;
          }
          const top = Math.min(a.y0, b.y0), bottom = Math.max(a.y1, b.y1);
          const hiBottom = a.y0 <= b.y0 ? a.y1 : b.y1;
          const loTop = a.y0 <= b.y0 ? b.y0 : a.y0;
          for (let k = 0; k < n && edge; k++) {
            if (k === i || k === j) continue;
            const c = boxes[k];
            if (c.y0 < top - TOL || c.y1 > bottom + TOL) continue;
            // c lies between the two vertically (below the higher, above the lower one)...
            const cy = (c.y0 + c.y1) / 2;
            if (!(cy >= hiBottom - TOL && cy <= loTop + TOL)) continue;
            // ...and spans across both.
            if (xOverlap(a, c) > TOL && xOverlap(b, c) > TOL) edge = false;
          }
        }
      }
      if (edge) { before[i][j] = true; indeg[j]++; }
    }
  }
  // Kahn's algorithm; among ready blocks take the top-most (then left-most), which also breaks cycles.
  const done = new Array<boolean>(n).fill(false);
  const out: number[] = [];
  const key = (i: number) => boxes[i].y0 * 4 + (rtl ? -boxes[i].x1 : boxes[i].x0);
  while (out.length < n) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (!done[i] && indeg[i] === 0 && (pick < 0 || key(i) < key(pick))) pick = i;
    if (pick < 0) {
      // A cycle (overlapping boxes): release the block with the fewest unmet predecessors.
      for (let i = 0; i < n; i++) if (!done[i] && (pick < 0 || indeg[i] < indeg[pick] || (indeg[i] === indeg[pick] && key(i) < key(pick)))) pick = i;
    }
    done[pick] = true;
    out.push(pick);
    for (let j = 0; j < n; j++) if (before[pick][j]) indeg[j]--;
  }
  return out;
}
