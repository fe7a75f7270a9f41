import type { BBox, Page, SourcePage, Table } from '../../model/document.js';

/** A table found on one page: its structure and which of the page's words it took. */
export interface TableCandidate {
  bbox: BBox;
  table: Table;
  /** Indices into `page.words` of the words inside the table (they are not emitted as text again). */
  wordIndices: number[];
  /** Caption/title text found next to the table, if any (kept outside the table). */
  caption?: { text: string; bbox: BBox; wordIndices: number[] };
}

/** STUB: replaced by the tables work (issue 3). Works on words with boxes, so OCR pages use it too. */
export function detectTables(page: SourcePage): TableCandidate[] {
  void page;
  return [];
}

/** STUB: merges a table continued on the next page into the first (in place). */
export function mergeContinuedTables(pages: Page[]): void {
  void pages;
}
