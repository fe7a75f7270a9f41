/**
 * Stage 1: words → lines. Words of the same rotation are grouped into rows by vertical overlap (in the
 * text's own frame, so rotated text forms lines too), and a row is cut where a column gutter runs through
 * it: a wide gap that the neighbouring rows leave empty as well, with real text on both sides. A wide gap
 * alone (a tab, a list marker, a justified line) never cuts a line.
 */
import type { BBox, Line, TextDirection, Word } from '../model/document.js';
import { median, toLocal, union } from './geometry.js';
import { collapseLetterSpacing, isCjk, normalizeText } from './text.js';

interface LWord {
  w: Word;
  /** Box in the text's frame. */
  b: BBox;
  size: number;
}

interface Row {
  words: LWord[];
  /** Vertical band of the row's main (largest) text, in the local frame. */
  y0: number;
  y1: number;
  maxSize: number;
  cy: number;
}

export interface LineOptions {
  /** Smallest gap (in ems) that may be a column gutter. */
  gutterMinGap?: number;
  /** Both sides of a gutter need a run of text at least this wide (in ems) somewhere nearby. */
  gutterMinSide?: number;
}

function wordSize(w: Word): number {
  return w.fontSize > 0 ? w.fontSize : Math.max(1, w.bbox.y1 - w.bbox.y0);
}

/** Groups words into rows (in one rotation frame); each row's words sorted left to right. */
function buildRows(words: LWord[]): Row[] {
  const sorted = [...words].sort((a, b) => (a.b.y0 + a.b.y1) - (b.b.y0 + b.b.y1));
  const rows: Row[] = [];
  for (const lw of sorted) {
    const h = lw.b.y1 - lw.b.y0;
    let best: Row | null = null, bestRatio = 0.5;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      if (r.y1 < lw.b.y0 - 3 * r.maxSize) break;
      const ov = Math.min(r.y1, lw.b.y1) - Math.max(r.y0, lw.b.y0);
      const ratio = ov / Math.max(0.01, Math.min(h, r.y1 - r.y0));
      if (ratio > bestRatio) { bestRatio = ratio; best = r; }
    }
    if (best) {
      best.words.push(lw);
      if (lw.size > best.maxSize * 1.05) { best.maxSize = lw.size; best.y0 = lw.b.y0; best.y1 = lw.b.y1; }
      best.cy = (best.y0 + best.y1) / 2;
    } else {
      rows.push({ words: [lw], y0: lw.b.y0, y1: lw.b.y1, maxSize: lw.size, cy: (lw.b.y0 + lw.b.y1) / 2 });
    }
  }
  rows.sort((a, b) => a.cy - b.cy);
  for (const r of rows) r.words.sort((a, b) => a.b.x0 - b.b.x0);
  return rows;
}

/** Width of the run of text ending just left of x (right: starting just right of x), gaps < 1.5 em. */
function runWidth(row: Row, x: number, side: 'left' | 'right', em: number): number {
  const ws = row.words;
  if (side === 'left') {
    let i = -1;
    for (let k = 0; k < ws.length; k++) if (ws[k].b.x1 <= x) i = k;
    if (i < 0) return 0;
    let start = ws[i].b.x0;
    for (let k = i - 1; k >= 0 && start - ws[k].b.x1 < 1.5 * em; k--) start = ws[k].b.x0;
    return ws[i].b.x1 - start;
  }
  let i = -1;
  for (let k = ws.length - 1; k >= 0; k--) if (ws[k].b.x0 >= x) i = k;
  if (i < 0) return 0;
  let end = ws[i].b.x1;
  for (let k = i + 1; k < ws.length && ws[k].b.x0 - end < 1.5 * em; k++) end = ws[k].b.x1;
  return end - ws[i].b.x0;
}

/** Bullet glyphs (not dashes: "Paris – France" has a wide dash mid-line). */
const BULLET = /^[•·▪■□◦○●◆◇►▶▸‣⁃∙➢➤✓✔❖⦿⦾\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf0d7]$/u;

/** The first word of the row starting right of x. */
function firstRightOf(row: Row, x: number): LWord | undefined {
  for (const lw of row.words) if (lw.b.x0 >= x) return lw;
  return undefined;
}

/** True when some word of the row reaches into [c - d, c + d]. */
function crosses(row: Row, c: number, d: number): boolean {
  for (const lw of row.words) if (lw.b.x0 < c + d && lw.b.x1 > c - d) return true;
  return false;
}

/**
 * OCR words carry a confidence; the OCR engine sets spaceAfter only between words of one of its lines,
 * and lists a line's words in order. `b` must be the word that follows `a` there: a word in the middle
 * of its line (spaceAfter) can share a row with a word of another column's line.
 */
const sameOcrLine = (a: Word, b: Word, follows: ReadonlyMap<Word, Word>) =>
  a.confidence !== undefined && b.confidence !== undefined && a.spaceAfter === true && follows.get(a) === b;

/** Indices k where row.words is cut between k-1 and k. */
function gutterCuts(rows: Row[], ri: number, opt: Required<LineOptions>, follows: ReadonlyMap<Word, Word>): number[] {
  const row = rows[ri];
  const cuts: number[] = [];
  for (let k = 1; k < row.words.length; k++) {
    const a = row.words[k - 1], b = row.words[k];
    // OCR found the line itself (a word followed by a space on the same OCR line): a wide gap there is
    // justification, not a gutter; the OCR engine already split the page into columns.
    if (sameOcrLine(a.w, b.w, follows)) continue;
    const em = Math.max(a.size, b.size);
    const gap = b.b.x0 - a.b.x1;
    if (gap < opt.gutterMinGap * em) continue;
    // Text does not go on in another size after a wide gap: that is a label or another column.
    const ratio = Math.max(a.size, b.size) / Math.max(0.1, Math.min(a.size, b.size));
    if (ratio > 1.15 && gap >= 1.5 * em) { cuts.push(k); continue; }
    // A line does not go on with a bullet after a wide gap: the bullet starts a list in another column.
    if (gap >= 2 * em && BULLET.test(b.w.text)) { cuts.push(k); continue; }
    // Nearest rows above and below, within a few line heights.
    const near: Row[] = [];
    for (let j = ri - 1, n = 0; j >= 0 && n < 4 && row.cy - rows[j].cy < 6 * em; j--, n++) near.push(rows[j]);
    for (let j = ri + 1, n = 0; j < rows.length && n < 4 && rows[j].cy - row.cy < 6 * em; j++, n++) near.push(rows[j]);
    if (!near.length) continue;
    // The gutter may sit anywhere in a wide gap (a short last line leaves a long one): try positions
    // across it. A neighbouring row supports a position only if it leaves the space around it empty,
    // not if it merely has an ordinary word space nearby.
    const steps = Math.max(1, Math.min(24, Math.ceil(gap / em)));
    let accepted = false;
    for (let i = 0; i < steps && !accepted; i++) {
      const c = a.b.x1 + (gap * (i + 0.5)) / steps;
      const d = Math.min(0.5 * em, c - a.b.x1 - 0.01, b.b.x0 - c - 0.01);
      let support = 0, bullets = 0;
      let left = runWidth(row, c, 'left', em), right = runWidth(row, c, 'right', em);
      for (const q of near) {
        if (crosses(q, c, d)) continue;
        const l = runWidth(q, c, 'left', em), r = runWidth(q, c, 'right', em);
        if (l === 0 && r === 0) continue;
        support++;
        if (r > 0 && l > 0 && BULLET.test(firstRightOf(q, c)?.w.text ?? '')) bullets++;
        left = Math.max(left, l);
        right = Math.max(right, r);
      }
      // Narrow columns need other evidence: a neighbouring row starts a bulleted item at this gutter.
      const side = (bullets ? 1 : opt.gutterMinSide) * em;
      if (left < side || right < side) continue;
      if (support >= 2 || (support >= 1 && gap >= 2.5 * em)) accepted = true;
    }
    if (accepted) cuts.push(k);
  }
  return cuts;
}

/** Reading direction of a run of words: RTL when most of its letters are RTL. */
function directionOf(words: Word[]): TextDirection {
  let rtl = 0, ltr = 0;
  for (const w of words) {
    const n = w.text.length;
    if (w.dir === 'rtl') rtl += n; else ltr += n;
  }
  return rtl > ltr ? 'rtl' : 'ltr';
}

/** Builds the text of one line from its words in reading order, spacing from the source and the gaps. */
export function lineText(words: readonly LWordLike[], dir: TextDirection): string {
  const toks: { text: string; gapBefore: number; spaced: boolean }[] = [];
  for (let i = 0; i < words.length; i++) {
    const cur = words[i];
    let gap = 0, spaced = false;
    if (i > 0) {
      const prev = words[i - 1];
      gap = dir === 'rtl' ? prev.b.x0 - cur.b.x1 : cur.b.x0 - prev.b.x1;
      const em = Math.min(prev.size, cur.size);
      spaced = !!prev.w.spaceAfter || gap > 0.18 * em;
      // CJK text carries no spaces between characters, whatever the gaps.
      const pl = prev.w.text[prev.w.text.length - 1], cf = cur.w.text[0];
      if (isCjk(pl) && isCjk(cf) && gap < 0.6 * em) spaced = false;
    }
    toks.push({ text: normalizeText(cur.w.text), gapBefore: gap, spaced });
  }
  const collapsed = collapseLetterSpacing(toks);
  if (collapsed !== null) return collapsed;
  let s = '';
  for (const t of toks) s += (s && t.spaced ? ' ' : '') + t.text;
  return s.replace(/\s+/g, ' ').trim();
}

interface LWordLike {
  w: Word;
  b: BBox;
  size: number;
}

const DINGBAT_LETTERS = new Set(['l', 'n', 'q', 'r', 'u', 'v', 'w', 'Ø', 'ü', '§', 'Ÿ']);

function makeLine(ws: LWord[], angle: number): Line {
  const words = ws.map((x) => x.w);
  const dir = directionOf(words);
  const ordered = dir === 'rtl' ? [...ws].sort((a, b) => b.b.x1 - a.b.x1) : ws;
  const sizes: number[] = [];
  for (const x of ordered) for (let i = 0; i < Math.min(8, x.w.text.length); i++) sizes.push(x.size);
  let text = lineText(ordered, dir);
  // A dingbat bullet in a subset font comes out as its letter code ("r", "l", "n") set smaller than
  // the text after it: it is a bullet.
  if (ordered.length > 1) {
    const first = normalizeText(ordered[0].w.text).trim();
    if (DINGBAT_LETTERS.has(first) && ordered[0].size < 0.8 * ordered[1].size) text = '•' + text.slice(first.length);
  }
  const line: Line = {
    words: ordered.map((x) => x.w),
    bbox: union(words.map((w) => w.bbox)),
    text,
    fontSize: median(sizes),
  };
  if (dir === 'rtl') line.dir = 'rtl';
  if (angle) line.angle = angle;
  return line;
}

/** Groups words into lines (segments of rows cut at column gutters), top to bottom per rotation. */
export function buildLines(words: readonly Word[], options: LineOptions = {}): Line[] {
  const opt: Required<LineOptions> = { gutterMinGap: options.gutterMinGap ?? 1.0, gutterMinSide: options.gutterMinSide ?? 3.5 };
  const byAngle = new Map<number, LWord[]>();
  // Only OCR words are asked what follows them (sameOcrLine); a text-layer page skips building it.
  const follows = new Map<Word, Word>();
  if (words.some((w) => w.confidence !== undefined)) for (let i = 1; i < words.length; i++) follows.set(words[i - 1], words[i]);
  for (const w of words) {
    if (!w.text) continue;
    const angle = w.angle ?? 0;
    let list = byAngle.get(angle);
    if (!list) byAngle.set(angle, (list = []));
    list.push({ w, b: toLocal(w.bbox, angle), size: wordSize(w) });
  }
  const lines: Line[] = [];
  for (const [angle, lws] of [...byAngle.entries()].sort((a, b) => a[0] - b[0])) {
    const rows = buildRows(lws);
    for (let ri = 0; ri < rows.length; ri++) {
      const row = rows[ri];
      const cuts = gutterCuts(rows, ri, opt, follows);
      let start = 0;
      for (const k of [...cuts, row.words.length]) {
        const seg = row.words.slice(start, k);
        if (seg.length) lines.push(makeLine(seg, angle));
        start = k;
      }
    }
  }
  return lines;
}

/** A line's box in its own text frame (for stages that compare lines of rotated text). */
export function localBox(line: Line): BBox {
  return toLocal(line.bbox, line.angle ?? 0);
}
