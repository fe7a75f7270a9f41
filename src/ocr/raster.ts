/**
 * Pixel measurements the OCR preprocessing needs, on 8-bit grayscale rasters (pure code, no runtime):
 * how dark the background is, how tall the text is, and where long straight rules (table borders) run.
 */
import type { RasterImage, } from '../ports/parsing.js';
import type { Rule } from '../model/document.js';

export function histogram(img: RasterImage): Uint32Array {
  const h = new Uint32Array(256);
  const { data, width, height } = img;
  const n = width * height;
  // Every 4th pixel is plenty for a histogram and keeps big scans cheap.
  const step = n > 4_000_000 ? 4 : 1;
  for (let i = 0; i < n; i += step) h[data[i]!]!++;
  return h;
}

export function percentile(h: Uint32Array, p: number): number {
  let total = 0;
  for (let i = 0; i < 256; i++) total += h[i]!;
  const target = total * p;
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += h[i]!;
    if (acc >= target) return i;
  }
  return 255;
}

/** Otsu's threshold: the grey level that best splits the histogram into ink and paper. */
export function otsu(h: Uint32Array): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) { total += h[i]!; sum += i * h[i]!; }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += h[t]!;
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += t * h[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) { best = between; threshold = t; }
  }
  return threshold;
}

/** A page whose typical pixel is dark is a dark theme (light text on dark): OCR wants it inverted. */
export function isDarkBackground(h: Uint32Array): boolean {
  return percentile(h, 0.5) < 110;
}

export interface TextSize {
  /** Median height of glyph-sized connected components, in pixels (≈ x-height for Latin text). */
  median: number;
  /** Components that were counted. */
  count: number;
}

/**
 * Height of the text in a grayscale image with dark ink on light paper: the median height of the
 * connected ink components that are shaped like glyphs. Runs on row runs with union-find, so the cost
 * follows the amount of ink, not the area. Returns null when there is too little ink to tell.
 */
export function estimateTextSize(img: RasterImage, threshold?: number): TextSize | null {
  const { data, width, height } = img;
  if (img.channels !== 1 || !width || !height) return null;
  const t = threshold ?? Math.min(otsu(histogram(img)), 200);
  const MAX_RUNS = 3_000_000;
  // runs: start, end (exclusive), row; parent for union-find
  let cap = 1 << 16;
  let rs = new Int32Array(cap);
  let re = new Int32Array(cap);
  let rr = new Int32Array(cap);
  let parent = new Int32Array(cap);
  let n = 0;
  const find = (a: number): number => {
    while (parent[a] !== a) { parent[a] = parent[parent[a]!]!; a = parent[a]!; }
    return a;
  };
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < height; y++) {
    const rowStart = n;
    const off = y * width;
    let x = 0;
    while (x < width) {
      while (x < width && data[off + x]! > t) x++;
      if (x >= width) break;
      const s = x;
      while (x < width && data[off + x]! <= t) x++;
      if (n === cap) {
        if (cap >= MAX_RUNS) return null;
        cap *= 2;
        const grow = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a); return b; };
        rs = grow(rs); re = grow(re); rr = grow(rr); parent = grow(parent);
      }
      rs[n] = s; re[n] = x; rr[n] = y; parent[n] = n;
      // 8-connected: runs touching diagonally join too
      for (let p = prevStart; p < prevEnd; p++) {
        if (re[p]! < s) continue;
        if (rs[p]! > x) break;
        const a = find(p);
        const b = find(n);
        if (a !== b) parent[b] = a;
      }
      n++;
    }
    prevStart = rowStart;
    prevEnd = n;
  }
  if (!n) return null;
  const x0 = new Int32Array(n).fill(2147483647);
  const x1 = new Int32Array(n).fill(-1);
  const y0 = new Int32Array(n).fill(2147483647);
  const y1 = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (rs[i]! < x0[r]!) x0[r] = rs[i]!;
    if (re[i]! > x1[r]!) x1[r] = re[i]!;
    if (rr[i]! < y0[r]!) y0[r] = rr[i]!;
    if (rr[i]! + 1 > y1[r]!) y1[r] = rr[i]! + 1;
  }
  const heights: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parent[i] !== i) continue;
    const w = x1[i]! - x0[i]!;
    const h = y1[i]! - y0[i]!;
    // glyph-like: not specks, not rules, not whole pictures
    if (h < 4 || h > height / 3 || w > 4 * h || w * 8 < h) continue;
    heights.push(h);
  }
  if (heights.length < 5) return null;
  heights.sort((a, b) => a - b);
  return { median: heights[heights.length >> 1]!, count: heights.length };
}

/**
 * Long straight dark lines (table borders, separators) in a grayscale image, as rules in pixel space.
 * A rule is a run of ink at least `minLength` long, up to `maxThickness` thick.
 */
export function findRules(img: RasterImage, opts: { minLength?: number; maxThickness?: number; threshold?: number } = {}): Rule[] {
  const { data, width, height } = img;
  if (img.channels !== 1 || !width || !height) return [];
  const t = opts.threshold ?? Math.min(otsu(histogram(img)), 200);
  const maxThick = opts.maxThickness ?? Math.max(3, Math.round(Math.min(width, height) / 300));
  const minH = opts.minLength ?? Math.max(40, Math.round(width / 12));
  const minV = opts.minLength ?? Math.max(30, Math.round(height / 25));
  const rules: Rule[] = [];
  // Horizontal: runs per row, then stack runs on consecutive rows that share the same span.
  type Seg = { a: number; b: number; y0: number; y1: number };
  let open: Seg[] = [];
  const flushH = (s: Seg) => {
    const th = s.y1 - s.y0;
    if (th <= maxThick) rules.push({ x0: s.a, y0: (s.y0 + s.y1) / 2, x1: s.b, y1: (s.y0 + s.y1) / 2, orientation: 'h', width: th });
  };
  for (let y = 0; y <= height; y++) {
    const runs: [number, number][] = [];
    if (y < height) {
      const off = y * width;
      let x = 0;
      while (x < width) {
        while (x < width && data[off + x]! > t) x++;
        const s = x;
        while (x < width && data[off + x]! <= t) x++;
        if (x - s >= minH) runs.push([s, x]);
      }
    }
    const next: Seg[] = [];
    const used = new Set<number>();
    for (const s of open) {
      const k = runs.findIndex(([a, b], i) => !used.has(i) && Math.abs(a - s.a) <= 2 && Math.abs(b - s.b) <= 2);
      if (k >= 0) { used.add(k); next.push({ ...s, y1: y + 1 }); } else flushH(s);
    }
    runs.forEach(([a, b], i) => { if (!used.has(i)) next.push({ a, b, y0: y, y1: y + 1 }); });
    open = next;
  }
  // Vertical: the same on columns.
  open = [];
  const colRuns = (x: number): [number, number][] => {
    const out: [number, number][] = [];
    let y = 0;
    while (y < height) {
      while (y < height && data[y * width + x]! > t) y++;
      const s = y;
      while (y < height && data[y * width + x]! <= t) y++;
      if (y - s >= minV) out.push([s, y]);
    }
    return out;
  };
  for (let x = 0; x <= width; x++) {
    const runs = x < width ? colRuns(x) : [];
    const next: Seg[] = [];
    const used = new Set<number>();
    for (const s of open) {
      const k = runs.findIndex(([a, b], i) => !used.has(i) && Math.abs(a - s.a) <= 2 && Math.abs(b - s.b) <= 2);
      if (k >= 0) { used.add(k); next.push({ ...s, y1: x + 1 }); }
      else if (s.y1 - s.y0 <= maxThick) rules.push({ x0: (s.y0 + s.y1) / 2, y0: s.a, x1: (s.y0 + s.y1) / 2, y1: s.b, orientation: 'v', width: s.y1 - s.y0 });
    }
    runs.forEach(([a, b], i) => { if (!used.has(i)) next.push({ a, b, y0: x, y1: x + 1 }); });
    open = next;
  }
  return rules;
}
