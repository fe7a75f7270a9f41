/**
 * The document model as JSON for programs: pages → blocks with type, text, bbox (top-left page space,
 * points for PDFs, pixels for images), heading level, list marker/depth, furniture flag, and for tables
 * the cell grid with spans and cell boxes. Furniture is always included here, flagged.
 */
import type { Block, DocumentModel, TableCell } from '../model/document.js';
import { roundBox } from '../layout/geometry.js';

export interface JsonBlock {
  type: Block['type'];
  text: string;
  bbox: Block['bbox'];
  level?: number;
  ordered?: boolean;
  marker?: string;
  depth?: number;
  furniture?: boolean;
  dir?: 'rtl';
  source?: string;
  table?: {
    rows: number;
    cols: number;
    headerRows: number;
    method: string;
    pages?: number[];
    cells: (Omit<TableCell, 'bbox'> & { bbox?: Block['bbox'] })[];
  };
}

export interface JsonDocument {
  kind: DocumentModel['kind'];
  mime: string;
  pageCount: number;
  metadata: DocumentModel['metadata'];
  pages: { number: number; width: number; height: number; rotation: number; source: string; notes?: string[]; blocks: JsonBlock[] }[];
}

function jsonBlock(b: Block): JsonBlock {
  const o: JsonBlock = { type: b.type, text: b.text, bbox: roundBox(b.bbox) };
  if (b.level !== undefined) o.level = b.level;
  if (b.type === 'list-item') { o.ordered = !!b.ordered; o.marker = b.marker; o.depth = b.depth ?? 0; }
  if (b.furniture) o.furniture = true;
  if (b.dir === 'rtl') o.dir = 'rtl';
  if (b.source) o.source = b.source;
  if (b.table) {
    const t = b.table;
    o.table = {
      rows: t.rows, cols: t.cols, headerRows: t.headerRows, method: t.method,
      cells: t.cells.map(({ bbox, ...c }) => (bbox ? { ...c, bbox: roundBox(bbox) } : c)),
    };
    if (t.pages) o.table.pages = t.pages;
  }
  return o;
}

export function toJsonDocument(doc: DocumentModel): JsonDocument {
  return {
    kind: doc.kind,
    mime: doc.mime,
    pageCount: doc.pageCount,
    metadata: doc.metadata,
    pages: doc.pages.map((p) => ({
      number: p.number, width: Math.round(p.width * 100) / 100, height: Math.round(p.height * 100) / 100, rotation: p.rotation, source: p.source,
      ...(p.notes?.length ? { notes: p.notes } : {}),
      blocks: p.blocks.map(jsonBlock),
    })),
  };
}

export function renderJson(doc: DocumentModel, opts: { pretty?: boolean } = {}): string {
  return JSON.stringify(toJsonDocument(doc), null, opts.pretty === false ? undefined : 2);
}
