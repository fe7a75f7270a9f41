import type { BBox, Page, Region, Rule, SourcePage, Table, Word } from '../../model/document.js';
import { isHorizontal, unionBox } from './geometry.js';
import type { Grid } from './grid.js';
import { cellText, gridToTable } from './grid.js';
import { connectedGroups, mergeRules } from './rules.js';
import { ruledGrid } from './ruled.js';
import { borderlessTables } from './borderless.js';
import { CAPTION_RE, findCaption, nearFigureCaption } from './caption.js';
import { mergeContinued } from './merge.js';

/** A table found on one page: its structure and which of the page's words it took. */
export interface TableCandidate {
  bbox: BBox;
  table: Table;
  /** Indices into `page.words` of the words inside the table (they are not emitted as text again). */
  wordIndices: number[];
  /** Caption/title text found next to the table, if any (kept outside the table). */
  caption?: { text: string; bbox: BBox; wordIndices: number[] };
}

/**
 * Finds tables on one page from its words and ruling lines: ruled tables from the grid of rules,
 * then borderless ones from text alignment (with horizontal rules as hints) among the words left.
 * Works on words with boxes only, so OCR pages use it too.
 */
export function detectTables(page: SourcePage): TableCandidate[] {
  if (page.words.length < 4) return [];
  // Text set sideways (landscape tables on portrait pages) is read in its own frame.
  const byAngle = new Map<number, number>();
  for (const w of page.words) {
    const a = quarterAngle(w.angle ?? 0);
    if (a !== undefined) byAngle.set(a, (byAngle.get(a) ?? 0) + 1);
  }
  const out: TableCandidate[] = [];
  for (const [angle, n] of byAngle) {
    if (n < 4) continue;
    if (angle === 0) out.push(...detectUpright(page));
    else out.push(...detectUpright(rotatePage(page, angle)).map((t) => rotateCandidate(t, (360 - angle) % 360)));
  }
  out.sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  return out;
}

function quarterAngle(a: number): number | undefined {
  const n = ((Math.round(a) % 360) + 360) % 360;
  for (const q of [0, 90, 180, 270]) if (Math.abs(n - q) < 3 || Math.abs(n - q - 360) < 3) return q;
  return undefined;
}

/** Page space to the frame of text at `angle` (0/90/180/270): there it runs left to right. */
function rotBox(b: BBox, angle: number): BBox {
  const pts = [[b.x0, b.y0], [b.x1, b.y1]].map(([x, y]) => rotPoint(x, y, angle));
  return { x0: Math.min(pts[0][0], pts[1][0]), y0: Math.min(pts[0][1], pts[1][1]), x1: Math.max(pts[0][0], pts[1][0]), y1: Math.max(pts[0][1], pts[1][1]) };
}

function rotPoint(x: number, y: number, angle: number): [number, number] {
  switch (angle) {
    case 90: return [-y, x];
    case 180: return [-x, -y];
    case 270: return [y, -x];
    default: return [x, y];
  }
}

function rotatePage(page: SourcePage, angle: number): SourcePage {
  const words: Word[] = page.words.map((w) => {
    if (quarterAngle(w.angle ?? 0) !== angle) return { ...w, angle: 45 };
    const bbox = rotBox(w.bbox, angle);
    return { ...w, bbox, angle: 0, baseline: bbox.y1 - 0.2 * (bbox.y1 - bbox.y0) };
  });
  const rules: Rule[] = page.rules.map((r) => {
    const b = rotBox({ x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1 }, angle);
    const o: Rule['orientation'] = angle === 180 ? r.orientation : r.orientation === 'h' ? 'v' : 'h';
    return { ...b, orientation: o, width: r.width };
  });
  const regions: Region[] = page.regions.map((g) => ({ ...g, bbox: rotBox(g.bbox, angle) }));
  const size = rotBox({ x0: 0, y0: 0, x1: page.width, y1: page.height }, angle);
  return { ...page, words, rules, regions, width: size.x1 - size.x0, height: size.y1 - size.y0 };
}

function rotateCandidate(t: TableCandidate, back: number): TableCandidate {
  const table: Table = { ...t.table, cells: t.table.cells.map((c) => (c.bbox ? { ...c, bbox: rotBox(c.bbox, back) } : c)) };
  const out: TableCandidate = { ...t, bbox: rotBox(t.bbox, back), table };
  if (t.caption) out.caption = { ...t.caption, bbox: rotBox(t.caption.bbox, back) };
  return out;
}

function detectUpright(page: SourcePage): TableCandidate[] {
  const words = page.words;
  const free = new Set<number>();
  words.forEach((w, i) => {
    const b = w.bbox;
    if (isHorizontal(w) && w.text.trim() && Number.isFinite(b.x0 + b.y0 + b.x1 + b.y1)) free.add(i);
  });
  if (free.size < 4) return [];
  const found: { grid: Grid; words: number[]; method: Table['method'] }[] = [];
  // Pages drawn with thousands of strokes (maps, plots, hatching) are not ruled tables; their rules
  // would only cost time.
  const segs = (page.rules?.length ?? 0) > MAX_RULES ? [] : mergeRules(page.rules ?? []);
  // Boxes drawn with rules that are not tables (chart frames, text boxes): aligned text inside them
  // (bar values, axis labels) is not a borderless table either. A frame round the whole page is not one.
  const boxes: BBox[] = [];
  if (segs.length) {
    const groups = connectedGroups(segs);
    for (const g of groups) {
      const res = ruledGrid(g, words, [...free]);
      if (!res || !acceptRuled(res.grid)) {
        const b = g.bbox;
        if (g.h.length >= 2 && g.v.length >= 2 && (b.x1 - b.x0) * (b.y1 - b.y0) < 0.6 * page.width * page.height) boxes.push(b);
        continue;
      }
      found.push({ grid: res.grid, words: res.words, method: 'ruled' });
      for (const i of res.words) free.delete(i);
    }
  }
  for (const t of borderlessTables(page, [...free], segs)) {
    const tb = { x0: t.grid.xs[0], y0: t.grid.ys[0], x1: t.grid.xs[t.grid.xs.length - 1], y1: t.grid.ys[t.grid.ys.length - 1] };
    if (boxes.reduce((sum, b) => sum + overlapArea(tb, b), 0) > 0.6 * area(tb)) continue;
    found.push({ grid: t.grid, words: t.words, method: 'borderless' });
    for (const i of t.words) free.delete(i);
  }

  const out: TableCandidate[] = [];
  for (const f of found) {
    // A "Table N ..." title drawn inside the frame, across the whole first row, is the caption.
    const title = titleRow(f.grid, words);
    if (title) {
      f.grid = title.grid;
      f.words = f.words.filter((i) => !title.words.includes(i));
    }
    const table = gridToTable(words, f.grid, f.method);
    const bbox = { x0: f.grid.xs[0], y0: f.grid.ys[0], x1: f.grid.xs[f.grid.xs.length - 1], y1: f.grid.ys[f.grid.ys.length - 1] };
    const cand: TableCandidate = { bbox, table, wordIndices: f.words.slice().sort((a, b) => a - b) };
    const caption = title ? captionOf(words, title.words) : findCaption(page, bbox, free);
    // A grid or aligned numbers under "Figure N" is a chart (bars, axes, value labels).
    if (!caption && nearFigureCaption(page, bbox)) {
      for (const i of f.words) free.add(i);
      continue;
    }
    if (caption) {
      cand.caption = caption;
      for (const i of caption.wordIndices) free.delete(i);
    }
    out.push(cand);
  }
  return out;
}

const MAX_RULES = 5000;

function titleRow(g: Grid, words: Word[]): { grid: Grid; words: number[] } | undefined {
  const rows = g.ys.length - 1, cols = g.xs.length - 1;
  if (rows < 3) return undefined;
  const first = g.cells.filter((c) => c.r0 === 0 && c.words.length);
  if (first.length !== 1 || first[0].c0 !== 0 || first[0].c1 !== cols || first[0].r1 !== 1) return undefined;
  if (!CAPTION_RE.test(cellText(words, first[0].words))) return undefined;
  const cells = g.cells.filter((c) => c.r0 > 0 || c.r1 > 1).map((c) => ({ ...c, r0: Math.max(0, c.r0 - 1), r1: c.r1 - 1 }));
  return { grid: { ...g, ys: g.ys.slice(1), cells, headerRows: Math.max(0, g.headerRows - 1) }, words: first[0].words };
}

function captionOf(words: Word[], idx: number[]): TableCandidate['caption'] {
  const b = unionBox(idx.map((i) => words[i].bbox));
  return { text: cellText(words, idx), bbox: b, wordIndices: idx.slice().sort((x, y) => x - y) };
}

function area(b: BBox): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

function overlapArea(a: BBox, b: BBox): number {
  return Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
}

function acceptRuled(g: Grid): boolean {
  const rows = g.ys.length - 1, cols = g.xs.length - 1;
  if (rows < 2 || cols < 2) return false;
  const filled = g.cells.filter((c) => c.words.length).length;
  return filled >= 3;
}

/**
 * Merges a table continued at the top of the next page into the table at the bottom of the page
 * before (same column count and positions; a repeated header row is dropped). Works in place on the
 * pages' blocks.
 */
export function mergeContinuedTables(pages: Page[]): void {
  mergeContinued(pages);
}
