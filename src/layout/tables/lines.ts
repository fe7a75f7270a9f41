import type { Word } from '../../model/document.js';
import { baselineOf, median } from './geometry.js';

/** A run of words on one text line with no column-sized gap inside. */
export interface Chunk {
  words: number[];
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  text: string;
  bold: boolean;
  fontSize: number;
}

/** Words sharing a baseline across the whole page width (table rows run across text columns). */
export interface TextLine {
  words: number[];
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  baseline: number;
  fontSize: number;
  chunks: Chunk[];
}

// A number, a range or a confidence interval ("(1.1–1.2)"), a percentage, or a lone dash for "none".
const NUM_TOKEN = /^(?:[([]?[-+−–$€£¥]?\d[\d.,]*(?:[–-]\d[\d.,]*)?%?[)\]]?\*{0,2}|[-–—]|n\/?a)$/i;

/**
 * Two numeric tokens side by side are two cells (a number has no space inside), except a group of
 * three digits after a short integer: "33 003" written with a space as thousands separator.
 */
function twoNumbers(a: string, b: string): boolean {
  if (!NUM_TOKEN.test(a) || !NUM_TOKEN.test(b)) return false;
  return !(/^\d{3}([.,]\d+)?$/.test(b) && /^[-+−–]?\d{1,3}$/.test(a));
}

/** Gap, in ems of the line's font size, above which two words on a line belong to different cells. */
export const CHUNK_GAP_EM = 0.6;

export function wordsText(words: Word[], idx: number[]): string {
  let s = '';
  let prev: Word | undefined;
  for (const i of idx) {
    const w = words[i];
    if (prev) {
      const gap = w.bbox.x0 - prev.bbox.x1;
      // Sources that split a word into pieces (kerning, font changes) leave no gap: glue them.
      s += gap < 0.1 * Math.max(prev.fontSize, 1) && prev.spaceAfter !== true ? '' : ' ';
    }
    s += w.text;
    prev = w;
  }
  return s;
}

export function makeChunk(words: Word[], idx: number[]): Chunk {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, bold = 0, fs = 0;
  for (const i of idx) {
    const b = words[i].bbox;
    if (b.x0 < x0) x0 = b.x0;
    if (b.y0 < y0) y0 = b.y0;
    if (b.x1 > x1) x1 = b.x1;
    if (b.y1 > y1) y1 = b.y1;
    if (words[i].bold) bold++;
    fs = Math.max(fs, words[i].fontSize);
  }
  return { words: idx, x0, y0, x1, y1, text: wordsText(words, idx), bold: bold * 2 > idx.length, fontSize: fs };
}

/** Words with letters (prose), not numbers or symbols. */
const PROSE_WORD = /\p{L}{2,}|^\p{L}[.,;:!?’'”")]*$/u;

/**
 * Positions k (in `idx`, sorted by x) where the gap before word k is justification, not a cell gap:
 * runs of OCR words the engine read as one line (a space after each), all prose, with evenly widened
 * gaps (none standing out). Narrow justified columns on scans stretch spaces past a table's cell gap.
 */
function justifiedJoins(words: Word[], idx: number[]): Set<number> {
  const out = new Set<number>();
  let start = 0;
  for (let k = 1; k <= idx.length; k++) {
    const a = words[idx[k - 1]];
    // The next word of the same OCR line (the engine lists a line's words in order).
    const linked = k < idx.length && idx[k] === idx[k - 1] + 1 && a.confidence !== undefined && words[idx[k]].confidence !== undefined && a.spaceAfter === true;
    if (linked) continue;
    // Run idx[start..k-1]
    if (k - start >= 4) {
      const run = idx.slice(start, k).map((i) => words[i]);
      const fs = median(run.map((w) => w.fontSize)) || 1;
      const gaps = run.slice(1).map((w, j) => w.bbox.x0 - run[j].bbox.x1);
      const lo = Math.min(...gaps), hi = Math.max(...gaps);
      const prose = run.filter((w) => PROSE_WORD.test(w.text)).length >= 0.75 * run.length && run.every((w) => !/^\d[\d.,]*$/.test(w.text));
      if (prose && hi <= 1.2 * fs && hi <= 1.6 * Math.max(lo, 0.15 * fs)) for (let j = start + 1; j < k; j++) out.add(j);
    }
    start = k;
  }
  return out;
}

/**
 * Groups word indices into text lines by vertical overlap of their boxes and baselines, then splits
 * each line into chunks at gaps wider than `gapEm` ems.
 */
export function buildLines(words: Word[], indices: number[], gapEm = CHUNK_GAP_EM): TextLine[] {
  const order = [...indices].sort((a, b) => baselineOf(words[a]) - baselineOf(words[b]) || words[a].bbox.x0 - words[b].bbox.x0);
  const lines: { words: number[]; y0: number; y1: number; baseline: number; fs: number }[] = [];
  // Lines stay open while later words can still overlap them; words come sorted by baseline.
  let open: typeof lines = [];
  for (const i of order) {
    const w = words[i];
    const h = Math.max(w.bbox.y1 - w.bbox.y0, 0.1);
    const bl = baselineOf(w);
    let best: (typeof lines)[number] | undefined;
    let bestScore = 0;
    open = open.filter((l) => l.baseline > bl - 2 * Math.max(l.fs, w.fontSize));
    for (const l of open) {
      const ov = Math.min(l.y1, w.bbox.y1) - Math.max(l.y0, w.bbox.y0);
      const minH = Math.min(h, l.y1 - l.y0);
      const dBase = Math.abs(l.baseline - bl);
      // Superscripts and subscripts (smaller, raised or lowered, inside the line's box) join the line.
      const script = w.fontSize < 0.85 * l.fs && ov >= 0.8 * h;
      if (!script && (ov < 0.5 * minH || dBase > 0.45 * Math.max(Math.min(l.fs, w.fontSize), 1))) continue;
      const score = ov / minH - dBase / Math.max(l.fs, 1);
      if (!best || score > bestScore) { best = l; bestScore = score; }
    }
    if (best) {
      best.words.push(i);
      best.y0 = Math.min(best.y0, w.bbox.y0);
      best.y1 = Math.max(best.y1, w.bbox.y1);
    } else {
      const l = { words: [i], y0: w.bbox.y0, y1: w.bbox.y1, baseline: bl, fs: w.fontSize };
      lines.push(l);
      open.push(l);
    }
  }
  // A superscript opened a line of its own when it came first (it sorts by its higher baseline):
  // fold such small lines into the line whose box holds them.
  for (const l of lines) {
    if (!l.words.length || l.words.length > 2) continue;
    const h = l.y1 - l.y0;
    const lx0 = Math.min(...l.words.map((i) => words[i].bbox.x0)), lx1 = Math.max(...l.words.map((i) => words[i].bbox.x1));
    const host = lines.find((m) => m !== l && m.words.length > 2 && l.fs < 0.85 * m.fs && Math.min(m.y1, l.y1) - Math.max(m.y0, l.y0) >= 0.6 * h
      && m.words.some((i) => words[i].bbox.x1 <= lx0 + 1) && m.words.some((i) => words[i].bbox.x0 >= lx1 - 1));
    if (host) { host.words.push(...l.words); l.words = []; }
  }
  const out: TextLine[] = [];
  for (const l of lines) {
    if (!l.words.length) continue;
    l.words.sort((a, b) => words[a].bbox.x0 - words[b].bbox.x0);
    const fs = median(l.words.map((i) => words[i].fontSize)) || 1;
    const justified = justifiedJoins(words, l.words);
    const chunks: Chunk[] = [];
    let cur: number[] = [];
    let curX1 = -Infinity;
    for (let k = 0; k < l.words.length; k++) {
      const i = l.words[k];
      const w = words[i];
      const gap = w.bbox.x0 - curX1;
      // Tight numeric columns: two numbers a little more than a space apart are two cells.
      const efs = cur.length ? Math.min(w.fontSize, words[cur[cur.length - 1]].fontSize) || fs : fs;
      if (cur.length && !justified.has(k) && (gap > gapEm * efs || (gap > 0.15 * efs && twoNumbers(words[cur[cur.length - 1]].text, w.text)))) {
        chunks.push(makeChunk(words, cur));
        cur = [];
      }
      cur.push(i);
      curX1 = Math.max(curX1, w.bbox.x1);
    }
    if (cur.length) chunks.push(makeChunk(words, cur));
    out.push({
      words: l.words,
      x0: chunks[0].x0,
      x1: Math.max(...chunks.map((c) => c.x1)),
      y0: l.y0,
      y1: l.y1,
      baseline: l.baseline,
      fontSize: fs,
      chunks,
    });
  }
  out.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  return out;
}

function lineFromChunks(words: Word[], chunks: Chunk[], base: TextLine): TextLine {
  const idx = chunks.flatMap((c) => c.words);
  return {
    words: idx,
    x0: Math.min(...chunks.map((c) => c.x0)),
    x1: Math.max(...chunks.map((c) => c.x1)),
    y0: Math.min(...chunks.map((c) => c.y0)),
    y1: Math.max(...chunks.map((c) => c.y1)),
    baseline: base.baseline,
    fontSize: median(idx.map((i) => words[i].fontSize)) || base.fontSize,
    chunks,
  };
}

/**
 * On pages set in text columns, a line of one column often shares its baseline with a line of the
 * other (a table row beside a paragraph line). Finds the text columns from justified prose chunks
 * and cuts lines at the gutter between them where one side is prose.
 */
export function splitAtTextColumns(words: Word[], lines: TextLine[], pageWidth: number): TextLine[] {
  // Real words only: dot leaders ("Algeria . . . . .") make long chunks with straight right edges too.
  const wordCount = (c: Chunk) => c.words.filter((i) => /\p{L}{2,}/u.test(words[i].text)).length;
  const prose = lines.flatMap((l) => l.chunks).filter((c) => wordCount(c) >= 6 && c.x1 - c.x0 >= 0.2 * pageWidth);
  const cols: { x0: number; x1: number; n: number; ys: number[]; texts: Set<string> }[] = [];
  for (const c of prose) {
    const k = cols.find((o) => Math.abs(o.x0 - c.x0) < 6 && Math.abs(o.x1 - c.x1) < 6);
    if (k) { k.n++; k.ys.push((c.y0 + c.y1) / 2); k.texts.add(c.text); }
    else cols.push({ x0: c.x0, x1: c.x1, n: 1, ys: [(c.y0 + c.y1) / 2], texts: new Set([c.text]) });
  }
  // Justified running text: several different lines with the same left and right edges (a table's
  // repeated row labels line up too, but repeat themselves).
  const textCols: { x0: number; x1: number; ys: number[] }[] = cols.filter((c) => c.n >= 3 && c.texts.size >= Math.max(3, 0.8 * c.n));
  // Ragged-right running text: long lines sharing only their left edge, many of them continuing a
  // sentence (starting in lower case), which table cells do not.
  const ragged: { x0: number; x1s: number[]; n: number; lower: number; ys: number[]; texts: Set<string> }[] = [];
  for (const c of lines.flatMap((l) => l.chunks).filter((x) => wordCount(x) >= 5 && x.x1 - x.x0 >= 0.15 * pageWidth)) {
    const k = ragged.find((o) => Math.abs(o.x0 - c.x0) < 4);
    const lower = /^\p{Ll}/u.test(c.text) ? 1 : 0;
    if (k) { k.n++; k.lower += lower; k.x1s.push(c.x1); k.ys.push((c.y0 + c.y1) / 2); k.texts.add(c.text); }
    else ragged.push({ x0: c.x0, x1s: [c.x1], n: 1, lower, ys: [(c.y0 + c.y1) / 2], texts: new Set([c.text]) });
  }
  for (const r of ragged) {
    if (r.n < 3 || r.lower < Math.max(2, 0.3 * r.n) || r.texts.size < 0.8 * r.n) continue;
    if (textCols.some((t) => Math.abs(t.x0 - r.x0) < 6)) continue;
    // The column's right edge: where most of its lines end (a full-width line starting there is not it).
    const x1s = r.x1s.slice().sort((a, b) => a - b);
    textCols.push({ x0: r.x0, x1: x1s[Math.floor(0.8 * (x1s.length - 1))], ys: r.ys });
  }
  textCols.sort((a, b) => a.x0 - b.x0);
  if (!textCols.length) return lines;
  // Cut points: the edges of each text column; a side counts as that column's text when running text
  // of that column is level with it, or when it reads as prose itself.
  const cuts: { g: number; col: { x0: number; x1: number; ys: number[] }; inside: 'left' | 'right' }[] = [];
  for (const c of textCols) {
    cuts.push({ g: c.x0 - 1, col: c, inside: 'right' });
    cuts.push({ g: c.x1 + 1, col: c, inside: 'left' });
  }
  const isColumnText = (cs: Chunk[], col: { x0: number; x1: number }) => cs.some((c) => wordCount(c) >= 4 || c.x1 - c.x0 >= 0.6 * (col.x1 - col.x0));
  const out: TextLine[] = [];
  for (const l of lines) {
    let parts: TextLine[] = [l];
    for (const { g, col, inside } of cuts) {
      const next: TextLine[] = [];
      for (const p of parts) {
        const L = p.chunks.filter((c) => c.x1 <= g), R = p.chunks.filter((c) => c.x0 >= g);
        if (!L.length || !R.length || L.length + R.length !== p.chunks.length) { next.push(p); continue; }
        const inCol = inside === 'right' ? R.filter((c) => c.x1 <= col.x1 + 2) : L.filter((c) => c.x0 >= col.x0 - 2);
        // Beside running text of that column, whatever sits in the column belongs to it.
        const active = col.ys.some((y) => Math.abs(y - (p.y0 + p.y1) / 2) <= 1.6 * p.fontSize);
        if (inCol.length && (active || isColumnText(inCol, col))) next.push(lineFromChunks(words, L, p), lineFromChunks(words, R, p));
        else next.push(p);
      }
      parts = next;
    }
    out.push(...parts);
  }
  out.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  return out;
}
