import type { BBox, Table, TableCell, Word } from '../../model/document.js';
import { clusterValues, median } from './geometry.js';
import { wordsText } from './lines.js';

/** A cell of a grid in grid positions (end exclusive) with the words it holds. */
export interface GridCell {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  words: number[];
  header?: boolean;
  /** Marks a group title waiting for a row of its own (ruled tables with unruled sub-columns). */
  title?: number;
}

/** Column edges `xs` and row edges `ys` (page space) with cells covering every position once. */
export interface Grid {
  xs: number[];
  ys: number[];
  cells: GridCell[];
  headerRows: number;
}

const LEADER_RE = /(?:\s*[.·…_]){4,}\s*/g;

/** Cell text: words in reading order, lines joined by a space, dot leaders removed. */
export function cellText(words: Word[], idx: number[]): string {
  if (!idx.length) return '';
  // Dot leaders drawn as separate words: drop them when the cell has real text too.
  const real = idx.filter((i) => !/^[.·…]+$/.test(words[i].text));
  if (real.length) idx = real;
  const lines = splitCellLines(words, idx).map((l) => (isRtl(words, l) ? l.slice().reverse() : l));
  const text = lines.map((l) => wordsText(words, l)).join(' ');
  return text.replace(LEADER_RE, ' ').replace(/\s+/g, ' ').trim();
}

/** Most of the words' letters run right to left. */
export function isRtl(words: Word[], idx: number[]): boolean {
  let rtl = 0, all = 0;
  for (const i of idx) {
    const n = words[i].text.length;
    all += n;
    if (words[i].dir === 'rtl') rtl += n;
  }
  return rtl * 2 > all;
}

/** The words of one cell grouped into lines, top to bottom, each sorted left to right. */
export function splitCellLines(words: Word[], idx: number[]): number[][] {
  const sorted = [...idx].sort((a, b) => words[a].bbox.y0 - words[b].bbox.y0);
  const lines: { y0: number; y1: number; w: number[] }[] = [];
  for (const i of sorted) {
    const b = words[i].bbox;
    const h = b.y1 - b.y0;
    const l = lines.find((x) => Math.min(x.y1, b.y1) - Math.max(x.y0, b.y0) > 0.5 * Math.min(h, x.y1 - x.y0));
    if (l) { l.w.push(i); l.y0 = Math.min(l.y0, b.y0); l.y1 = Math.max(l.y1, b.y1); }
    else lines.push({ y0: b.y0, y1: b.y1, w: [i] });
  }
  lines.sort((a, b) => a.y0 - b.y0);
  for (const l of lines) l.w.sort((a, b) => words[a].bbox.x0 - words[b].bbox.x0);
  return lines.map((l) => l.w);
}

/** Drops grid edges that no cell starts or ends on (every cell spans across them). */
export function compactGrid(grid: Grid): Grid {
  const nr = grid.ys.length - 1, nc = grid.xs.length - 1;
  const rowEdge = new Array<boolean>(nr + 1).fill(false), colEdge = new Array<boolean>(nc + 1).fill(false);
  rowEdge[0] = colEdge[0] = rowEdge[nr] = colEdge[nc] = true;
  for (const c of grid.cells) { rowEdge[c.r0] = rowEdge[c.r1] = true; colEdge[c.c0] = colEdge[c.c1] = true; }
  const index = (keep: boolean[]) => { const m: number[] = []; let k = -1; for (const x of keep) { if (x) k++; m.push(k); } return m; };
  const rm = index(rowEdge), cm = index(colEdge);
  const cells = grid.cells.map((c) => ({ ...c, r0: rm[c.r0], r1: rm[c.r1], c0: cm[c.c0], c1: cm[c.c1] }));
  return {
    xs: grid.xs.filter((_, i) => colEdge[i]),
    ys: grid.ys.filter((_, i) => rowEdge[i]),
    cells,
    headerRows: grid.headerRows > 0 ? rm[Math.min(grid.headerRows, nr)] : 0,
  };
}

/** Removes rows and columns in which no cell has text of its own, merging them into neighbours. */
export function dropEmptyLines(grid: Grid): Grid {
  let g = grid;
  for (;;) {
    const nr = g.ys.length - 1, nc = g.xs.length - 1;
    if (nr <= 1 && nc <= 1) return g;
    const rowHasText = new Array(nr).fill(false), colHasText = new Array(nc).fill(false);
    for (const c of g.cells) if (c.words.length) {
      if (c.r1 - c.r0 === 1) rowHasText[c.r0] = true;
      if (c.c1 - c.c0 === 1) colHasText[c.c0] = true;
    }
    // A row whose only text sits in cells spanning other rows still counts as empty.
    const emptyRow = rowHasText.findIndex((x, r) => !x && !g.cells.some((c) => c.words.length && c.r0 <= r && c.r1 > r));
    const emptyCol = colHasText.findIndex((x, k) => !x && !g.cells.some((c) => c.words.length && c.c0 <= k && c.c1 > k));
    if (emptyRow >= 0 && nr > 1) { g = removeRow(g, emptyRow); continue; }
    if (emptyCol >= 0 && nc > 1) { g = removeCol(g, emptyCol); continue; }
    return g;
  }
}

function removeRow(g: Grid, r: number): Grid {
  const ys = g.ys.filter((_, i) => i !== r + 1 || r + 1 === g.ys.length - 1);
  if (r + 1 === g.ys.length - 1) ys.splice(r, 1);
  const adj = (x: number) => (x > r ? x - 1 : x);
  const cells: GridCell[] = [];
  for (const c of g.cells) {
    if (c.r0 === r && c.r1 === r + 1) continue;
    cells.push({ ...c, r0: adj(c.r0), r1: Math.max(adj(c.r0) + 1, adj(c.r1)) });
  }
  return { xs: g.xs, ys, cells, headerRows: g.headerRows > r ? g.headerRows - 1 : g.headerRows };
}

function removeCol(g: Grid, k: number): Grid {
  const xs = g.xs.filter((_, i) => i !== k + 1 || k + 1 === g.xs.length - 1);
  if (k + 1 === g.xs.length - 1) xs.splice(k, 1);
  const adj = (x: number) => (x > k ? x - 1 : x);
  const cells: GridCell[] = [];
  for (const c of g.cells) {
    if (c.c0 === k && c.c1 === k + 1) continue;
    cells.push({ ...c, c0: adj(c.c0), c1: Math.max(adj(c.c0) + 1, adj(c.c1)) });
  }
  return { xs, ys: g.ys, cells, headerRows: g.headerRows };
}

export function gridToTable(words: Word[], grid: Grid, method: Table['method']): Table {
  const rows = grid.ys.length - 1, cols = grid.xs.length - 1;
  // Right-to-left tables start at the right: column 0 is the rightmost.
  if (isRtl(words, grid.cells.flatMap((c) => c.words))) {
    const xs = grid.xs.slice().reverse();
    grid = { ...grid, xs, cells: grid.cells.map((c) => ({ ...c, c0: cols - c.c1, c1: cols - c.c0 })) };
  }
  const cells: TableCell[] = grid.cells
    .slice()
    .sort((a, b) => a.r0 - b.r0 || a.c0 - b.c0)
    .map((c) => {
      const bbox: BBox = { x0: Math.min(grid.xs[c.c0], grid.xs[c.c1]), y0: grid.ys[c.r0], x1: Math.max(grid.xs[c.c0], grid.xs[c.c1]), y1: grid.ys[c.r1] };
      const cell: TableCell = { row: c.r0, col: c.c0, rowSpan: c.r1 - c.r0, colSpan: c.c1 - c.c0, text: cellText(words, c.words), bbox };
      if (c.r0 < grid.headerRows) cell.header = true;
      return cell;
    });
  return { rows, cols, cells, headerRows: grid.headerRows, method };
}

/** Fills positions no cell covers with empty cells so every grid position is covered exactly once. */
export function fillGrid(grid: Grid): Grid {
  const nr = grid.ys.length - 1, nc = grid.xs.length - 1;
  const taken = Array.from({ length: nr }, () => new Array<boolean>(nc).fill(false));
  const cells: GridCell[] = [];
  for (const c of grid.cells) {
    let clash = false;
    for (let r = c.r0; r < c.r1 && !clash; r++) for (let k = c.c0; k < c.c1; k++) if (taken[r][k]) { clash = true; break; }
    if (clash) {
      // Overlapping spans (inconsistent rules): keep the words in the first free position the cell covers.
      let placed = false;
      for (let r = c.r0; r < c.r1 && !placed; r++) for (let k = c.c0; k < c.c1 && !placed; k++) if (!taken[r][k]) {
        taken[r][k] = true; cells.push({ ...c, r0: r, r1: r + 1, c0: k, c1: k + 1 }); placed = true;
      }
      if (!placed && c.words.length) {
        const host = cells.find((o) => o.r0 <= c.r0 && o.r1 > c.r0 && o.c0 <= c.c0 && o.c1 > c.c0);
        if (host) host.words = host.words.concat(c.words);
      }
      continue;
    }
    for (let r = c.r0; r < c.r1; r++) for (let k = c.c0; k < c.c1; k++) taken[r][k] = true;
    cells.push(c);
  }
  for (let r = 0; r < nr; r++) for (let k = 0; k < nc; k++) if (!taken[r][k]) cells.push({ r0: r, r1: r + 1, c0: k, c1: k + 1, words: [] });
  return { ...grid, cells };
}

/** Median line pitch of a set of words (distance between consecutive baselines). */
export function typicalFontSize(words: Word[], idx: number[]): number {
  return median(idx.map((i) => words[i].fontSize)) || 10;
}

export { clusterValues };
