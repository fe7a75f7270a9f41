import type { DocumentModel } from './document.js';

export type OutputFormat = 'md' | 'json' | 'text';
export type OcrMode = 'auto' | 'always' | 'never';

/** Options a caller may set per document. Every field is optional; defaults live in `resolveParseOptions`. */
export interface ParseOptions {
  /** Page selection such as "1-3,7" (1-based, inclusive). */
  pages?: string;
  /** Keep running headers/footers/page numbers in Markdown and text output. */
  keepFurniture?: boolean;
  /** Emit `<!-- page N -->` markers between pages in Markdown/text. */
  pageMarkers?: boolean;
  ocr?: OcrMode;
  /** Tesseract language codes, e.g. ["eng", "chi_tra"]. */
  languages?: string[];
  /** Merge a table continued on the next page into one table. */
  mergeTables?: boolean;
  /** Password for encrypted PDFs (the empty password is always tried first). */
  password?: string;
  /** A name to report (file name); never used to decide the file type. */
  filename?: string;
  /** Hard limits; the service config fills these in. */
  maxBytes?: number;
  maxPages?: number;
  /** Time budget for the whole document in milliseconds. */
  timeoutMs?: number;
  /** Maximum pixels of one decoded image or rendered page. */
  maxPixels?: number;
  signal?: AbortSignal;
}

export interface ResolvedParseOptions {
  pages?: string;
  keepFurniture: boolean;
  pageMarkers: boolean;
  ocr: OcrMode;
  languages: string[];
  mergeTables: boolean;
  password?: string;
  filename?: string;
  maxBytes: number;
  maxPages: number;
  timeoutMs: number;
  maxPixels: number;
  signal?: AbortSignal;
}

export const DEFAULT_PARSE_OPTIONS: Omit<ResolvedParseOptions, 'signal' | 'password' | 'filename' | 'pages'> = {
  keepFurniture: false,
  pageMarkers: true,
  ocr: 'auto',
  languages: ['eng'],
  mergeTables: true,
  maxBytes: 100 * 1024 * 1024,
  maxPages: 2000,
  timeoutMs: 120_000,
  maxPixels: 40_000_000,
};

export function resolveParseOptions(o: ParseOptions = {}): ResolvedParseOptions {
  const d = DEFAULT_PARSE_OPTIONS;
  return {
    pages: o.pages,
    keepFurniture: o.keepFurniture ?? d.keepFurniture,
    pageMarkers: o.pageMarkers ?? d.pageMarkers,
    ocr: o.ocr ?? d.ocr,
    languages: o.languages?.length ? o.languages : d.languages,
    mergeTables: o.mergeTables ?? d.mergeTables,
    password: o.password,
    filename: o.filename,
    maxBytes: o.maxBytes ?? d.maxBytes,
    maxPages: o.maxPages ?? d.maxPages,
    timeoutMs: o.timeoutMs ?? d.timeoutMs,
    maxPixels: o.maxPixels ?? d.maxPixels,
    signal: o.signal,
  };
}

export interface ParseStats {
  /** Pages parsed (after page selection). */
  pages: number;
  ocrPages: number;
  emptyPages: number;
  tables: number;
  elapsedMs: number;
}

/** What `parseDocument` returns: the model plus the renderings callers most often want. */
export interface ParseResult {
  document: DocumentModel;
  markdown: string;
  text: string;
  stats: ParseStats;
  warnings: string[];
}
