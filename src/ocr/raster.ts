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
  /** Isolated dots of one or two pixels: scanner noise (salt and pepper) when they are many. */
  specks: number;
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
  let specks = 0;
  for (let i = 0; i < n; i++) {
    if (parent[i] !== i) continue;
    const w = x1[i]! - x0[i]!;
    const h = y1[i]! - y0[i]!;
    if (w <= 2 && h <= 2) specks++;
    // glyph-like: not specks, not rules, not whole pictures
    if (h < 4 || h > height / 3 || w > 4 * h || w * 8 < h) continue;
    heights.push(h);
  }
  if (heights.length < 5) return null;
  heights.sort((a, b) => a - b);
  return { median: heights[heights.length >> 1]!, count: heights.length, specks };
}

/**
 * Long straight dark lines (table borders, separators) in a grayscale image, as rules in pixel space.
 * A rule is a run of ink at least `minLength` long, up to `maxThickness` thick.
 */
export function findRules(
  img: RasterImage,
  opts: { minLength?: number; maxThickness?: number; threshold?: number; textHeight?: number } = {},
): Rule[] {
  const { data, width, height } = img;
  if (img.channels !== 1 || !width || !height) return [];
  const t = opts.threshold ?? Math.min(otsu(histogram(img)), 200);
  const maxThick = opts.maxThickness ?? Math.max(3, Math.round(Math.min(width, height) / 300));
  // Letter stems are dark, thin and straight too: a vertical rule must be several text heights long
  // (a table border spans at least a couple of rows); a horizontal one a good part of the width.
  const text = opts.textHeight ?? estimateTextSize(img, t)?.median ?? 12;
  const minH = opts.minLength ?? Math.max(40, 6 * text, Math.round(width / 12));
  const minV = opts.minLength ?? Math.max(30, Math.round(4 * text));
  const rules: Rule[] = [];
  // Horizontal: runs per row, then stack runs on consecutive rows that share the same span.
  type Seg = { a: number; b: number; y0: number; y1: number };
  let open: Seg[] = [];
  // A rule has paper on both sides along most of its length; dark runs inside photos do not.
  const lightRow = (y: number, a: number, b: number) => {
    if (y < 0 || y >= height) return true;
    let light = 0;
    const off = y * width;
    for (let x = a; x < b; x++) if (data[off + x]! > t) light++;
    return light >= 0.6 * (b - a);
  };
  const lightCol = (x: number, a: number, b: number) => {
    if (x < 0 || x >= width) return true;
    let light = 0;
    for (let y = a; y < b; y++) if (data[y * width + x]! > t) light++;
    return light >= 0.6 * (b - a);
  };
  const flushH = (s: Seg) => {
    const th = s.y1 - s.y0;
    if (th <= maxThick && lightRow(s.y0 - 2, s.a, s.b) && lightRow(s.y1 + 1, s.a, s.b)) rules.push({ x0: s.a, y0: (s.y0 + s.y1) / 2, x1: s.b, y1: (s.y0 + s.y1) / 2, orientation: 'h', width: th });
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
  // Vertical: long runs per column, found in one row-major pass (column walks are cache-hostile),
  // then runs in neighbouring columns with the same extent are stacked into one rule.
  const runStart = new Int32Array(width).fill(-1);
  const segs: { x: number; a: number; b: number }[] = [];
  for (let y = 0; y <= height; y++) {
    const off = y * width;
    for (let x = 0; x < width; x++) {
      const ink = y < height && data[off + x]! <= t;
      const st = runStart[x]!;
      if (ink) { if (st < 0) runStart[x] = y; }
      else if (st >= 0) {
        if (y - st >= minV) segs.push({ x, a: st, b: y });
        runStart[x] = -1;
      }
    }
  }
  segs.sort((p, q) => p.x - q.x || p.a - q.a);
  type VGroup = { a: number; b: number; x0: number; x1: number };
  let openV: VGroup[] = [];
  const flushV = (g: VGroup) => {
    const th = g.x1 - g.x0;
    if (th <= maxThick && lightCol(g.x0 - 2, g.a, g.b) && lightCol(g.x1 + 1, g.a, g.b)) rules.push({ x0: (g.x0 + g.x1) / 2, y0: g.a, x1: (g.x0 + g.x1) / 2, y1: g.b, orientation: 'v', width: th });
  };
  let i = 0;
  while (i < segs.length) {
    const x = segs[i]!.x;
    const next: VGroup[] = [];
    const taken = new Set<VGroup>();
    for (; i < segs.length && segs[i]!.x === x; i++) {
      const sg = segs[i]!;
      const g = openV.find((o) => !taken.has(o) && o.x1 === x && Math.abs(o.a - sg.a) <= 2 && Math.abs(o.b - sg.b) <= 2);
      if (g) { taken.add(g); g.x1 = x + 1; next.push(g); }
      else next.push({ a: sg.a, b: sg.b, x0: x, x1: x + 1 });
    }
    for (const o of openV) if (!taken.has(o)) flushV(o);
    openV = next;
  }
  for (const o of openV) flushV(o);
  return rules;
}

/** The image turned clockwise by a quarter-turn multiple (same convention as geometry.rotateBox). */
export function rotateRaster(img: RasterImage, rotation: 0 | 90 | 180 | 270): RasterImage {
  if (rotation === 0) return img;
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(w * h * c);
  const W = rotation === 180 ? w : h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let nx: number, ny: number;
      if (rotation === 90) { nx = h - 1 - y; ny = x; }
      else if (rotation === 180) { nx = w - 1 - x; ny = h - 1 - y; }
      else { nx = y; ny = w - 1 - x; }
      const s = (y * w + x) * c;
      const d = (ny * W + nx) * c;
      for (let k = 0; k < c; k++) out[d + k] = data[s + k]!;
    }
  }
  return rotation === 180 ? { width: w, height: h, channels: c, data: out } : { width: h, height: w, channels: c, data: out };
}

/**
 * A copy of the image with the rules painted over in the paper colour. Tesseract reads table borders
 * as "|" and "_" and merges the cells they separate; the layout stages get the rules separately.
 */
export function eraseRules(img: RasterImage, rules: Rule[], threshold?: number): RasterImage {
  if (!rules.length || img.channels !== 1) return img;
  const { width, height, data } = img;
  const t = threshold ?? Math.min(otsu(histogram(img)), 200);
  const out = new Uint8Array(data);
  for (const r of rules) {
    const pad = Math.ceil(r.width / 2) + 1;
    const x0 = Math.max(0, Math.floor(Math.min(r.x0, r.x1) - (r.orientation === 'v' ? pad : 0)));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(r.x0, r.x1) + (r.orientation === 'v' ? pad : 0)));
    const y0 = Math.max(0, Math.floor(Math.min(r.y0, r.y1) - (r.orientation === 'h' ? pad : 0)));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(r.y0, r.y1) + (r.orientation === 'h' ? pad : 0)));
    for (let y = y0; y <= y1; y++) {
      const off = y * width;
      for (let x = x0; x <= x1; x++) if (out[off + x]! <= t + 40) out[off + x] = 255;
    }
  }
  return { ...img, data: out };
}

/**
 * Typical stroke width of the ink inside a box: the median length of the ink runs along the rows.
 * Bold type has strokes about half as wide again as regular type of the same size, which is how OCR
 * words get a `bold` flag (headings in scans are often bold at body size).
 */
export function strokeWidth(img: RasterImage, b: { x0: number; y0: number; x1: number; y1: number }, threshold: number): number | null {
  if (img.channels !== 1) return null;
  const x0 = Math.max(0, Math.floor(b.x0)), x1 = Math.min(img.width, Math.ceil(b.x1));
  const y0 = Math.max(0, Math.floor(b.y0)), y1 = Math.min(img.height, Math.ceil(b.y1));
  const counts = new Uint32Array(64);
  let n = 0;
  for (let y = y0; y < y1; y++) {
    const off = y * img.width;
    let run = 0;
    for (let x = x0; x <= x1; x++) {
      if (x < x1 && img.data[off + x]! <= threshold) run++;
      else if (run) { counts[Math.min(63, run)]!++; n++; run = 0; }
    }
  }
  if (n < 6) return null;
  let acc = 0;
  for (let i = 1; i < 64; i++) { acc += counts[i]!; if (acc >= n / 2) return i; }
  return 63;
}
