/**
 * The document model: plain data that flows from sources (pdf text layer, OCR) through the layout
 * stages to the renderers. Nothing here references pdf.js, tesseract or any runtime.
 *
 * Coordinates: every box is in the page's own space after rotation is applied, origin at the top-left,
 * y growing downwards, in PDF points for PDF pages and in pixels for images.
 */

export interface BBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type TextDirection = 'ltr' | 'rtl';

/** One word (or glyph run without internal spaces) as a source produced it. */
export interface Word {
  text: string;
  bbox: BBox;
  /** Font size in the page's units (the glyph height for OCR words). */
  fontSize: number;
  fontName?: string;
  bold?: boolean;
  italic?: boolean;
  monospace?: boolean;
  /** Baseline y in page space; defaults to bbox.y1. */
  baseline?: number;
  dir?: TextDirection;
  /** Rotation of the text relative to the page, in degrees (0 = horizontal, 90 = bottom-to-top...). */
  angle?: number;
  /** OCR confidence 0..100; absent for text-layer words. */
  confidence?: number;
  /** True when the source saw a space (or a gap) after this word on the same line. */
  spaceAfter?: boolean;
}

/** A straight ruling segment (table border, underline, separator) from the page's vector graphics. */
export interface Rule {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Horizontal or vertical; thin filled rectangles are reported as rules too. */
  orientation: 'h' | 'v';
  /** Stroke width (or rectangle thickness). */
  width: number;
}

/** Filled/stroked rectangle regions that are not thin enough to be rules (cell shading, boxes). */
export interface Region {
  bbox: BBox;
  kind: 'image' | 'fill';
}

export type PageSource = 'text' | 'ocr' | 'empty';

/** What a source hands to the layout stages for one page. */
export interface SourcePage {
  /** 1-based page number in the original document. */
  number: number;
  width: number;
  height: number;
  /** Rotation the source applied to bring the page upright (0/90/180/270). */
  rotation: number;
  source: PageSource;
  words: Word[];
  rules: Rule[];
  regions: Region[];
  /** Why a page is empty or how it was OCR'd, e.g. "no text layer", "ocr: unmapped glyphs". */
  notes?: string[];
}

export interface Line {
  words: Word[];
  bbox: BBox;
  text: string;
  fontSize: number;
  dir?: TextDirection;
  /** Rotation of the line's text (as Word.angle); absent for horizontal text. */
  angle?: number;
}

export type BlockType =
  | 'heading'
  | 'paragraph'
  | 'list-item'
  | 'table'
  | 'figure'
  | 'caption'
  | 'code'
  | 'formula'
  | 'footnote'
  | 'page-header'
  | 'page-footer'
  | 'page-number';

export interface TableCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  text: string;
  bbox?: BBox;
  header?: boolean;
}

export interface Table {
  rows: number;
  cols: number;
  /** Only the top-left cell of a span is listed; covered positions are absent. */
  cells: TableCell[];
  /** Number of leading header rows. */
  headerRows: number;
  /** How the structure was found. */
  method: 'ruled' | 'borderless' | 'mixed';
  /** Pages this table spans when a continuation was merged into it. */
  pages?: number[];
}

export interface Block {
  type: BlockType;
  /** Plain text of the block (for tables: cell texts joined, for figures: alt/placeholder). */
  text: string;
  bbox: BBox;
  /** Heading level 1-6. */
  level?: number;
  /** List items: ordered or not, the marker as printed and the nesting depth (0-based). */
  ordered?: boolean;
  marker?: string;
  depth?: number;
  /** Running header/footer/page number: kept in JSON, dropped from Markdown by default. */
  furniture?: boolean;
  table?: Table;
  lines?: Line[];
  /** Position in reading order on the page (0-based). */
  order?: number;
  dir?: TextDirection;
  source?: PageSource;
}

export interface Page {
  number: number;
  width: number;
  height: number;
  rotation: number;
  source: PageSource;
  blocks: Block[];
  notes?: string[];
}

export type DocumentKind = 'pdf' | 'image';

export interface DocumentMetadata {
  title?: string;
  author?: string;
  subject?: string;
  creator?: string;
  producer?: string;
  language?: string;
}

export interface DocumentModel {
  kind: DocumentKind;
  mime: string;
  /** Pages in the original document (not only the parsed ones). */
  pageCount: number;
  pages: Page[];
  metadata: DocumentMetadata;
}
