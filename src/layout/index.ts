/**
 * The layout pipeline over a whole document: per-page stages, then the stages that need every page
 * (furniture repeats across pages; heading levels compare sizes across the document), then lists.
 */
import type { Page, SourcePage } from '../model/document.js';
import { layoutPage } from './page.js';
import { markFurniture } from './furniture.js';
import { bodyStyleOfWords, classifyHeadings } from './headings.js';
import { classifyLists } from './lists.js';
import { mergeContinuedTables } from './tables/index.js';
import { buildVocabulary } from './text.js';

function* wordTexts(sources: readonly SourcePage[]): Iterable<string> {
  for (const s of sources) for (const w of s.words) yield w.text;
}

export interface LayoutOptions {
  mergeTables?: boolean;
}

export function layoutDocument(sources: readonly SourcePage[], opts: LayoutOptions = {}): { pages: Page[]; warnings: string[] } {
  const warnings: string[] = [];
  const vocabulary = buildVocabulary(wordTexts(sources));
  const pages = sources.map((sp) => {
    const r = layoutPage(sp, { vocabulary });
    warnings.push(...r.warnings);
    return r.page;
  });
  finishDocument(pages, { ...opts, body: bodyStyleOfWords(sources.flatMap((s) => s.words)) }, warnings);
  return { pages, warnings };
}

/** The cross-page stages, for callers that lay pages out one at a time. */
export function finishDocument(pages: Page[], opts: LayoutOptions & { body?: { size: number; font: string } | null }, warnings: string[]): void {
  markFurniture(pages);
  classifyHeadings(pages, opts.body);
  for (const p of pages) classifyLists(p.blocks);
  if (opts.mergeTables !== false) {
    try {
      mergeContinuedTables(pages);
    } catch (e) {
      warnings.push(`merging continued tables failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }
}

export { layoutPage } from './page.js';
export { buildLines } from './lines.js';
export { buildBlocks } from './blocks.js';
export { readingOrder } from './order.js';
export { classifyHeadings, bodyFontSize } from './headings.js';
export { classifyLists, parseListMarker } from './lists.js';
export { markFurniture } from './furniture.js';
