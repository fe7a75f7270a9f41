import type { BBox, Page, SourcePage, Table } from '../../model/document.js';
import { isHorizontal } from './geometry.js';
import type { Grid } from './grid.js';
import { gridToTable } from './grid.js';
import { connectedGroups, mergeRules } from './rules.js';
import { ruledGrid } from './ruled.js';
import { borderlessTables } from './borderless.js';
import { findCaption } from './caption.js';
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
  const words = page.words;
  if (words.length < 4) return [];
  const free = new Set<number>();
  words.forEach((w, i) => { if (isHorizontal(w) && w.text.trim()) free.add(i); });
  const found: { grid: Grid; words: number[]; method: Table['method'] }[] = [];

  const segs = mergeRules(page.rules ?? []);
  if (segs.length) {
    const groups = connectedGroups(segs);
    for (const g of groups) {
      const res = ruledGrid(g, words, [...free]);
      if (!res || !acceptRuled(res.grid)) continue;
      found.push({ grid: res.grid, words: res.words, method: 'ruled' });
      for (const i of res.words) free.delete(i);
    }
  }
  for (const t of borderlessTables(page, [...free], segs)) {
    found.push({ grid: t.grid, words: t.words, method: 'borderless' });
    for (const i of t.words) free.delete(i);
  }

  const out: TableCandidate[] = [];
  for (const f of found) {
    const table = gridToTable(words, f.grid, f.method);
    const bbox = { x0: f.grid.xs[0], y0: f.grid.ys[0], x1: f.grid.xs[f.grid.xs.length - 1], y1: f.grid.ys[f.grid.ys.length - 1] };
    const cand: TableCandidate = { bbox, table, wordIndices: f.words.slice().sort((a, b) => a - b) };
    const caption = findCaption(page, bbox, free);
    if (caption) {
      cand.caption = caption;
      for (const i of caption.wordIndices) free.delete(i);
    }
    out.push(cand);
  }
  out.sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  return out;
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
