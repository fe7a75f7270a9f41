import type { Word } from '../../model/document.js';
import { clusterValues, UnionFind } from './geometry.js';
import type { Grid, GridCell } from './grid.js';
import { compactGrid, dropEmptyLines, fillGrid } from './grid.js';
import type { RuleGroup, Segment } from './rules.js';
import { coveredLength } from './rules.js';
import { splitRows } from './rows.js';
import { buildLines } from './lines.js';

/** Edges closer than this are one grid line. */
const EDGE_SNAP = 2.5;

export interface RuledResult {
  grid: Grid;
  /** Word indices inside the ruled area. */
  words: number[];
}

/**
 * Builds the cell grid of a group of touching rules: grid lines from the rules' positions, a cell
 * boundary wherever a rule covers most of the edge between two neighbouring positions, merged cells
 * where it does not. Returns undefined when the rules do not form a table (a box, an underline).
 */
export function ruledGrid(group: RuleGroup, words: Word[], candidates: number[]): RuledResult | undefined {
  const { h, v, bbox } = group;
  if (h.length < 2 || v.length < 2) return undefined;
  if (bbox.x1 - bbox.x0 < 20 || bbox.y1 - bbox.y0 < 10) return undefined;
  const xs = clusterValues([...v.map((s) => s.pos), bbox.x0, bbox.x1], EDGE_SNAP);
  const ys = clusterValues([...h.map((s) => s.pos), bbox.y0, bbox.y1], EDGE_SNAP);
  xs[0] = bbox.x0; xs[xs.length - 1] = bbox.x1;
  ys[0] = bbox.y0; ys[ys.length - 1] = bbox.y1;
  const nr = ys.length - 1, nc = xs.length - 1;
  if (nr < 1 || nc < 1 || nr * nc > 40_000) return undefined;

  const near = (segs: Segment[], pos: number) => segs.filter((s) => Math.abs(s.pos - pos) <= EDGE_SNAP);
  const vAt = xs.map((x) => near(v, x));
  const hAt = ys.map((y) => near(h, y));
  const id = (r: number, c: number) => r * nc + c;
  const uf = new UnionFind(nr * nc);
  for (let r = 0; r < nr; r++) for (let c = 1; c < nc; c++) {
    const len = ys[r + 1] - ys[r];
    if (coveredLength(vAt[c], ys[r], ys[r + 1]) < 0.5 * len) uf.union(id(r, c - 1), id(r, c));
  }
  for (let r = 1; r < nr; r++) for (let c = 0; c < nc; c++) {
    const len = xs[c + 1] - xs[c];
    if (coveredLength(hAt[r], xs[c], xs[c + 1]) < 0.5 * len) uf.union(id(r - 1, c), id(r, c));
  }
  // Each union of positions becomes its bounding rectangle; overlapping rectangles are merged until stable.
  let rects = new Map<number, { r0: number; r1: number; c0: number; c1: number }>();
  for (let r = 0; r < nr; r++) for (let c = 0; c < nc; c++) {
    const k = uf.find(id(r, c));
    const R = rects.get(k);
    if (!R) rects.set(k, { r0: r, r1: r + 1, c0: c, c1: c + 1 });
    else { R.r0 = Math.min(R.r0, r); R.r1 = Math.max(R.r1, r + 1); R.c0 = Math.min(R.c0, c); R.c1 = Math.max(R.c1, c + 1); }
  }
  for (let changed = true; changed; ) {
    changed = false;
    const list = [...rects.values()];
    const owner = Array.from({ length: nr }, () => new Array<number>(nc).fill(-1));
    for (let k = 0; k < list.length && !changed; k++) {
      const R = list[k];
      for (let r = R.r0; r < R.r1 && !changed; r++) for (let c = R.c0; c < R.c1; c++) {
        if (owner[r][c] >= 0) {
          const O = list[owner[r][c]];
          O.r0 = Math.min(O.r0, R.r0); O.r1 = Math.max(O.r1, R.r1); O.c0 = Math.min(O.c0, R.c0); O.c1 = Math.max(O.c1, R.c1);
          list.splice(k, 1);
          changed = true;
          break;
        }
        owner[r][c] = k;
      }
    }
    if (changed) rects = new Map(list.map((R, i) => [i, R]));
  }
  const cells: GridCell[] = [...rects.values()].map((R) => ({ ...R, words: [] }));
  const cellAt = Array.from({ length: nr }, () => new Array<GridCell | undefined>(nc));
  for (const c of cells) for (let r = c.r0; r < c.r1; r++) for (let k = c.c0; k < c.c1; k++) cellAt[r][k] = c;

  const inside: number[] = [];
  const tol = 1;
  for (const i of candidates) {
    const b = words[i].bbox;
    const cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    if (cx < bbox.x0 - tol || cx > bbox.x1 + tol || cy < bbox.y0 - tol || cy > bbox.y1 + tol) continue;
    let c = 0; while (c < nc - 1 && cx > xs[c + 1]) c++;
    let r = 0; while (r < nr - 1 && cy > ys[r + 1]) r++;
    cellAt[r][c]?.words.push(i);
    inside.push(i);
  }
  if (!inside.length) return undefined;
  // Chart gridlines and bar outlines make grids too, with the values floating in mostly empty cells.
  const filled = cells.filter((c) => c.words.length).length;
  if (cells.length >= 12 && filled < 0.2 * cells.length) return undefined;

  let grid: Grid = { xs, ys, cells: splitByText(cells, xs, words), headerRows: 0 };
  grid = dropThinEmpty(grid);
  grid = compactGrid(fillGrid(grid));
  grid = splitRows(grid, words, 'strict');
  grid = splitColumnsByText(grid, words);
  grid = compactGrid(dropEmptyLines(grid));
  grid.headerRows = headerRowsOf(grid, words);
  return { grid, words: inside };
}

/**
 * A cell spanning several grid columns whose text falls apart into pieces that each sit inside one
 * of those columns was never merged: its inner rules were left out (body rows under a ruled header).
 */
function splitByText(cells: GridCell[], xs: number[], words: Word[]): GridCell[] {
  const out: GridCell[] = [];
  for (const c of cells) {
    if (c.c1 - c.c0 < 2 || c.words.length < 2) { out.push(c); continue; }
    const parts = new Map<number, number[]>();
    let fits = true;
    for (const l of buildLines(words, c.words)) {
      for (const ch of l.chunks) {
        let k = c.c0;
        while (k < c.c1 - 1 && (ch.x0 + ch.x1) / 2 > xs[k + 1]) k++;
        if (ch.x0 < xs[k] - 2 || ch.x1 > xs[k + 1] + 2) { fits = false; break; }
        parts.set(k, (parts.get(k) ?? []).concat(ch.words));
      }
      if (!fits) break;
    }
    if (!fits || parts.size < 2) { out.push(c); continue; }
    for (let k = c.c0; k < c.c1; k++) out.push({ ...c, c0: k, c1: k + 1, words: parts.get(k) ?? [] });
  }
  return out;
}

/**
 * Grid columns that hold several text columns (sub-columns under a ruled group header, with no rule
 * between them): a gutter that the text of most rows leaves free splits the column.
 */
function splitColumnsByText(grid: Grid, words: Word[]): Grid {
  let g = grid;
  const pending: Pending[] = [];
  for (let c = g.xs.length - 2; c >= 0; c--) {
    const cells = g.cells.filter((x) => x.c0 === c && x.c1 === c + 1 && x.words.length);
    if (cells.length < 3) continue;
    const lines = cells.flatMap((x) => buildLines(words, x.words));
    const fs = lines.length ? lines.map((l) => l.fontSize).sort((a, b) => a - b)[lines.length >> 1] : 10;
    const chunks = lines.flatMap((l) => l.chunks);
    const multi = lines.filter((l) => l.chunks.length >= 2);
    if (multi.length < Math.max(3, 0.5 * lines.length)) continue;
    const noise = Math.floor(0.1 * lines.length);
    const ev: [number, number][] = [];
    for (const ch of chunks) { ev.push([ch.x0, 1]); ev.push([ch.x1, -1]); }
    ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const lo = g.xs[c], hi = g.xs[c + 1];
    const cuts: number[] = [];
    let count = 0, openAt = NaN;
    const minX = Math.min(...chunks.map((ch) => ch.x0)), maxX = Math.max(...chunks.map((ch) => ch.x1));
    for (const [x, d] of ev) {
      const before = count;
      count += d;
      if (before > noise && count <= noise) openAt = x;
      else if (before <= noise && count > noise && !Number.isNaN(openAt)) {
        const mid = (openAt + x) / 2;
        if (x > openAt && openAt > minX && x < maxX && mid > lo && mid < hi) {
          const support = multi.filter((l) => l.chunks.some((ch) => ch.x1 <= mid) && l.chunks.some((ch) => ch.x0 >= mid)).length;
          // Narrow gutters (the widest numbers of two right-aligned columns nearly touch) need more rows.
          const need = x - openAt >= 0.3 * fs ? Math.max(3, 0.5 * lines.length) : Math.max(4, 0.7 * lines.length);
          if (support >= need) cuts.push(mid);
        }
        openAt = NaN;
      }
    }
    if (!cuts.length) continue;
    const k = cuts.length;
    const xs = [...g.xs.slice(0, c + 1), ...cuts, ...g.xs.slice(c + 1)];
    const out: GridCell[] = [];
    for (const cell of g.cells) {
      if (cell.c1 <= c) { out.push(cell); continue; }
      if (cell.c0 > c) { out.push({ ...cell, c0: cell.c0 + k, c1: cell.c1 + k }); continue; }
      if (cell.c0 < c || cell.c1 > c + 1) { out.push({ ...cell, c1: cell.c1 + k }); continue; }
      // A single-column cell: split its words by the cuts unless its text straddles one (a group header).
      const parts: number[][] = Array.from({ length: k + 1 }, () => []);
      const cellLines = buildLines(words, cell.words);
      const straddling = cellLines.map((l) => l.chunks.some((ch) => cuts.some((x) => ch.x0 < x - 1 && ch.x1 > x + 1)));
      const lastStraddle = straddling.lastIndexOf(true);
      if (lastStraddle >= 0) {
        // A group title over sub-column titles ("Non-Hispanic white" over "Male  Female"): the title
        // spans the sub-columns in a row of its own, the lines under it are split.
        const lower = cellLines.slice(lastStraddle + 1);
        if (lower.length && lower.every((l) => l.chunks.length >= 2)) {
          const upper = cellLines.slice(0, lastStraddle + 1);
          for (const l of lower) for (const ch of l.chunks) parts[cuts.filter((x) => x < (ch.x0 + ch.x1) / 2).length].push(...ch.words);
          const y = (Math.max(...upper.map((l) => l.y1)) + Math.min(...lower.map((l) => l.y0))) / 2;
          const top = { ...cell, c1: cell.c1 + k, words: upper.flatMap((l) => l.words), title: pending.length + 1 };
          out.push(top);
          pending.push({ id: top.title, r: cell.r0, y, subs: parts.map((w, j) => ({ ...cell, c0: c + j, c1: c + j + 1, words: w })) });
          continue;
        }
        out.push({ ...cell, c1: cell.c1 + k });
        continue;
      }
      for (const l of cellLines) for (const ch of l.chunks) parts[cuts.filter((x) => x < (ch.x0 + ch.x1) / 2).length].push(...ch.words);
      for (let j = 0; j <= k; j++) out.push({ ...cell, c0: c + j, c1: c + j + 1, words: parts[j] });
    }
    g = { ...g, xs, cells: out };
  }
  return insertTitleRows(g, pending);
}

/**
 * Gives each group title found by splitColumnsByText a row of its own: its band is cut at `y`, the
 * title keeps the upper part, its sub-cells take the lower part, and the other cells of the band
 * span both.
 */
interface Pending { id: number; r: number; y: number; subs: GridCell[] }

function insertTitleRows(grid: Grid, pending: Pending[]): Grid {
  let g = grid;
  const byRow = new Map<number, Pending[]>();
  for (const p of pending) {
    const list = byRow.get(p.r) ?? [];
    list.push(p);
    byRow.set(p.r, list);
  }
  for (const r of [...byRow.keys()].sort((a, b) => b - a)) {
    const list = byRow.get(r)!;
    const y = list.reduce((s, p) => s + p.y, 0) / list.length;
    const ys = [...g.ys.slice(0, r + 1), y, ...g.ys.slice(r + 1)];
    const cells: GridCell[] = [];
    for (const c of g.cells) {
      const p = c.title !== undefined ? list.find((x) => x.id === c.title) : undefined;
      if (p) {
        cells.push({ ...c, r1: r + 1, title: undefined });
        // Sub-cells sit under the title: the columns the title spans now.
        const span = c.c1 - c.c0, n = p.subs.length;
        p.subs.forEach((sub, j) => cells.push({ ...sub, r0: r + 1, r1: r + 2, c0: c.c0 + Math.round((j * span) / n), c1: c.c0 + Math.round(((j + 1) * span) / n) }));
        continue;
      }
      const r0 = c.r0 > r ? c.r0 + 1 : c.r0;
      const r1 = c.r1 > r ? c.r1 + 1 : c.r1;
      cells.push({ ...c, r0, r1 });
    }
    g = { ...g, ys, cells, headerRows: g.headerRows > r ? g.headerRows + 1 : g.headerRows };
  }
  return g;
}

/**
 * Header rows of a ruled table: the rows a cell of the first row spans down over (a merged header),
 * else a first row set in bold above rows that are not.
 */
function headerRowsOf(g: Grid, words: Word[]): number {
  const rows = g.ys.length - 1;
  const span = Math.max(1, ...g.cells.filter((c) => c.r0 === 0).map((c) => c.r1));
  if (span > 1 && span < rows) return span;
  const bold = (r: number) => {
    const ws = g.cells.filter((c) => c.r0 === r).flatMap((c) => c.words);
    return ws.length > 0 && ws.every((i) => words[i].bold);
  };
  return rows > 2 && bold(0) && !bold(1) ? 1 : 0;
}

/** Double rules and frame padding leave thin rows/columns without text: drop those. */
function dropThinEmpty(g: Grid): Grid {
  let grid = g;
  for (let again = true; again; ) {
    again = false;
    const nr = grid.ys.length - 1, nc = grid.xs.length - 1;
    for (let r = 0; r < nr && nr > 1; r++) {
      if (grid.ys[r + 1] - grid.ys[r] > 4) continue;
      if (grid.cells.some((c) => c.r0 <= r && c.r1 > r && c.words.length && c.r1 - c.r0 === 1)) continue;
      grid = dropRow(grid, r); again = true; break;
    }
    if (again) continue;
    for (let k = 0; k < nc && nc > 1; k++) {
      if (grid.xs[k + 1] - grid.xs[k] > 4) continue;
      if (grid.cells.some((c) => c.c0 <= k && c.c1 > k && c.words.length && c.c1 - c.c0 === 1)) continue;
      grid = dropCol(grid, k); again = true; break;
    }
  }
  return grid;
}

function dropRow(g: Grid, r: number): Grid {
  const last = r === g.ys.length - 2;
  const ys = g.ys.filter((_, i) => i !== (last ? r : r + 1));
  const f = (e: number) => (e <= r ? e : e - 1);
  const cells = g.cells
    .map((c) => ({ ...c, r0: f(c.r0), r1: f(c.r1) }))
    .filter((c) => c.r1 > c.r0 || c.words.length)
    .map((c) => (c.r1 > c.r0 ? c : { ...c, r1: c.r0 + 1 }));
  return { ...g, ys, cells };
}

function dropCol(g: Grid, k: number): Grid {
  const last = k === g.xs.length - 2;
  const xs = g.xs.filter((_, i) => i !== (last ? k : k + 1));
  const f = (e: number) => (e <= k ? e : e - 1);
  const cells = g.cells
    .map((c) => ({ ...c, c0: f(c.c0), c1: f(c.c1) }))
    .filter((c) => c.c1 > c.c0 || c.words.length)
    .map((c) => (c.c1 > c.c0 ? c : { ...c, c1: c.c0 + 1 }));
  return { ...g, xs, cells };
}
