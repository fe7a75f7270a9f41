/**
 * Tables as GFM pipe tables when every cell is a plain grid cell, or as HTML tables with colspan/rowspan
 * when cells are merged (GFM cannot express spans).
 */
import type { Table, TableCell } from '../model/document.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cellText = (s: string) => s.replace(/\s+/g, ' ').trim();

export function hasSpans(t: Table): boolean {
  return t.cells.some((c) => c.rowSpan > 1 || c.colSpan > 1);
}

/** The cell grid: grid[r][c] is the cell starting there, or null (covered by a span, or empty). */
export function tableGrid(t: Table): (TableCell | null)[][] {
  const grid: (TableCell | null)[][] = Array.from({ length: t.rows }, () => new Array<TableCell | null>(t.cols).fill(null));
  for (const c of t.cells) if (c.row < t.rows && c.col < t.cols) grid[c.row][c.col] = c;
  return grid;
}

/**
 * Compact GFM (`|a|b|`, no padding around the pipes), as pymupdf4llm writes them: the reader is a
 * language model, and the padding spaces cost tokens (a fifth of a bank statement's) and say nothing.
 */
export function renderPipeTable(t: Table, escape: (s: string) => string = (s) => s): string {
  const grid = tableGrid(t);
  const row = (cells: (TableCell | null)[]) =>
    '|' + cells.map((c) => escape(cellText(c?.text ?? '')).replace(/\|/g, '\\|')).join('|') + '|';
  const lines: string[] = [];
  if (!t.rows || !t.cols) return '';
  lines.push(row(grid[0]));
  lines.push('|' + new Array(t.cols).fill('---').join('|') + '|');
  for (let r = 1; r < t.rows; r++) lines.push(row(grid[r]));
  return lines.join('\n');
}

export function renderHtmlTable(t: Table): string {
  const covered = new Set<string>();
  for (const c of t.cells) {
    for (let r = c.row; r < c.row + c.rowSpan; r++) for (let k = c.col; k < c.col + c.colSpan; k++) if (r !== c.row || k !== c.col) covered.add(`${r},${k}`);
  }
  const grid = tableGrid(t);
  let html = '<table>';
  for (let r = 0; r < t.rows; r++) {
    html += '<tr>';
    for (let k = 0; k < t.cols; k++) {
      if (covered.has(`${r},${k}`)) continue;
      const c = grid[r][k];
      const tag = r < t.headerRows || c?.header ? 'th' : 'td';
      const attrs = (c && c.colSpan > 1 ? ` colspan="${c.colSpan}"` : '') + (c && c.rowSpan > 1 ? ` rowspan="${c.rowSpan}"` : '');
      html += `<${tag}${attrs}>${escapeHtml(cellText(c?.text ?? ''))}</${tag}>`;
    }
    html += '</tr>';
  }
  return html + '</table>';
}

export function renderTableMarkdown(t: Table, escape?: (s: string) => string): string {
  return hasSpans(t) ? renderHtmlTable(t) : renderPipeTable(t, escape);
}

/** Tab-separated rows, for plain-text output. */
export function renderTableText(t: Table): string {
  return tableGrid(t).map((cells) => cells.map((c) => cellText(c?.text ?? '')).join('\t')).join('\n');
}
