import type { Block, Page, Table, TableCell } from '../../model/document.js';

/** Blocks that may sit between a table and the page edge without breaking a continuation. */
const FURNITURE = new Set(['page-header', 'page-footer', 'page-number', 'footnote']);

function columnEdges(t: Table): number[] | undefined {
  const edges: number[] = new Array(t.cols + 1).fill(NaN);
  for (const c of t.cells) {
    if (!c.bbox) return undefined;
    if (Number.isNaN(edges[c.col])) edges[c.col] = c.bbox.x0;
    if (Number.isNaN(edges[c.col + c.colSpan])) edges[c.col + c.colSpan] = c.bbox.x1;
  }
  return edges.some((e) => Number.isNaN(e)) ? undefined : edges;
}

function sameColumns(a: Table, b: Table, pageWidth: number): boolean {
  if (a.cols !== b.cols) return false;
  const ea = columnEdges(a), eb = columnEdges(b);
  if (!ea || !eb) return true;
  // Positions may shift a little between pages; interior edges must line up.
  const tol = Math.max(6, 0.02 * pageWidth);
  let off = 0;
  for (let k = 1; k < ea.length - 1; k++) if (Math.abs(ea[k] - eb[k]) > tol) off++;
  return off <= Math.floor((ea.length - 2) / 4);
}

function rowTexts(t: Table, row: number): string[] {
  return t.cells.filter((c) => c.row === row).sort((x, y) => x.col - y.col).map((c) => c.text.replace(/\s+/g, ' ').trim().toLowerCase());
}

function lastContentBlock(p: Page): number {
  for (let i = p.blocks.length - 1; i >= 0; i--) if (!p.blocks[i].furniture && !FURNITURE.has(p.blocks[i].type)) return i;
  return -1;
}

function firstContentBlock(p: Page): number {
  for (let i = 0; i < p.blocks.length; i++) if (!p.blocks[i].furniture && !FURNITURE.has(p.blocks[i].type)) return i;
  return -1;
}

/** Number of leading rows of `b` that repeat the header of `a`. */
function repeatedHeaderRows(a: Table, b: Table): number {
  const n = Math.max(a.headerRows, 1);
  for (let h = n; h >= 1; h--) {
    if (h > b.rows) continue;
    let same = true;
    for (let r = 0; r < h && same; r++) same = rowTexts(a, r).join('|') === rowTexts(b, r).join('|') && rowTexts(a, r).some((x) => x);
    if (same) return h;
  }
  return 0;
}

/** Appends `b`'s rows to `a` (dropping `skip` leading rows of `b`). */
function appendRows(a: Table, b: Table, skip: number): void {
  const offset = a.rows - skip;
  const cells: TableCell[] = b.cells
    .filter((c) => c.row >= skip)
    .map((c) => ({ ...c, row: c.row + offset, header: false }));
  a.cells.push(...cells);
  a.rows += b.rows - skip;
  if (a.method !== b.method) a.method = 'mixed';
}

function tableText(t: Table): string {
  const rows: string[] = [];
  for (let r = 0; r < t.rows; r++) rows.push(t.cells.filter((c) => c.row === r).sort((x, y) => x.col - y.col).map((c) => c.text).join(' | '));
  return rows.join('\n');
}

/**
 * A table that ends page N (only furniture after it) and a table that starts page N+1 (only
 * furniture before it) with the same columns are one table: the second is appended to the first,
 * without its repeated header rows, and removed from page N+1. Chains over several pages.
 */
export function mergeContinued(pages: Page[]): void {
  let open: { block: Block; width: number; number: number; first: number } | undefined;
  for (const page of pages) {
    let merged = false;
    if (open && page.number === open.number + 1 && open.block.table) {
      const ib = firstContentBlock(page);
      const B = ib >= 0 ? page.blocks[ib] : undefined;
      if (B && B.type === 'table' && B.table && sameColumns(open.block.table, B.table, open.width)) {
        const A = open.block.table;
        const skip = repeatedHeaderRows(A, B.table);
        appendRows(A, B.table, skip);
        A.pages = [...new Set([...(A.pages ?? [open.first]), ...(B.table.pages ?? [page.number])])].sort((x, y) => x - y);
        open.block.text = tableText(A);
        page.blocks.splice(ib, 1);
        merged = true;
      }
    }
    const ia = lastContentBlock(page);
    if (ia >= 0) {
      const A = page.blocks[ia];
      open = A.type === 'table' && A.table ? { block: A, width: page.width, number: page.number, first: page.number } : undefined;
    } else if (merged && open) {
      open.number = page.number;
    } else {
      open = undefined;
    }
  }
}
