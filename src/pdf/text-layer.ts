/**
 * pdf.js text items → words with boxes in top-left page space.
 *
 * pdf.js hands out runs of glyphs ("items") that may hold many words; it does not give per-glyph
 * positions, so a run's advance width is shared out over its characters by a rough width class. That is
 * exact at run boundaries (where column and cell gaps are) and good to a fraction of a glyph inside.
 */
import type { TextDirection, Word } from '../model/document.js';
import type { FontStyle } from './fonts.js';
import { multiply } from './matrix.js';

export interface PdfTextItem {
  str: string;
  dir: string;
  width: number;
  height: number;
  transform: number[];
  fontName: string;
  hasEOL: boolean;
}

export interface PdfTextStyle {
  fontFamily?: string;
  ascent?: number;
  descent?: number;
  vertical?: boolean;
}

const WS = /\s+/u;
const DINGBAT_FONT = /(wingding|dingbat|webding|zapf|monotypesorts)/i;
const CJK = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;

/** Relative advance of a character, for sharing a run's width out over its characters. */
export function charWeight(ch: string): number {
  if (ch === ' ' || ch === '\u00a0') return 0.5;
  if ('ijl.,;:\'|!()[]`'.includes(ch)) return 0.45;
  if ('ftrI1"-'.includes(ch)) return 0.65;
  if ('mwMW@%'.includes(ch)) return 1.45;
  if (ch >= 'A' && ch <= 'Z') return 1.2;
  if (CJK.test(ch)) return 1.9;
  return 1;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function normAngle(deg: number): number {
  let a = Math.round(deg) % 360;
  if (a < 0) a += 360;
  // Snap near-axis angles: slightly skewed scans and italics-by-matrix are still horizontal text.
  for (const axis of [0, 90, 180, 270, 360]) if (Math.abs(a - axis) <= 2) return axis % 360;
  return a;
}

export interface TextLayerInput {
  items: PdfTextItem[];
  styles: Record<string, PdfTextStyle>;
  /** Maps PDF user space to top-left page space (pdf.js viewport.transform at scale 1). */
  viewportTransform: number[];
  fontStyle: (loadedName: string) => FontStyle;
}

export function textItemsToWords(input: TextLayerInput): Word[] {
  const { items, styles, viewportTransform: vt } = input;
  const words: Word[] = [];
  const styleCache = new Map<string, FontStyle>();
  const proportional = proportionalFonts(items, vt);
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    if (!item.str.trim()) {
      // A space item or an empty end-of-line marker: the previous word is followed by a gap.
      if (words.length) words[words.length - 1].spaceAfter = true;
      continue;
    }
    const m = multiply(vt, item.transform);
    const scaleX = Math.hypot(m[0], m[1]);
    const size = Math.hypot(m[2], m[3]);
    if (!(size > 0.1) || !(scaleX > 0)) continue;
    const style = styles[item.fontName] ?? {};
    const vertical = !!style.vertical;
    // Direction of the text and "up" direction of glyphs, both as unit vectors in y-down page space.
    let ux = m[0] / scaleX, uy = m[1] / scaleX;
    const upx = m[2] / size, upy = m[3] / size;
    if (vertical) { ux = -upx; uy = -upy; }
    const angle = normAngle((Math.atan2(-uy, ux) * 180) / Math.PI);
    const advance = vertical ? item.height || item.width : item.width;
    // pdf.js reports NaN (not undefined) ascent/descent for non-embedded standard fonts (Times, Courier).
    const asc = clamp(Number.isFinite(style.ascent) ? style.ascent! : 0.8, 0.55, 1.05);
    const desc = clamp(Number.isFinite(style.descent) ? style.descent! : -0.2, -0.4, 0);
    let fs = styleCache.get(item.fontName);
    if (!fs) {
      fs = input.fontStyle(item.fontName);
      // The fixed-pitch flag is often set on proportional fonts; believe the measured advances.
      if (fs.monospace && proportional.has(item.fontName)) fs = { ...fs, monospace: false };
      styleCache.set(item.fontName, fs);
    }
    const dir: TextDirection = item.dir === 'rtl' ? 'rtl' : 'ltr';

    const chars = Array.from(item.str);
    const weights = chars.map(charWeight);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const unit = advance / total;
    // Split on whitespace, remembering each token's [start, end) in weight units.
    const tokens: { text: string; a: number; b: number; spaceAfter: boolean }[] = [];
    let pos = 0, cur = '', start = 0;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (WS.test(ch)) {
        if (cur) { tokens.push({ text: cur, a: start, b: pos, spaceAfter: true }); cur = ''; }
        pos += weights[i];
        continue;
      }
      if (!cur) start = pos;
      cur += ch;
      pos += weights[i];
    }
    if (cur) tokens.push({ text: cur, a: start, b: pos, spaceAfter: item.hasEOL });
    else if (tokens.length) tokens[tokens.length - 1].spaceAfter = true;

    const ox = m[4], oy = m[5];
    // Dingbat fonts draw bullets with letter codes ("r", "l", "n"): a lone glyph is a bullet.
    const dingbats = !!fs.name && DINGBAT_FONT.test(fs.name);
    for (const t of tokens) {
      if (dingbats && Array.from(t.text).length === 1) t.text = '•';
      // Logical order of an RTL run runs from its right end.
      let a = t.a * unit, b = t.b * unit;
      if (dir === 'rtl' && !vertical) [a, b] = [advance - b, advance - a];
      const xs: number[] = [], ys: number[] = [];
      for (const along of [a, b]) {
        // Horizontal fonts: from the descender to the ascender; vertical fonts: half an em either side.
        for (const h of vertical ? [-0.5, 0.5] : [desc, asc]) {
          const px = vertical ? -uy : upx, py = vertical ? ux : upy;
          xs.push(ox + ux * along + px * h * size);
          ys.push(oy + uy * along + py * h * size);
        }
      }
      const bbox = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
      const w: Word = { text: t.text, bbox, fontSize: round2(size), dir };
      if (fs.name) w.fontName = fs.name;
      if (fs.bold) w.bold = true;
      if (fs.italic) w.italic = true;
      if (fs.monospace) w.monospace = true;
      if (angle !== 0) w.angle = angle;
      else w.baseline = round2(oy);
      if (t.spaceAfter) w.spaceAfter = true;
      words.push(w);
    }
  }
  return dropOverprints(words);
}

/**
 * Text printed twice at (nearly) the same place: shadow and fake-bold effects, or a line drawn once in
 * pieces and again whole. The copy that lies inside another word with the same letters is dropped, so
 * "Signed on" does not come out as "Signed Signed on on".
 */
export function dropOverprints(words: Word[]): Word[] {
  if (words.length < 2) return words;
  // Buckets by rounded baseline (or centre) so only words on about the same line are compared.
  const key = (w: Word) => `${w.angle ?? 0}:${Math.round((w.baseline ?? (w.bbox.y0 + w.bbox.y1) / 2) / 2)}`;
  const buckets = new Map<string, number[]>();
  words.forEach((w, i) => {
    const k = key(w);
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = []));
    b.push(i);
  });
  const drop = new Set<number>();
  for (const idx of buckets.values()) {
    if (idx.length < 2) continue;
    idx.sort((a, b) => words[a].bbox.x0 - words[b].bbox.x0);
    for (let p = 0; p < idx.length; p++) {
      const i = idx[p];
      if (drop.has(i)) continue;
      const a = words[i];
      for (let q = p + 1; q < idx.length && words[idx[q]].bbox.x0 < a.bbox.x1; q++) {
        const j = idx[q];
        if (drop.has(j)) continue;
        const b = words[j];
        if (Math.abs(a.fontSize - b.fontSize) > 0.1 * Math.max(a.fontSize, b.fontSize)) continue;
        const [big, small, si] = a.text.length >= b.text.length ? [a, b, j] : [b, a, i];
        if (!big.text.includes(small.text)) continue;
        const w = Math.min(a.bbox.x1, b.bbox.x1) - Math.max(a.bbox.x0, b.bbox.x0);
        const h = Math.min(a.bbox.y1, b.bbox.y1) - Math.max(a.bbox.y0, b.bbox.y0);
        const smallArea = (small.bbox.x1 - small.bbox.x0) * (small.bbox.y1 - small.bbox.y0);
        if (w <= 0 || h <= 0 || w * h < 0.7 * smallArea) continue;
        drop.add(si);
        if (si === i) break;
      }
    }
  }
  return drop.size ? words.filter((_, i) => !drop.has(i)) : words;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Fonts whose runs advance by different amounts per character: not monospaced, whatever they claim. */
function proportionalFonts(items: PdfTextItem[], vt: number[]): Set<string> {
  const ratios = new Map<string, { min: number; max: number }>();
  for (const it of items) {
    const n = it.str?.length ?? 0;
    if (n < 3 || !(it.width > 0)) continue;
    const m = multiply(vt, it.transform);
    const size = Math.hypot(m[2], m[3]);
    if (!(size > 0)) continue;
    const r = it.width / (n * size);
    const cur = ratios.get(it.fontName);
    if (!cur) ratios.set(it.fontName, { min: r, max: r });
    else { cur.min = Math.min(cur.min, r); cur.max = Math.max(cur.max, r); }
  }
  const out = new Set<string>();
  for (const [name, { min, max }] of ratios) if (max > min * 1.12) out.add(name);
  return out;
}
