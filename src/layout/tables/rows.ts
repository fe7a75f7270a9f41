import type { Word } from '../../model/document.js';
import type { Grid, GridCell } from './grid.js';
import { baselineOf, median } from './geometry.js';
import { splitCellLines } from './grid.js';

/** One text line inside one cell of a band. */
interface CellLine {
  cell: GridCell;
  words: number[];
  y0: number;
  y1: number;
  baseline: number;
  x0: number;
  x1: number;
  bold: boolean;
  text: string;
}

interface LineCluster {
  lines: CellLine[];
  baseline: number;
  y0: number;
  y1: number;
  cols: Set<number>;
}

const NUMERIC_RE = /^[([]?[-+−–$€£¥]?\s?\d[\d.,\s]*%?[)\]]?\*?$|^[-–—]$|^n\/?a$/i;

const BULLET_RE = /^([•●▪◦·‣⁃■□➢►✓✔❖\-–*]\s|\(?\d{1,2}[.)]\s)/;

export function isNumericText(s: string): boolean {
  return NUMERIC_RE.test(s.trim());
}

/**
 * 'strict' (ruled bands): split a band only where at least two cells start a line together, at two
 * or more places. 'text' (borderless bands): also starts a row at a lone first-column line that reads
 * as a row label, not as the wrapped end of the label above it.
 */
export type SplitMode = 'strict' | 'text';

/** Splits every band of the grid that holds several table rows (no rule between them) into rows. */
export function splitRows(grid: Grid, words: Word[], mode: SplitMode, bandsFrom = 0): Grid {
  let g = grid;
  for (let r = g.ys.length - 2; r >= bandsFrom; r--) g = splitBand(g, r, words, mode);
  return g;
}

function clusterLines(words: Word[], cells: GridCell[]): LineCluster[] {
  const all: CellLine[] = [];
  for (const cell of cells) {
    for (const lw of splitCellLines(words, cell.words)) {
      let y0 = Infinity, y1 = -Infinity, x0 = Infinity, x1 = -Infinity, bold = 0;
      for (const i of lw) {
        const b = words[i].bbox;
        y0 = Math.min(y0, b.y0); y1 = Math.max(y1, b.y1); x0 = Math.min(x0, b.x0); x1 = Math.max(x1, b.x1);
        if (words[i].bold) bold++;
      }
      all.push({ cell, words: lw, y0, y1, x0, x1, baseline: median(lw.map((i) => baselineOf(words[i]))), bold: bold * 2 > lw.length, text: lw.map((i) => words[i].text).filter((t) => !/^[.·…]+$/.test(t)).join(' ') });
    }
  }
  // Lines of different cells that overlap vertically are one row: same baseline, or a value centred
  // beside a label that wraps onto two lines.
  all.sort((a, b) => a.y0 - b.y0);
  const fs = median(all.flatMap((l) => l.words.map((i) => words[i].fontSize))) || 10;
  const clusters: LineCluster[] = [];
  for (const l of all) {
    const h = l.y1 - l.y0;
    let target: LineCluster | undefined;
    for (let k = clusters.length - 1; k >= 0 && k >= clusters.length - 3; k--) {
      const c = clusters[k];
      const hit = Math.abs(c.baseline - l.baseline) <= 0.3 * fs || c.lines.some((o) => o.cell !== l.cell
        && Math.min(o.y1, l.y1) - Math.max(o.y0, l.y0) > 0.35 * Math.min(h, o.y1 - o.y0));
      if (hit) { target = c; break; }
    }
    if (target) {
      target.lines.push(l);
      target.y0 = Math.min(target.y0, l.y0); target.y1 = Math.max(target.y1, l.y1);
      target.baseline = Math.min(target.baseline, l.baseline);
      for (let c = l.cell.c0; c < l.cell.c1; c++) target.cols.add(c);
    } else {
      const cols = new Set<number>();
      for (let c = l.cell.c0; c < l.cell.c1; c++) cols.add(c);
      clusters.push({ lines: [l], baseline: l.baseline, y0: l.y0, y1: l.y1, cols });
    }
  }
  return clusters;
}

function splitBand(g: Grid, r: number, words: Word[], mode: SplitMode): Grid {
  const cells = g.cells.filter((c) => c.r0 === r && c.r1 === r + 1 && c.words.length);
  if (!cells.length) return g;
  const clusters = clusterLines(words, cells);
  if (clusters.length < 2) return g;
  const nCells = (k: LineCluster) => new Set(k.lines.map((l) => l.cell)).size;
  const firstCol = Math.min(...g.cells.filter((c) => c.r0 <= r && c.r1 > r).map((c) => c.c0));
  const isStart: boolean[] = clusters.map(() => false);
  isStart[0] = true;
  for (let k = 1; k < clusters.length; k++) {
    const cl = clusters[k];
    const n = nCells(cl);
    const hasNumber = cl.lines.some((l) => isNumericText(l.text));
    const firstColLine = cl.lines.find((l) => l.cell.c0 === firstCol);
    // Inside a ruled band, text lines side by side are paragraphs or list items of rich cells; only
    // lines carrying numbers in several cells are separate records.
    if (mode === 'strict') { isStart[k] = n >= 2 && hasNumber && !cl.lines.some((l) => BULLET_RE.test(l.text)); continue; }
    if (n >= 2) {
      isStart[k] = !!firstColLine || hasNumber || !continuesText(clusters, k);
      // A hanging indent in the first column under a full row of words: the row's text wraps.
      const prevFirst = clusters[k - 1].lines.find((l) => l.cell.c0 === firstCol);
      const fs = words[cl.lines[0].words[0]].fontSize || 10;
      if (isStart[k] && !hasNumber && firstColLine && prevFirst && nCells(clusters[k - 1]) >= 2 && firstColLine.x0 > prevFirst.x0 + 0.5 * fs
        && continuesText(clusters, k)) isStart[k] = false;
      continue;
    }
    // A lone line: a new row when it is a row label in the first column, not the wrap of the line above.
    if (firstColLine && !continuesLabel(clusters, k, firstCol, words)) isStart[k] = true;
    else if (!firstColLine && hasNumber) isStart[k] = true;
  }
  if (mode === 'strict') {
    // Rows begin where several cells start a line together; leading lone lines join the first row.
    const multi = clusters.map((c, k) => (k === 0 ? (nCells(c) >= 2 ? 0 : -1) : isStart[k] ? k : -1)).filter((k) => k >= 0);
    if (multi.length < 2) return g;
    isStart.fill(false);
    for (const k of multi.slice(1)) isStart[k] = true;
    isStart[0] = true;
  } else {
    // A lone first-column line just above a row that has no first-column text is that row's label.
    for (let k = 0; k + 1 < clusters.length; k++) {
      const cur = clusters[k], next = clusters[k + 1];
      if (isStart[k] && isStart[k + 1] && cur.cols.size === 1 && cur.cols.has(firstCol) && !next.cols.has(firstCol) && nCells(next) >= 1
        && next.y0 - cur.y1 < 0.6 * (cur.y1 - cur.y0)) {
        isStart[k + 1] = false;
      }
    }
  }
  const rowsOf: number[] = [];
  let row = -1;
  for (let k = 0; k < clusters.length; k++) { if (isStart[k]) row++; rowsOf.push(Math.max(row, 0)); }
  const m = row + 1;
  if (m < 2) return g;
  // Row edges: halfway between the last line of one row and the first line of the next.
  const top: number[] = new Array(m).fill(Infinity), bottom: number[] = new Array(m).fill(-Infinity);
  clusters.forEach((c, k) => { top[rowsOf[k]] = Math.min(top[rowsOf[k]], c.y0); bottom[rowsOf[k]] = Math.max(bottom[rowsOf[k]], c.y1); });
  const edges: number[] = [];
  for (let k = 1; k < m; k++) edges.push((bottom[k - 1] + top[k]) / 2);
  const ys = [...g.ys.slice(0, r + 1), ...edges, ...g.ys.slice(r + 1)];
  const shift = m - 1;
  const lineRow = new Map<CellLine, number>();
  clusters.forEach((c, k) => c.lines.forEach((l) => lineRow.set(l, rowsOf[k])));
  const out: GridCell[] = [];
  for (const c of g.cells) {
    if (c.r0 === r && c.r1 === r + 1) {
      const parts: number[][] = Array.from({ length: m }, () => []);
      if (c.words.length) {
        for (const cl of clusters) for (const l of cl.lines) if (l.cell === c) parts[lineRow.get(l)!].push(...l.words);
      }
      for (let k = 0; k < m; k++) out.push({ ...c, r0: r + k, r1: r + k + 1, words: parts[k] });
    } else {
      const r0 = c.r0 > r ? c.r0 + shift : c.r0;
      const r1 = c.r1 > r ? c.r1 + shift : c.r1;
      out.push({ ...c, r0, r1 });
    }
  }
  return { xs: g.xs, ys, cells: out, headerRows: g.headerRows > r ? g.headerRows + shift : g.headerRows };
}

/** Multi-cell line that continues wrapped text above it in each of its cells (no numbers). */
function continuesText(clusters: LineCluster[], k: number): boolean {
  for (const l of clusters[k].lines) {
    let above: CellLine | undefined;
    for (let j = k - 1; j >= 0 && !above; j--) above = clusters[j].lines.find((p) => p.cell === l.cell);
    if (!above || isNumericText(above.text) || isNumericText(l.text)) return false;
  }
  return true;
}

/** Whether the lone first-column line at `k` is the wrapped continuation of the label above it. */
function continuesLabel(clusters: LineCluster[], k: number, firstCol: number, words: Word[]): boolean {
  const cur = clusters[k].lines.find((l) => l.cell.c0 === firstCol)!;
  const prevCluster = clusters[k - 1];
  const prev = prevCluster.lines.find((l) => l.cell.c0 === firstCol);
  if (!prev) return false;
  const fs = words[cur.words[0]].fontSize || 10;
  // A visible gap above means a new row.
  if (cur.y0 - prev.y1 > 0.5 * fs) return false;
  if (cur.bold !== prev.bold) return false;
  const first = cur.text.trim();
  if (/^[\p{Ll}(]/u.test(first)) return true;
  if (/[-–/,&(]$|\b(and|or|of|the|in|for|to|with|de|du|des|la|le|et)$/i.test(prev.text.trim())) return true;
  // Wrapped text fills its column: the line above reaches close to the column's right edge.
  const cellRight = prev.cell.words.length ? Math.max(...prevCluster.lines.filter((l) => l.cell === prev.cell).map((l) => l.x1)) : prev.x1;
  const colLines = clusters.flatMap((c) => c.lines.filter((l) => l.cell.c0 === firstCol));
  const maxRight = Math.max(...colLines.map((l) => l.x1));
  const indentCur = cur.x0 - Math.min(...colLines.map((l) => l.x0));
  const indentPrev = prev.x0 - Math.min(...colLines.map((l) => l.x0));
  if (indentCur < indentPrev - 0.5 * fs) return false;
  return cellRight >= maxRight - 2 * fs && prevCluster.cols.size > 1;
}
