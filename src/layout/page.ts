/**
 * One page through the per-page stages: tables claim their words first, the rest becomes lines and
 * blocks, figures and tables join them, and everything is put in reading order.
 */
import type { Block, Page, SourcePage } from '../model/document.js';
import { detectTables, type TableCandidate } from './tables/index.js';
import { buildLines } from './lines.js';
import { buildBlocks } from './blocks.js';
import { readingOrder } from './order.js';
import { toLocal } from './geometry.js';
import { absorbFigureLabels, figureBlocks, markCaptions } from './figures.js';
import { normalizeText, type Vocabulary } from './text.js';

export interface PageLayoutResult {
  page: Page;
  warnings: string[];
}

function tableText(c: TableCandidate): string {
  return c.table.cells.map((x) => x.text).filter(Boolean).join(' ');
}

export interface PageLayoutOptions {
  /** The document's words (see text.ts), for telling line-end hyphens from compound hyphens. */
  vocabulary?: Vocabulary;
}

export function layoutPage(sp: SourcePage, opts: PageLayoutOptions = {}): PageLayoutResult {
  const warnings: string[] = [];
  let tables: TableCandidate[] = [];
  try {
    tables = detectTables(sp);
  } catch (e) {
    // A table detector failure costs the tables of this page, not the page.
    warnings.push(`page ${sp.number}: table detection failed (${e instanceof Error ? e.message : String(e)})`);
  }
  const claimed = new Set<number>();
  const blocks: Block[] = [];
  for (const t of tables) {
    for (const i of t.wordIndices) claimed.add(i);
    // Cell text gets the same normalisation as running text (ligatures, odd spaces, lam-alef order).
    for (const c of t.table.cells) c.text = normalizeText(c.text).replace(/ {2,}/g, ' ').trim();
    blocks.push({ type: 'table', text: tableText(t), bbox: t.bbox, table: t.table });
    if (t.caption) {
      for (const i of t.caption.wordIndices) claimed.add(i);
      blocks.push({ type: 'caption', text: t.caption.text, bbox: t.caption.bbox });
    }
  }
  const figures = figureBlocks(sp);
  absorbFigureLabels(figures, sp.words, claimed);
  const words = claimed.size ? sp.words.filter((_, i) => !claimed.has(i)) : sp.words;
  const textBlocks = buildBlocks(buildLines(words), { vocabulary: opts.vocabulary });
  markCaptions(textBlocks);
  blocks.push(...textBlocks, ...figures);
  let rtlChars = 0, chars = 0;
  const byAngle = new Map<number, number>();
  for (const w of words) {
    chars += w.text.length;
    if (w.dir === 'rtl') rtlChars += w.text.length;
    byAngle.set(w.angle ?? 0, (byAngle.get(w.angle ?? 0) ?? 0) + w.text.length);
  }
  // A page whose text mostly runs sideways is read in that text's own frame.
  let angle = 0;
  for (const [a, n] of byAngle) if (n > (byAngle.get(angle) ?? 0)) angle = a;
  const boxes = blocks.map((b) => ({ bbox: angle ? toLocal(b.bbox, angle) : b.bbox, size: b.lines?.length ? b.lines[0].fontSize : undefined }));
  const order = readingOrder(boxes, { rtl: rtlChars * 2 > chars });
  const ordered = order.map((i, k) => {
    const b = blocks[i];
    b.order = k;
    if (sp.source !== 'text') b.source = sp.source;
    return b;
  });
  const page: Page = { number: sp.number, width: sp.width, height: sp.height, rotation: sp.rotation, source: sp.source, blocks: ordered };
  if (sp.notes?.length) page.notes = [...sp.notes];
  return { page, warnings };
}
