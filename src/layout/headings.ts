/**
 * Stage 4: headings and their levels, decided over the whole document: a short block set larger than the
 * body text, or bold at body size and standing alone, or numbered like a section ("2.1 Scope") in a
 * heading style. Levels rank the heading styles by size (bold above regular at the same size); section
 * numbers, when present, decide the level instead. Level 1 is kept for a single title.
 */
import type { Block, Page, Word } from '../model/document.js';
import { blockStyle } from './blocks.js';
import { parseListMarker } from './lists.js';

const CAPTION_RE = /^(figure|fig\.|table|tab\.|listing|chart|image|source|note)\s*[\dIVX]/i;
const NUMBERED_RE = /^((\d{1,2})(\.\d{1,2}){0,4})\.?\s+\S/u;

const sizeKey = (size: number) => Math.round(size * 2) / 2;

/** The size (and the font) most characters of the document are set in. */
export function bodyStyle(pages: readonly Page[]): { size: number; font: string } {
  const hist = new Map<number, number>();
  const fonts = new Map<string, number>();
  for (const p of pages) for (const b of p.blocks) {
    if (b.furniture || (b.type !== 'paragraph' && b.type !== 'list-item')) continue;
    for (const l of b.lines ?? []) for (const w of l.words) {
      const k = sizeKey(w.fontSize);
      hist.set(k, (hist.get(k) ?? 0) + w.text.length);
      const f = w.fontName ?? '';
      fonts.set(f, (fonts.get(f) ?? 0) + w.text.length);
    }
  }
  let best = 0, bestN = -1;
  for (const [k, n] of hist) if (n > bestN || (n === bestN && k < best)) { best = k; bestN = n; }
  let font = '', fontN = -1;
  for (const [f, n] of fonts) if (n > fontN) { font = f; fontN = n; }
  return { size: best || 10, font };
}

export function bodyFontSize(pages: readonly Page[]): number {
  return bodyStyle(pages).size;
}

export interface HeadingCandidate {
  block: Block;
  size: number;
  bold: boolean;
  numbering?: number;
}

export function isHeadingLike(block: Block, body: number, bodyFont = ''): HeadingCandidate | null {
  if (block.type !== 'paragraph' || block.furniture) return null;
  const text = block.text.trim();
  const lines = block.lines?.length ?? 1;
  if (!text || text.length > 200 || lines > 4) return null;
  if (!/\p{L}/u.test(text)) return null;
  if (CAPTION_RE.test(text)) return null;
  if (parseListMarker(text)?.ordered === false) return null;
  const st = blockStyle(block);
  const larger = st.size >= body * 1.12 && st.size >= body + 0.8;
  const bold = st.bold >= 0.8 && st.size >= body * 0.92;
  const num = text.match(NUMBERED_RE);
  const endsLikeSentence = /[.;,]$/.test(text) && !/\.\.\.$/.test(text);
  if (larger && text.length <= 160 && !(endsLikeSentence && lines > 1)) {
    return { block, size: st.size, bold: st.bold >= 0.8, numbering: num ? num[1].split('.').length : undefined };
  }
  // A short line in another typeface, a little larger than the body: a heading in a sans/serif contrast.
  if (bodyFont && st.font && st.font !== bodyFont && st.size >= body * 1.05 && lines === 1 && text.length <= 100 && !endsLikeSentence && !/:$/.test(text)) {
    return { block, size: st.size, bold: st.bold >= 0.8, numbering: num ? num[1].split('.').length : undefined };
  }
  // A short italic line standing alone at body size: a run-in section title.
  if (st.italic >= 0.9 && lines === 1 && text.length <= 80 && st.size >= body * 0.95 && !endsLikeSentence && !/[:)\]]$/.test(text) && /^[\p{Lu}\d]/u.test(text)) {
    return { block, size: st.size, bold: false, numbering: undefined };
  }
  if (bold && lines <= 2 && text.length <= 120 && !endsLikeSentence && !/:$/.test(text)) {
    return { block, size: st.size, bold: true, numbering: num ? num[1].split('.').length : undefined };
  }
  return null;
}

/** Body style from all words of the source pages (table text included: it is set in the body font). */
export function bodyStyleOfWords(words: Iterable<Word>): { size: number; font: string } | null {
  const hist = new Map<number, number>();
  const fonts = new Map<string, number>();
  let total = 0;
  for (const w of words) {
    const n = w.text.length;
    total += n;
    const k = sizeKey(w.fontSize);
    hist.set(k, (hist.get(k) ?? 0) + n);
    fonts.set(w.fontName ?? '', (fonts.get(w.fontName ?? '') ?? 0) + n);
  }
  if (!total) return null;
  let size = 0, sizeN = -1, font = '', fontN = -1;
  for (const [k, n] of hist) if (n > sizeN || (n === sizeN && k < size)) { size = k; sizeN = n; }
  for (const [f, n] of fonts) if (n > fontN) { font = f; fontN = n; }
  return { size, font };
}

export function classifyHeadings(pages: readonly Page[], body0?: { size: number; font: string } | null): void {
  const { size: body, font: bodyFont } = body0 ?? bodyStyle(pages);
  const found: HeadingCandidate[] = [];
  for (const p of pages) {
    const blocks = p.blocks.filter((b) => !b.furniture);
    for (let i = 0; i < blocks.length; i++) {
      const h = isHeadingLike(blocks[i], body, bodyFont);
      if (!h) continue;
      // "1. Item" followed or preceded by more items in the same style is a list, not a heading.
      if (parseListMarker(blocks[i].text) && [blocks[i - 1], blocks[i + 1]].some((o) => o && parseListMarker(o.text) && sameStyle(o, blocks[i]))) continue;
      found.push(h);
    }
  }
  if (!found.length) return;
  // Heading styles, largest first; bold before regular at the same size.
  const styleKey = (h: HeadingCandidate) => `${sizeKey(h.size)}|${h.bold ? 1 : 0}`;
  const styles = [...new Set(found.map(styleKey))].sort((a, b) => {
    const [sa, ba] = a.split('|').map(Number), [sb, bb] = b.split('|').map(Number);
    return sb - sa || bb - ba;
  });
  const counts = new Map<string, number>();
  for (const h of found) counts.set(styleKey(h), (counts.get(styleKey(h)) ?? 0) + 1);
  const top = styles[0];
  const hasTitle = styles.length > 1 && counts.get(top) === 1 && sizeKey(found.find((h) => styleKey(h) === top)!.size) >= body * 1.4;
  for (const h of found) {
    const rank = styles.indexOf(styleKey(h));
    // Deep levels from many font sizes say little; four levels keep the outline readable.
    let level = Math.min(4, hasTitle ? (rank === 0 ? 1 : rank + 1) : rank + 2);
    if (h.numbering && !(hasTitle && rank === 0)) level = h.numbering + 1;
    h.block.type = 'heading';
    h.block.level = Math.max(1, Math.min(6, level));
  }
}

function sameStyle(a: Block, b: Block): boolean {
  const x = blockStyle(a), y = blockStyle(b);
  return Math.abs(x.size - y.size) < 0.6 && Math.abs(x.bold - y.bold) < 0.5;
}
