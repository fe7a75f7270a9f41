/** Hand-made word boxes and rules for the table stage's unit tests (page space, y down, points). */
import type { Rule, SourcePage, Word } from '../../src/model/document.js';

/** A word whose baseline is at `y`, starting at `x`; glyphs ~0.5 em wide like a proportional font. */
export function word(text: string, x: number, y: number, size = 10, extra: Partial<Word> = {}): Word {
  const w = text.length * 0.5 * size;
  return { text, bbox: { x0: x, y0: y - 0.8 * size, x1: x + w, y1: y + 0.2 * size }, fontSize: size, baseline: y, ...extra };
}

/** The words of a phrase laid out left to right from `x` with normal word spacing. */
export function phrase(text: string, x: number, y: number, size = 10, extra: Partial<Word> = {}): Word[] {
  const out: Word[] = [];
  let cx = x;
  for (const t of text.split(/\s+/).filter(Boolean)) {
    const w = word(t, cx, y, size, extra);
    out.push(w);
    cx = w.bbox.x1 + 0.28 * size;
  }
  return out;
}

/** A phrase whose right edge is at `x1` (numbers in right-aligned columns). */
export function phraseRight(text: string, x1: number, y: number, size = 10, extra: Partial<Word> = {}): Word[] {
  const probe = phrase(text, 0, y, size, extra);
  const width = probe[probe.length - 1].bbox.x1;
  return phrase(text, x1 - width, y, size, extra);
}

export function hRule(x0: number, x1: number, y: number, width = 0.5): Rule {
  return { x0, y0: y, x1, y1: y, orientation: 'h', width };
}

export function vRule(x: number, y0: number, y1: number, width = 0.5): Rule {
  return { x0: x, y0, x1: x, y1, orientation: 'v', width };
}

export function page(words: Word[], rules: Rule[] = [], number = 1): SourcePage {
  return { number, width: 612, height: 792, rotation: 0, source: 'text', words, rules, regions: [] };
}

/** Rows of cell texts as the table reports them (spanned positions absent). */
export function rowsOf(t: { rows: number; cells: { row: number; col: number; text: string }[] }): string[][] {
  const rows: string[][] = [];
  for (let r = 0; r < t.rows; r++) rows.push(t.cells.filter((c) => c.row === r).sort((a, b) => a.col - b.col).map((c) => c.text));
  return rows;
}
