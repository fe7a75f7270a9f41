import type { BBox, SourcePage } from '../../model/document.js';
import { buildLines, wordsText } from './lines.js';
import type { TextLine } from './lines.js';

/** "Table 3:", "TABLE IV.", "Tab. 2", "Tableau 1", "Tabelle 2", "表 1". */
export const CAPTION_RE = /^(?:table|tab\.|tableau|tabelle|tabla|tabella|tabel|exhibit|表)\s*(?:[0-9]+|[ivxlc]+\b|[a-z]\b)(?:[.:\-–—)]|\s|$)/i;

/**
 * A caption/title line directly above or below the table, starting "Table N" and continuing over
 * the lines that follow it closely. Words are taken from `free` (not in any table).
 */
export function findCaption(page: SourcePage, bbox: BBox, free: Set<number>): { text: string; bbox: BBox; wordIndices: number[] } | undefined {
  const words = page.words;
  const width = bbox.x1 - bbox.x0;
  const near: number[] = [];
  for (const i of free) {
    const b = words[i].bbox;
    if (b.x1 < bbox.x0 - 0.25 * width || b.x0 > bbox.x1 + 0.25 * width) continue;
    const fs = words[i].fontSize || 10;
    if (b.y1 <= bbox.y0 + 2 && b.y1 >= bbox.y0 - 8 * fs) near.push(i);
    else if (b.y0 >= bbox.y1 - 2 && b.y0 <= bbox.y1 + 6 * fs) near.push(i);
  }
  if (!near.length) return undefined;
  const lines = buildLines(words, near, 3);
  const above = lines.filter((l) => l.y1 <= bbox.y0 + 2).sort((a, b) => b.y0 - a.y0);
  const below = lines.filter((l) => l.y0 >= bbox.y1 - 2).sort((a, b) => a.y0 - b.y0);
  // Above: walk up from the table through at most a few lines to the "Table N" line.
  for (let k = 0; k < Math.min(above.length, 4); k++) {
    const l = above[k];
    const prevY0 = k === 0 ? bbox.y0 : above[k - 1].y0;
    if (prevY0 - l.y1 > 3 * l.fontSize) break;
    if (CAPTION_RE.test(lineText(page, l))) return build(page, above.slice(0, k + 1).reverse());
  }
  if (below.length) {
    const l = below[0];
    if (l.y0 - bbox.y1 <= 3 * l.fontSize && CAPTION_RE.test(lineText(page, l))) {
      const taken = [l];
      for (let k = 1; k < Math.min(below.length, 4); k++) {
        const n = below[k];
        if (n.y0 - taken[taken.length - 1].y1 > 0.6 * n.fontSize) break;
        taken.push(n);
      }
      return build(page, taken);
    }
  }
  return undefined;
}

function lineText(page: SourcePage, l: TextLine): string {
  return wordsText(page.words, l.words).trim();
}

function build(page: SourcePage, lines: TextLine[]): { text: string; bbox: BBox; wordIndices: number[] } {
  const idx = lines.flatMap((l) => l.words);
  const text = lines.map((l) => lineText(page, l)).join(' ').replace(/\s+/g, ' ').trim();
  const bbox = {
    x0: Math.min(...lines.map((l) => l.x0)),
    y0: Math.min(...lines.map((l) => l.y0)),
    x1: Math.max(...lines.map((l) => l.x1)),
    y1: Math.max(...lines.map((l) => l.y1)),
  };
  return { text, bbox, wordIndices: idx };
}

export const FIGURE_RE = /^(?:figure|fig\.|chart|graph|abbildung|graphique|gráfico)\s*(?:[0-9]+|[ivxlc]+\b)/i;

/** A "Figure N" caption just above or below the area: what is drawn there is a chart, not a table. */
export function nearFigureCaption(page: SourcePage, bbox: BBox): boolean {
  const near: number[] = [];
  page.words.forEach((w, i) => {
    const b = w.bbox;
    const fs = w.fontSize || 10;
    if (b.x1 < bbox.x0 - 50 || b.x0 > bbox.x1 + 50) return;
    if ((b.y1 <= bbox.y0 + 2 && b.y1 >= bbox.y0 - 10 * fs) || (b.y0 >= bbox.y1 - 2 && b.y0 <= bbox.y1 + 6 * fs)) near.push(i);
  });
  if (!near.length) return false;
  return buildLines(page.words, near, 3).some((l) => FIGURE_RE.test(lineText(page, l)));
}
