import type { BBox, Rule } from '../../model/document.js';
import { UnionFind } from './geometry.js';

/** A merged ruling line: collinear, touching or overlapping rules joined into one. */
export interface Segment {
  o: 'h' | 'v';
  /** Position across the line (y for horizontal, x for vertical). */
  pos: number;
  /** Extent along the line. */
  a: number;
  b: number;
  width: number;
}

/** Rules closer than this across their direction are the same line (double strokes, fills + strokes). */
const SNAP = 1.5;
/** Collinear pieces separated by less than this along the line are joined (per-cell border pieces). */
const JOIN = 3;
/** Rules thicker than this are bars/shading rather than borders. */
const MAX_WIDTH = 4;

export function mergeRules(rules: Rule[]): Segment[] {
  const out: Segment[] = [];
  for (const o of ['h', 'v'] as const) {
    const segs = rules
      .filter((r) => r.orientation === o && r.width <= MAX_WIDTH && Number.isFinite(r.x0 + r.y0 + r.x1 + r.y1))
      .map((r) => (o === 'h' ? { o, pos: (r.y0 + r.y1) / 2, a: Math.min(r.x0, r.x1), b: Math.max(r.x0, r.x1), width: r.width } : { o, pos: (r.x0 + r.x1) / 2, a: Math.min(r.y0, r.y1), b: Math.max(r.y0, r.y1), width: r.width }))
      .sort((p, q) => p.pos - q.pos);
    // Cluster by position, then join along the line.
    let i = 0;
    while (i < segs.length) {
      let j = i + 1;
      while (j < segs.length && segs[j].pos - segs[j - 1].pos <= SNAP) j++;
      const group = segs.slice(i, j).sort((p, q) => p.a - q.a);
      let cur: Segment | undefined;
      let posSum = 0, posN = 0;
      for (const s of group) {
        if (cur && s.a <= cur.b + JOIN) {
          cur.b = Math.max(cur.b, s.b);
          cur.width = Math.max(cur.width, s.width);
          posSum += s.pos; posN++;
        } else {
          if (cur) { cur.pos = posSum / posN; out.push(cur); }
          cur = { ...s };
          posSum = s.pos; posN = 1;
        }
      }
      if (cur) { cur.pos = posSum / posN; out.push(cur); }
      i = j;
    }
  }
  return out;
}

/** Groups of rules that touch each other: each is a candidate ruled table (or a box, a chart). */
export interface RuleGroup {
  h: Segment[];
  v: Segment[];
  bbox: BBox;
}

const TOUCH = 3;

export function connectedGroups(segs: Segment[]): RuleGroup[] {
  const h = segs.filter((s) => s.o === 'h');
  const v = segs.filter((s) => s.o === 'v');
  const uf = new UnionFind(segs.length);
  const index = new Map<Segment, number>();
  segs.forEach((s, i) => index.set(s, i));
  // Vertical rules sorted by x: each horizontal rule only looks at the ones within its extent.
  const vs = v.slice().sort((p, q) => p.pos - q.pos);
  for (const H of h) {
    let lo = 0, hi = vs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (vs[mid].pos < H.a - TOUCH) lo = mid + 1; else hi = mid; }
    for (let b = lo; b < vs.length && vs[b].pos <= H.b + TOUCH; b++) {
      const V = vs[b];
      if (H.pos >= V.a - TOUCH && H.pos <= V.b + TOUCH) uf.union(index.get(H)!, index.get(V)!);
    }
  }
  const groups = new Map<number, RuleGroup>();
  segs.forEach((s, i) => {
    const root = uf.find(i);
    let g = groups.get(root);
    if (!g) { g = { h: [], v: [], bbox: { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity } }; groups.set(root, g); }
    (s.o === 'h' ? g.h : g.v).push(s);
    const b = g.bbox;
    if (s.o === 'h') { b.x0 = Math.min(b.x0, s.a); b.x1 = Math.max(b.x1, s.b); b.y0 = Math.min(b.y0, s.pos); b.y1 = Math.max(b.y1, s.pos); }
    else { b.y0 = Math.min(b.y0, s.a); b.y1 = Math.max(b.y1, s.b); b.x0 = Math.min(b.x0, s.pos); b.x1 = Math.max(b.x1, s.pos); }
  });
  return [...groups.values()];
}

/** Length of [a, b] covered by the segments (which lie on one line). */
export function coveredLength(segs: Segment[], a: number, b: number): number {
  const parts = segs.map((s) => [Math.max(a, s.a), Math.min(b, s.b)] as const).filter(([p, q]) => q > p).sort((x, y) => x[0] - y[0]);
  let total = 0, end = -Infinity;
  for (const [p, q] of parts) {
    if (q <= end) continue;
    total += q - Math.max(p, end);
    end = q;
  }
  return total;
}
