/** Box arithmetic shared by the layout stages. */
import type { BBox } from '../model/document.js';

export const width = (b: BBox) => b.x1 - b.x0;
export const height = (b: BBox) => b.y1 - b.y0;
export const centerX = (b: BBox) => (b.x0 + b.x1) / 2;
export const centerY = (b: BBox) => (b.y0 + b.y1) / 2;

export function union(boxes: Iterable<BBox>): BBox {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const b of boxes) {
    if (b.x0 < x0) x0 = b.x0;
    if (b.y0 < y0) y0 = b.y0;
    if (b.x1 > x1) x1 = b.x1;
    if (b.y1 > y1) y1 = b.y1;
  }
  return { x0, y0, x1, y1 };
}

/** Length of the overlap of two intervals (negative: the gap between them). */
export const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.min(a1, b1) - Math.max(a0, b0);
export const overlapX = (a: BBox, b: BBox) => overlap(a.x0, a.x1, b.x0, b.x1);
export const overlapY = (a: BBox, b: BBox) => overlap(a.y0, a.y1, b.y0, b.y1);

export function contains(outer: BBox, inner: BBox, tol = 0): boolean {
  return inner.x0 >= outer.x0 - tol && inner.y0 >= outer.y0 - tol && inner.x1 <= outer.x1 + tol && inner.y1 <= outer.y1 + tol;
}

export function area(b: BBox): number {
  return Math.max(0, width(b)) * Math.max(0, height(b));
}

/**
 * A page-space box seen in the frame of text rotated by `angle` degrees (counter-clockwise as seen on the
 * page): local x runs along the text, local y down across its lines. Exact for multiples of 90°.
 */
export function toLocal(b: BBox, angle: number): BBox {
  if (!angle) return b;
  const t = (angle * Math.PI) / 180;
  const c = Math.cos(t), s = Math.sin(t);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]]) {
    const lx = x * c - y * s, ly = x * s + y * c;
    if (lx < x0) x0 = lx;
    if (lx > x1) x1 = lx;
    if (ly < y0) y0 = ly;
    if (ly > y1) y1 = ly;
  }
  return { x0, y0, x1, y1 };
}

export function roundBox(b: BBox, digits = 2): BBox {
  const f = 10 ** digits;
  const r = (v: number) => Math.round(v * f) / f;
  return { x0: r(b.x0), y0: r(b.y0), x1: r(b.x1), y1: r(b.y1) };
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
