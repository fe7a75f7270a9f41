import type { SourcePage, Word } from '../../model/document.js';
import { median, overlap1d } from './geometry.js';
import type { Grid, GridCell } from './grid.js';
import { compactGrid, dropEmptyLines, fillGrid } from './grid.js';
import type { Chunk, TextLine } from './lines.js';
import { buildLines, splitAtTextColumns } from './lines.js';
import { isNumericText, splitRows } from './rows.js';
import type { Segment } from './rules.js';
import { CAPTION_RE } from './caption.js';

export interface BorderlessTable {
  grid: Grid;
  words: number[];
}

interface Column { x0: number; x1: number }

/** Lines further apart than this (in ems) do not belong to one table. */
const MAX_LINE_GAP_EM = 1.6;
/** Single-chunk lines allowed in a row inside a table (section labels, wrapped cells). */
const MAX_SINGLE_RUN = 3;

/**
 * Tables without vertical rules: runs of lines split into several chunks by wide gaps, whose gaps
 * line up into column gutters. Horizontal rules (booktabs, financial statements) bound the header
 * and the table.
 */
export function borderlessTables(page: SourcePage, free: number[], segs: Segment[]): BorderlessTable[] {
  const words = page.words;
  if (free.length < 6) return [];
  const lines = splitAtTextColumns(words, buildLines(words, free), page.width);
  if (lines.length < 2) return [];
  const hRules = segs.filter((s) => s.o === 'h' && s.b - s.a >= 30);
  const out: BorderlessTable[] = [];
  const usedLine = new Set<TextLine>();
  const vRules = segs.filter((s) => s.o === 'v');
  const blocks = joinSections(lines, findBlocks(lines, ruleFrames(hRules, lines, page.width, vRules)));
  for (const block of blocks) {
    if (block.some((l) => usedLine.has(l))) continue;
    const t = blockToTable(page, lines, block, hRules, usedLine);
    if (t) out.push(t);
  }
  return out;
}

/**
 * A table broken into sections by a wider gap and a section title ("AMERICA, NORTH") is found as two
 * blocks: consecutive blocks whose column edges line up, with at most a few lone lines between them,
 * are one table.
 */
function joinSections(lines: TextLine[], blocks: TextLine[][]): TextLine[][] {
  const sorted = blocks.slice().sort((a, b) => a[0].y0 - b[0].y0);
  const out: TextLine[][] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev) {
      const last = prev[prev.length - 1], first = b[0];
      const fs = median(prev.map((l) => l.fontSize)) || 10;
      const x0 = Math.min(...prev.map((l) => l.x0)), x1 = Math.max(...prev.map((l) => l.x1));
      const between = lines.filter((l) => l.y0 >= last.y1 - 1 && l.y1 <= first.y0 + 1 && l !== last && l !== first && l.x1 > x0 && l.x0 < x1);
      const gap = first.y0 - last.y1 - between.reduce((sum, l) => sum + (l.y1 - l.y0), 0);
      const close = gap <= 4 * fs && between.length <= 2 && between.every((l) => !isMulti(l));
      if (close && sameColumns(findColumns(prev, fs), findColumns(b, fs), fs)) {
        out[out.length - 1] = [...prev, ...between, ...b];
        continue;
      }
    }
    out.push(b);
  }
  return out;
}

function sameColumns(a: Column[], b: Column[], fs: number): boolean {
  if (a.length < 2 || b.length < 2) return false;
  const ea = a.slice(1).map((c) => c.x0), eb = b.slice(1).map((c) => c.x0);
  const matched = eb.filter((x) => ea.some((y) => Math.abs(x - y) <= 1.5 * fs)).length;
  return matched >= 0.7 * Math.max(ea.length, eb.length);
}

function isMulti(l: TextLine): boolean {
  return l.chunks.length >= 2;
}

interface Frame { top: number; bottom: number; x0: number; x1: number }

/**
 * Runs of long horizontal rules of the same extent (booktabs top/mid/bottom rules, financial
 * statements) with aligned text in every band between them: the table lies between the first and the
 * last, whatever the gaps between its rows.
 */
function ruleFrames(hRules: Segment[], lines: TextLine[], pageWidth: number, vRules: Segment[] = []): Frame[] {
  const long = hRules.filter((r) => r.b - r.a >= 0.25 * pageWidth).sort((p, q) => p.pos - q.pos);
  const groups: Segment[][] = [];
  for (const r of long) {
    const g = groups.find((x) => Math.abs(x[0].a - r.a) <= 8 && Math.abs(x[0].b - r.b) <= 8);
    if (g) { if (r.pos - g[g.length - 1].pos > 2) g.push(r); } else groups.push([r]);
  }
  const frames: Frame[] = [];
  for (const g of groups) {
    let start = -1;
    for (let k = 0; k + 1 < g.length; k++) {
      const top = g[k].pos, bottom = g[k + 1].pos;
      const inBand = lines.filter((l) => l.y0 >= top - 1 && l.y1 <= bottom + 1 && l.x1 > g[k].a && l.x0 < g[k].b);
      // An empty band (a double rule) neither makes nor breaks a frame.
      const tabular = !inBand.length || (inBand.some(isMulti) && inBand.filter((l) => !isMulti(l) && l.x1 - l.x0 > 0.7 * (g[k].b - g[k].a)).length <= 1);
      if (tabular && start < 0) start = k;
      if ((!tabular || k + 2 === g.length) && start >= 0) {
        const end = tabular ? k + 1 : k;
        const f = { top: g[start].pos, bottom: g[end].pos, x0: g[start].a, x1: g[start].b };
        // A closed box that did not make a ruled table is a chart or a text box.
        const side = (x: number) => vRules.some((v) => Math.abs(v.pos - x) < 4 && v.a <= f.top + 4 && v.b >= f.bottom - 4);
        if (end > start && !(side(f.x0) && side(f.x1))) frames.push(f);
        start = -1;
      }
    }
  }
  return frames;
}

function findBlocks(lines: TextLine[], frames: Frame[]): TextLine[][] {
  const blocks: TextLine[][] = [];
  const used = new Set<TextLine>();
  for (const f of frames) {
    const inside = lines.filter((l) => !used.has(l) && l.y0 >= f.top - 1 && l.y1 <= f.bottom + 1 && l.x1 > f.x0 && l.x0 < f.x1);
    if (inside.filter(isMulti).length < 2) continue;
    blocks.push(inside);
    for (const l of inside) used.add(l);
  }
  const gapOk = (prev: TextLine, l: TextLine, fs: number) => l.y0 - prev.y1 <= MAX_LINE_GAP_EM * Math.max(prev.fontSize, l.fontSize)
    && Math.abs(l.fontSize - fs) <= 0.2 * Math.max(l.fontSize, fs);
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i];
    if (used.has(s) || !isMulti(s) || CAPTION_RE.test(s.chunks[0].text)) continue;
    const block = [s];
    let bx0 = s.x0, bx1 = s.x1, last = s;
    let singles: TextLine[] = [];
    const fss = [s.fontSize];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (used.has(l)) continue;
      // Lines beside the block (the other text column) neither join nor end it.
      if (l.x1 <= bx0 + 2 || l.x0 >= bx1 - 2) continue;
      const prev = singles.length ? singles[singles.length - 1] : last;
      if (!gapOk(prev, l, median(fss))) break;
      if (isMulti(l)) {
        block.push(...singles, l);
        singles = [];
        last = l;
        bx0 = Math.min(bx0, l.x0); bx1 = Math.max(bx1, l.x1);
        fss.push(l.fontSize);
      } else {
        singles.push(l);
        if (singles.length > MAX_SINGLE_RUN) break;
      }
    }
    if (block.filter(isMulti).length >= 2) {
      blocks.push(block);
      for (const l of block) used.add(l);
    }
  }
  return blocks;
}

/** Column gutters: x-ranges that (almost) no chunk of the block covers, with text on both sides. */
function findColumns(block: TextLine[], fs: number): Column[] {
  // Lone chunks (section titles, notes) say nothing about columns and often straddle them.
  const multi = block.filter(isMulti);
  const chunks = (multi.length >= 2 ? multi : block).flatMap((l) => l.chunks);
  const x0 = Math.min(...chunks.map((c) => c.x0)), x1 = Math.max(...chunks.map((c) => c.x1));
  const noise = Math.floor(0.1 * multi.length);
  // Coverage count along x by sweeping chunk intervals.
  const ev: [number, number][] = [];
  for (const c of chunks) { ev.push([c.x0, 1]); ev.push([c.x1, -1]); }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const gutters: [number, number][] = [];
  let count = 0, openAt = x0;
  let inGap = false;
  for (const [x, d] of ev) {
    const before = count;
    count += d;
    if (before > noise && count <= noise) { inGap = true; openAt = x; }
    else if (before <= noise && count > noise && inGap) {
      inGap = false;
      if (x > openAt && openAt > x0 && x < x1) gutters.push([openAt, x]);
    }
  }
  const cols: Column[] = [];
  let left = x0;
  for (const [a, b] of gutters) {
    const mid = (a + b) / 2;
    const support = multi.filter((l) => l.chunks.some((c) => c.x1 <= mid && c.x1 > left - 1) && l.chunks.some((c) => c.x0 >= mid)).length;
    const leftSupport = block.filter((l) => l.chunks.some((c) => c.x1 <= mid && c.x1 >= left)).length;
    // Narrow gutters (the widest numbers of two right-aligned columns nearly touch) need more rows.
    const need = b - a >= 0.3 * fs ? Math.max(2, 0.2 * multi.length) : Math.max(4, 0.7 * multi.length);
    if (support < need || leftSupport < 2) continue;
    cols.push({ x0: left, x1: mid });
    left = mid;
  }
  cols.push({ x0: left, x1: x1 });
  return cols;
}

function columnOf(cols: Column[], x: number): number {
  for (let k = 0; k < cols.length; k++) if (x < cols[k].x1) return k;
  return cols.length - 1;
}

/** Splits a chunk into pieces per column: a new piece where a word lands in another column past a gap. */
function placeChunk(words: Word[], c: Chunk, cols: Column[]): { col: number; words: number[] }[] {
  const pieces: { col: number; words: number[] }[] = [];
  let prevX1 = -Infinity;
  for (const i of c.words) {
    const b = words[i].bbox;
    const col = columnOf(cols, (b.x0 + b.x1) / 2);
    const cur = pieces[pieces.length - 1];
    if (cur && (cur.col === col || b.x0 - prevX1 < 0.25 * words[i].fontSize)) cur.words.push(i);
    else pieces.push({ col, words: [i] });
    prevX1 = b.x1;
  }
  // A piece that starts left of its column (text overflowing a gutter) stays in the column it starts in.
  for (const p of pieces) p.col = columnOf(cols, words[p.words[0]].bbox.x0 + 0.5);
  return pieces;
}

/**
 * Columns a header chunk covers: those it overlaps, widened symmetrically to the columns it is centred
 * over when there is a header line below it. A column goes to the chunk of the line nearest to it,
 * and the first (stub) column is never taken by widening.
 */
function headerRange(c: Chunk, cols: Column[], line: Chunk[], below: boolean, rules: Segment[] = []): [number, number] {
  // A rule drawn just under a header (booktabs \cmidrule) spans exactly the columns it covers.
  const fsz = c.fontSize || 10;
  const tableW = cols[cols.length - 1].x1 - cols[0].x0;
  const under = rules.find((r) => r.pos >= c.y1 - 3 && r.pos <= c.y1 + 0.8 * fsz && r.a <= c.x0 + 3 && r.b >= c.x1 - 3 && r.b - r.a < 0.9 * tableW
    && line.every((o) => o === c || o.x1 <= r.a + 2 || o.x0 >= r.b - 2));
  if (under) {
    const inCols = cols.map((col, k) => ((col.x0 + col.x1) / 2 >= under.a && (col.x0 + col.x1) / 2 <= under.b ? k : -1)).filter((k) => k >= 0);
    if (inCols.length) return [inCols[0], inCols[inCols.length - 1]];
  }
  let a = -1, b = -1;
  for (let k = 0; k < cols.length; k++) {
    const ov = overlap1d(c.x0, c.x1, cols[k].x0, cols[k].x1);
    if (ov > 0.3 * Math.min(c.x1 - c.x0, cols[k].x1 - cols[k].x0)) { if (a < 0) a = k; b = k; }
  }
  if (a < 0) { a = b = columnOf(cols, (c.x0 + c.x1) / 2); }
  if (!below) return [a, b];
  const center = (c.x0 + c.x1) / 2;
  const dist = (ch: Chunk, k: number) => Math.max(0, ch.x0 - cols[k].x1, cols[k].x0 - ch.x1);
  const mine = (k: number) => k > 0 && line.every((o) => o === c || dist(o, k) > dist(c, k));
  const off = (p: number, q: number) => Math.abs((cols[p].x0 + cols[q].x1) / 2 - center);
  const tol = (p: number, q: number) => 0.1 * (cols[q].x1 - cols[p].x0) + 2;
  for (;;) {
    if (a > 0 && b < cols.length - 1 && mine(a - 1) && mine(b + 1) && off(a - 1, b + 1) <= tol(a - 1, b + 1)) { a--; b++; continue; }
    if (a > 0 && mine(a - 1) && off(a - 1, b) < off(a, b) && off(a - 1, b) <= tol(a - 1, b)) { a--; continue; }
    if (b < cols.length - 1 && mine(b + 1) && off(a, b + 1) < off(a, b) && off(a, b + 1) <= tol(a, b + 1)) { b++; continue; }
    break;
  }
  return [a, b];
}

/** Header lines that overlap vertically and use different columns are one header row. */
function mergeHeaderLines(lines: TextLine[]): TextLine[] {
  const out: TextLine[] = [];
  for (const l of lines) {
    const prev = out[out.length - 1];
    if (prev) {
      const ov = Math.min(prev.y1, l.y1) - Math.max(prev.y0, l.y0);
      const disjoint = l.chunks.every((c) => prev.chunks.every((p) => c.x1 <= p.x0 || c.x0 >= p.x1));
      if (ov > 0.3 * Math.min(prev.y1 - prev.y0, l.y1 - l.y0) && disjoint) {
        out[out.length - 1] = {
          ...prev,
          words: [...prev.words, ...l.words],
          chunks: [...prev.chunks, ...l.chunks].sort((x, y) => x.x0 - y.x0),
          x0: Math.min(prev.x0, l.x0), x1: Math.max(prev.x1, l.x1), y0: Math.min(prev.y0, l.y0), y1: Math.max(prev.y1, l.y1),
        };
        continue;
      }
    }
    out.push(l);
  }
  return out;
}

/**
 * A lone line above a table that reads as the end of the paragraph before it: a sentence that ends
 * with a full stop, a line starting in lower case, or a line right under a full-width line of text.
 */
function endsParagraph(l: TextLine, all: TextLine[], k: number, x0: number, x1: number): boolean {
  const text = l.chunks[0].text.trim();
  if (/^\p{Ll}/u.test(text)) return true;
  if (/\s\S+[.!?;:]$/.test(text) && !/\d[.:]?$/.test(text)) return true;
  for (let j = k - 1; j >= 0; j--) {
    const a = all[j];
    if (a.x1 <= x0 || a.x0 >= x1) continue;
    return l.y0 - a.y1 < 0.8 * l.fontSize && !isMulti(a) && a.x1 - a.x0 > 0.6 * (x1 - x0);
  }
  return false;
}

function titleLine(l: TextLine, cols: Column[], fs: number): boolean {
  if (isMulti(l) || cols.length < 3) return false;
  const x0 = cols[0].x0, x1 = cols[cols.length - 1].x1;
  const flush = Math.abs(l.x0 - x0) <= 0.5 * fs;
  const centred = Math.abs((l.x0 + l.x1) / 2 - (x0 + x1) / 2) <= 0.1 * (x1 - x0);
  return flush && l.x1 > cols[0].x1 + fs && !centred;
}

/**
 * Text lines run across the whole page: on a spread or beside a column of text, words of the
 * neighbouring column share some of a table's baselines. Each line's chunks are grouped at gaps over
 * 6 ems; a group that few other lines have anything under, lying wholly beside the supported groups of
 * all lines, is dropped (a header centred over a gutter lies within them). A line that loses nothing
 * (or would lose everything) is returned as it was.
 */
function withoutStrayGroups(lines: TextLine[], fs: number): TextLine[] {
  const groups = lines.map((l) => {
    const gs: Chunk[][] = [];
    for (const c of [...l.chunks].sort((p, q) => p.x0 - q.x0)) {
      const g = gs[gs.length - 1];
      if (g && c.x0 - g[g.length - 1].x1 < 6 * fs) g.push(c);
      else gs.push([c]);
    }
    return gs;
  });
  const need = Math.max(2, 0.5 * (lines.length - 1));
  const supported = groups.map((gs, i) => gs.map((g) => {
    const x0 = g[0].x0, x1 = g[g.length - 1].x1;
    return lines.filter((m, j) => j !== i && m.chunks.some((o) => o.x0 < x1 && o.x1 > x0)).length >= need;
  }));
  let ext0 = Infinity, ext1 = -Infinity;
  groups.forEach((gs, i) => gs.forEach((g, k) => {
    if (!supported[i][k]) return;
    ext0 = Math.min(ext0, g[0].x0);
    ext1 = Math.max(ext1, g[g.length - 1].x1);
  }));
  return lines.map((l, i) => {
    const gs = groups[i];
    if (gs.length < 2) return l;
    const keep = gs.filter((g, k) => supported[i][k] || (g[g.length - 1].x1 >= ext0 && g[0].x0 <= ext1)).flat();
    return keep.length === l.chunks.length || !keep.length ? l : lineOf(l, keep);
  });
}

/** The line made of some of its chunks. */
function lineOf(l: TextLine, chunks: Chunk[]): TextLine {
  return {
    ...l,
    chunks,
    words: chunks.flatMap((c) => c.words),
    x0: Math.min(...chunks.map((c) => c.x0)),
    x1: Math.max(...chunks.map((c) => c.x1)),
    y0: Math.min(...chunks.map((c) => c.y0)),
    y1: Math.max(...chunks.map((c) => c.y1)),
  };
}

function numericLine(l: TextLine): boolean {
  return l.chunks.some((c, k) => k > 0 && isNumericText(c.text)) || (l.chunks.length > 1 && l.chunks.slice(1).every((c) => isNumericText(c.text.split(' ')[0])));
}

function blockToTable(page: SourcePage, all: TextLine[], block: TextLine[], hRules: Segment[], usedLine: Set<TextLine>): BorderlessTable | undefined {
  const words = page.words;
  const fs = median(block.map((l) => l.fontSize)) || 10;
  let cols = findColumns(block, fs);
  if (cols.length < 2) {
    // Header cells often straddle the body's gutters: try the lines from the first numeric one.
    const first = block.findIndex(numericLine);
    if (first > 0 && block.length - first >= 2) cols = findColumns(block.slice(first), fs);
  }
  if (cols.length < 2) return undefined;
  let body = block.slice();
  const bx0 = cols[0].x0, bx1 = cols[cols.length - 1].x1;
  const width = bx1 - bx0;
  const crossings = (l: TextLine) => l.chunks.reduce((n, c) => n + cols.slice(1).filter((col) => c.x0 < col.x0 - 1 && c.x1 > col.x0 + 1).length, 0);

  // Trailing lines that ignore the columns (notes, "1 Includes ...") are not part of the table.
  while (body.length > 2 && crossings(body[body.length - 1]) >= 2) body.pop();
  // A long rule inside the block followed by lines that do not fit: the table ends at the rule.
  const topY = body[0].y0;
  // Header: lines between a rule above the block and the block, or a few short lines just above it.
  const spans = (s: Segment) => s.a <= bx0 + 0.2 * width && s.b >= bx1 - 0.2 * width;
  const topRule = hRules.filter((s) => spans(s) && s.pos <= topY + 1 && s.pos >= topY - 6 * fs).sort((p, q) => q.pos - p.pos);
  const idx = all.indexOf(body[0]);
  const header: TextLine[] = [];
  const lowestTopRule = topRule.length ? topRule.find((s) => all.slice(0, idx).filter((l) => l.y0 > s.pos && !usedLine.has(l)).length > 0 || s.pos >= topY - 1) : undefined;
  if (lowestTopRule && lowestTopRule.pos < topY - 1) {
    for (let k = idx - 1; k >= 0; k--) {
      const l = all[k];
      if (l.y0 < lowestTopRule.pos - 1 || usedLine.has(l)) break;
      if (l.x0 < bx0 - 2 * fs || l.x1 > bx1 + 2 * fs) break;
      header.unshift(l);
    }
  } else {
    for (let k = idx - 1; k >= 0 && header.length < 4; k--) {
      const l = all[k];
      // Lines beside the table (another text column) are skipped, not a reason to stop.
      if (l.x1 <= bx0 || l.x0 >= bx1) continue;
      const next = header[0] ?? body[0];
      if (usedLine.has(l) || next.y0 - l.y1 > 2 * fs) break;
      if (CAPTION_RE.test(l.chunks[0].text)) break;
      if (l.x0 < bx0 - fs || l.x1 > bx1 + fs) break;
      if (!isMulti(l) && l.x1 - l.x0 > 0.6 * width) break;
      if (!isMulti(l) && endsParagraph(l, all, k, bx0, bx1)) break;
      if (hRules.some((s) => spans(s) && s.pos > l.y1 - 1 && s.pos < next.y0 + 1) && !isMulti(l)) break;
      header.unshift(l);
    }
  }
  // Title lines above a header row of several cells (a statement's account name and terms) are not
  // header cells: one run of text set flush with the table's left edge, reaching past the first
  // column, with nothing beside it. Header cells over several columns are centred over them.
  while (header.length && titleLine(header[0], cols, fs) && [...header.slice(1), ...body].some(isMulti)) header.shift();
  // Leading caption lines inside the block are not rows.
  while (body.length && CAPTION_RE.test(body[0].chunks[0].text)) body.shift();
  if (body.length < 2) return undefined;

  // Split header from body: a full-width rule under the header, else the first line with numbers.
  const midRule = hRules.filter((s) => spans(s) && s.pos > body[0].y0 && s.pos < body[body.length - 1].y0).sort((p, q) => p.pos - q.pos)[0];
  let headLines = header.slice();
  if (midRule && !header.length && body.filter((l) => l.y1 <= midRule.pos + 1).length <= 6) {
    headLines = headLines.concat(body.filter((l) => l.y1 <= midRule.pos + 1));
    body = body.filter((l) => l.y1 > midRule.pos + 1);
  } else if (body.some(numericLine)) {
    const first = body.findIndex(numericLine);
    if (first > 0 && first <= 4) { headLines = headLines.concat(body.slice(0, first)); body = body.slice(first); }
  }
  // A lone label at the start of the first column just above the body is its first section row.
  while (headLines.length > 1) {
    const l = headLines[headLines.length - 1];
    if (l.chunks.length !== 1 || l.chunks[0].x0 > cols[0].x0 + fs || l.chunks[0].x1 > cols[0].x1 + fs) break;
    if (!headLines.slice(0, -1).some((h) => h.chunks.some((c) => c.x0 > cols[0].x1))) break;
    body.unshift(headLines.pop()!);
  }
  if (body.length < 2) return undefined;

  // Words of a neighbouring text column on the table's baselines are not cells.
  const originals = new Map<TextLine, TextLine>();
  const before = [...headLines, ...body];
  const clipped = withoutStrayGroups(before, fs);
  clipped.forEach((l, i) => { if (l !== before[i]) originals.set(l, before[i]); });
  headLines = clipped.slice(0, headLines.length);
  body = clipped.slice(headLines.length);
  // Recompute the columns from the body alone: header cells span several of them.
  const bodyCols = findColumns(body, fs);
  if (bodyCols.length >= 2) cols = bodyCols;
  cols[0].x0 = Math.min(cols[0].x0, ...headLines.map((l) => l.x0));
  cols[cols.length - 1].x1 = Math.max(cols[cols.length - 1].x1, ...headLines.map((l) => l.x1));

  const last = body[body.length - 1];
  const bottomRule = hRules.some((x) => spans(x) && x.pos >= last.y1 - 1 && x.pos <= last.y1 + 2 * fs);
  const top0 = Math.min(body[0].y0, ...headLines.map((l) => l.y0));
  const topBound = !!lowestTopRule || hRules.some((x) => spans(x) && x.pos <= top0 + 1 && x.pos >= top0 - 2 * fs);
  if (!plausible(words, body, cols, topBound && bottomRule)) return undefined;

  // Header rows: one per header line; cells span the columns they cover.
  headLines = mergeHeaderLines(headLines);
  const nh = headLines.length;
  const headerCellsByLine: GridCell[][] = [];
  for (let r = 0; r < nh; r++) {
    const l = headLines[r];
    const below = r + 1 < nh;
    const lineCells: GridCell[] = [];
    l.chunks.forEach((c) => {
      let [a, b] = headerRange(c, cols, l.chunks, below, hRules);
      if (lineCells.some((o) => o.c1 > a)) a = Math.max(a, ...lineCells.map((o) => o.c1));
      if (b < a) {
        const prev = lineCells[lineCells.length - 1];
        if (prev) { prev.words.push(...c.words); return; }
        b = a;
      }
      lineCells.push({ r0: r, r1: r + 1, c0: a, c1: b + 1, words: [...c.words], header: true });
    });
    headerCellsByLine.push(lineCells);
  }
  // Wrapped or stacked header text (a line continuing the cell above in the same columns) joins it.
  for (let r = 1; r < nh; r++) {
    for (const cell of headerCellsByLine[r]) {
      const above = headerCellsByLine.slice(0, r).flat().find((o) => o.words.length && o.r1 === r && o.c0 === cell.c0 && o.c1 === cell.c1);
      if (!above) continue;
      const text = words[cell.words[0]].text;
      const gap = headLines[r].y0 - headLines[r - 1].y1;
      // Stacked header text in the same columns is one cell ("Body / Weight / (g)").
      if (gap < 0.6 * fs || /^[\p{Ll}(]/u.test(text) || /[-–/]$/.test(words[above.words[above.words.length - 1]].text)) {
        above.words.push(...cell.words);
        above.r1 = r + 1;
        cell.words = [];
      }
    }
  }
  const hCells = headerCellsByLine.flat().filter((c) => c.words.length);
  // Header cells stretch up and down over empty header rows in their columns.
  const occupied = (r: number, a: number, b: number, self: GridCell) => hCells.some((o) => o !== self && o.r0 <= r && o.r1 > r && o.c0 < b && o.c1 > a);
  for (const c of hCells) {
    while (c.r0 > 0 && !occupied(c.r0 - 1, c.c0, c.c1, c)) c.r0--;
    while (c.r1 < nh && !occupied(c.r1, c.c0, c.c1, c)) c.r1++;
  }

  // Body: bands of lines with one cell per column (rows split afterwards), broken by lone lines that
  // straddle a gutter (a section title centred over the data columns), which span those columns.
  const nc = cols.length;
  const crossesGutter = (c: Chunk) => cols.slice(1).some((col) => c.x0 < col.x0 - 2 && c.x1 > col.x0 + 2);
  const segments: { lines: TextLine[]; span?: [number, number] }[] = [];
  for (const l of body) {
    if (l.chunks.length === 1 && crossesGutter(l.chunks[0])) {
      segments.push({ lines: [l], span: headerRange(l.chunks[0], cols, l.chunks, true) });
      continue;
    }
    const last = segments[segments.length - 1];
    if (last && !last.span) last.lines.push(l);
    else segments.push({ lines: [l] });
  }
  const bodyCells: GridCell[] = [];
  segments.forEach((seg, i) => {
    const r = nh + i;
    if (seg.span) { bodyCells.push({ r0: r, r1: r + 1, c0: seg.span[0], c1: seg.span[1] + 1, words: [...seg.lines[0].words] }); return; }
    const cells: GridCell[] = cols.map((_, k) => ({ r0: r, r1: r + 1, c0: k, c1: k + 1, words: [] }));
    for (const l of seg.lines) for (const c of l.chunks) for (const p of placeChunk(words, c, cols)) cells[p.col].words.push(...p.words);
    bodyCells.push(...cells);
  });

  const top = Math.min(...headLines.map((l) => l.y0), body[0].y0);
  const ys = [top];
  for (let r = 1; r < nh; r++) ys.push((headLines[r - 1].y1 + headLines[r].y0) / 2);
  if (nh) ys.push((headLines[nh - 1].y1 + body[0].y0) / 2);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1].lines, cur = segments[i].lines;
    ys.push((prev[prev.length - 1].y1 + cur[0].y0) / 2);
  }
  ys.push(Math.max(...body.map((l) => l.y1)));
  const xs = [cols[0].x0, ...cols.slice(1).map((c) => c.x0), cols[nc - 1].x1];
  const cells = [...hCells, ...bodyCells];
  let grid: Grid = { xs, ys, cells, headerRows: nh };
  grid = fillGrid(grid);
  grid = splitRows(grid, words, 'text', nh);
  grid = compactGrid(dropEmptyLines(grid));
  if (grid.ys.length - 1 - grid.headerRows < 2 || grid.xs.length < 3) return undefined;
  // Two lines of aligned words (an axis and a legend, a wide heading) are too little to call a table
  // unless rules frame them.
  if (grid.ys.length - 1 < 3 && !(topBound && bottomRule)) return undefined;
  for (const l of headLines) usedLine.add(originals.get(l) ?? l);
  for (const l of body) usedLine.add(originals.get(l) ?? l);
  const used = [...headLines, ...body].flatMap((l) => l.words);
  return { grid, words: used };
}

/** Rejects prose in two columns, lists and key/value text that only look aligned. */
function plausible(words: Word[], body: TextLine[], cols: Column[], bounded: boolean): boolean {
  const perCol: string[][] = cols.map(() => []);
  let multiRows = 0;
  for (const l of body) {
    const filled = new Set<number>();
    for (const c of l.chunks) for (const p of placeChunk(words, c, cols)) {
      perCol[p.col].push(p.words.map((i) => words[i].text).join(' '));
      filled.add(p.col);
    }
    if (filled.size >= 2) multiRows++;
  }
  if (multiRows < 2 || multiRows < 0.4 * body.length) return false;
  const stats = perCol.map((texts) => {
    const n = texts.length || 1;
    const wordsPer = texts.reduce((s, t) => s + t.split(/\s+/).length, 0) / n;
    const numeric = texts.filter((t) => isNumericText(t)).length / n;
    const sentence = texts.filter((t) => /[a-z]{2,}[.,;:]?\s+[a-z]{2,}\s+[a-z]{2,}/.test(t)).length / n;
    return { n: texts.length, wordsPer, numeric, sentence };
  });
  const prose = stats.filter((s) => s.n > 0 && s.wordsPer >= 4 && s.numeric < 0.2 && s.sentence > 0.5).length;
  if (prose >= 2) return false;
  // Lists set side by side (slides, multi-column bullet lists) align like tables.
  const all = perCol.flat();
  const bullets = all.filter((t) => /^[•●▪◦·‣⁃■□➢►✓✔❖]/.test(t) || /^\(?\d{1,2}[.)]\s+\p{L}/u.test(t)).length;
  // A column of lone marks with no text column after it holds check marks (a survey form, a feature
  // matrix), not the bullets of a list: a list's bullet is followed by its item's text.
  const lone = (t: string) => /^[•●▪◦·‣⁃■□➢►✓✔❖☐☑☒✗✘]$/u.test(t.trim());
  const markCol = perCol.map((texts) => texts.length >= 3 && texts.filter(lone).length >= 0.8 * texts.length);
  const matrix = markCol.some((m, k) => m && k > 0 && (k === cols.length - 1 || markCol[k + 1]));
  if (!matrix && bullets >= 2 && bullets >= 0.25 * all.length) return false;
  // Two columns of words (labels and values, a form): a table only with numbers or between rules.
  const numericCol = Math.max(...stats.map((x) => x.numeric)) >= 0.5;
  if (cols.length === 2 && !bounded && !numericCol) return false;
  // Words only, in two lines: a banner or a heading set wide, not a table.
  if (!numericCol && !bounded && body.length < 3) return false;
  if (cols.length === 2 && !bounded) {
    const [a, b] = stats;
    // Bullets or numbers before long text: a list.
    const markers = perCol[0].filter((t) => /^([•●▪◦·\-–*]|\(?[0-9a-zA-Z]{1,3}[.)])$/.test(t)).length / (perCol[0].length || 1);
    if (markers > 0.6) return false;
    if (b.wordsPer >= 5 && b.numeric < 0.3) return false;
    if (a.wordsPer >= 5 && a.numeric < 0.3 && b.numeric < 0.5) return false;
  }
  return true;
}
