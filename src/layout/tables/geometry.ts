/** Geometry of the table stage; what it shares with the other layout stages comes from there. */
import type { BBox, Word } from '../../model/document.js';
import { centerX, centerY } from '../geometry.js';

export { centerX, centerY, median, union as unionBox } from '../geometry.js';

export function overlap1d(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Groups sorted-or-not values into clusters whose neighbours are within `tol`; returns cluster means. */
export function clusterValues(values: number[], tol: number): number[] {
  if (!values.length) return [];
  const s = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  let sum = s[0], n = 1, last = s[0];
  for (let i = 1; i < s.length; i++) {
    if (s[i] - last <= tol) { sum += s[i]; n++; }
    else { out.push(sum / n); sum = s[i]; n = 1; }
    last = s[i];
  }
  out.push(sum / n);
  return out;
}

export function inside(b: BBox, r: BBox, tol = 0): boolean {
  const cx = centerX(b), cy = centerY(b);
  return cx >= r.x0 - tol && cx <= r.x1 + tol && cy >= r.y0 - tol && cy <= r.y1 + tol;
}

/** Words are horizontal (the table stage works on upright text only). */
export function isHorizontal(w: Word): boolean {
  const a = w.angle ?? 0;
  return Math.abs(a) < 3 || Math.abs(a - 360) < 3;
}

export function baselineOf(w: Word): number {
  return w.baseline ?? w.bbox.y1;
}

export class UnionFind {
  private p: Int32Array;
  constructor(n: number) { this.p = new Int32Array(n); for (let i = 0; i < n; i++) this.p[i] = i; }
  find(x: number): number { while (this.p[x] !== x) { this.p[x] = this.p[this.p[x]]; x = this.p[x]; } return x; }
  union(a: number, b: number): void { const ra = this.find(a), rb = this.find(b); if (ra !== rb) this.p[Math.max(ra, rb)] = Math.min(ra, rb); }
}
