/**
 * Stage 2: lines → blocks (paragraphs). A line continues the block above it when it sits at the block's
 * line spacing, overlaps it horizontally and has the same size and weight; a list marker, a change of
 * size or boldness, a wider gap or a first-line indent after a short line starts a new block.
 */
import type { Block, BBox, Line } from '../model/document.js';
import { localBox } from './lines.js';
import { joinLines, type Vocabulary } from './text.js';
import { union } from './geometry.js';

export const BULLET_RE = /^[•·▪▫■□◦○●◆◇►▶▸‣⁃∙➢➤✓✔❖⦿⦾–—-](\s|$)/u;
export const ENUM_RE = /^(\(?(\d{1,3}|[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)]|\d{1,3}\.\d{1,3}\.?)(\s|$)/u;
/** Symbol-font bullets that come out as private-use or odd letters. */
const SYMBOL_BULLET = /^[\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf0d7](\s|$)/u;

export function startsWithListMarker(text: string): boolean {
  return BULLET_RE.test(text) || SYMBOL_BULLET.test(text) || /^\(?(\d{1,3}|[a-zA-Z]|[ivxlcdm]{1,6})[.)]\s/u.test(text);
}

const boldShare = (line: Line) => {
  let b = 0, n = 0;
  for (const w of line.words) { n += w.text.length; if (w.bold) b += w.text.length; }
  return n ? b / n : 0;
};
const italicShare = (line: Line) => {
  let b = 0, n = 0;
  for (const w of line.words) { n += w.text.length; if (w.italic) b += w.text.length; }
  return n ? b / n : 0;
};
/** The font most of a line's characters are set in, and its share. */
export function dominantFont(line: Line): { font: string; share: number } {
  const count = new Map<string, number>();
  let n = 0;
  for (const w of line.words) {
    const f = w.fontName ?? '';
    count.set(f, (count.get(f) ?? 0) + w.text.length);
    n += w.text.length;
  }
  let font = '', best = -1;
  for (const [f, c] of count) if (c > best) { best = c; font = f; }
  return { font, share: n ? best / n : 0 };
}
const CJK_TEXT = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
/** Share of a line in a fixed-pitch font; CJK fonts are fixed-pitch by nature and do not count. */
const monoShare = (line: Line) => {
  let b = 0, n = 0;
  for (const w of line.words) {
    n += w.text.length;
    if (w.monospace && !CJK_TEXT.test(w.text)) b += w.text.length;
  }
  return n ? b / n : 0;
};

interface Open {
  lines: Line[];
  boxes: BBox[];
  /** Union in the local frame. */
  box: BBox;
  angle: number;
  size: number;
  bold: boolean;
  italic: boolean;
  mono: boolean;
  font: { font: string; share: number };
  /** Typical gap between its lines once it has two. */
  gap: number | null;
  list: boolean;
  /** x where the text of a list item starts (after the marker). */
  textX: number;
}

export function buildBlocks(lines: readonly Line[], opts: { vocabulary?: Vocabulary } = {}): Block[] {
  const items = lines.map((line) => ({ line, b: localBox(line), angle: line.angle ?? 0 }));
  items.sort((p, q) => p.angle - q.angle || p.b.y0 - q.b.y0 || p.b.x0 - q.b.x0);
  const blocks: Open[] = [];
  let active: Open[] = [];
  for (const { line, b, angle } of items) {
    const size = line.fontSize;
    const bold = boldShare(line) > 0.6;
    const mono = monoShare(line) > 0.6;
    const italic = italicShare(line) > 0.9;
    const font = dominantFont(line);
    // A dash alone on a line is punctuation wrapped from the line above, not a list item's marker.
    const marker = startsWithListMarker(line.text) && !/^[–—-]$/.test(line.text.trim());
    let best: Open | null = null, bestGap = Infinity;
    active = active.filter((o) => o.angle === angle && b.y0 - o.box.y1 < 4 * Math.max(size, o.size));
    if (!marker) {
      for (const o of active) {
        const last = o.boxes[o.boxes.length - 1];
        const gap = b.y0 - last.y1;
        const em = Math.min(size, o.size);
        if (gap < -0.4 * em) continue;
        const maxGap = o.gap !== null ? Math.max(o.gap + 0.45 * em, 0.35 * em) : 0.8 * em;
        if (gap > maxGap) continue;
        const ratio = size / o.size;
        if (ratio < 0.85 || ratio > 1.18) continue;
        if (o.bold !== bold || o.mono !== mono) continue;
        // An italic run-in title line above body text (or the reverse) is its own block.
        if (o.italic !== italic && (o.lines.length === 1 || italic)) continue;
        // A line wholly in another typeface (a sans run-in heading over serif text) starts a block.
        if (o.font.font !== font.font && o.font.share >= 0.8 && font.share >= 0.8 && (o.lines.length === 1 || Math.abs(ratio - 1) > 0.04)) continue;
        const ov = Math.min(last.x1, b.x1) - Math.max(last.x0, b.x0);
        const aligned = Math.abs(last.x0 - b.x0) < 1.5 * em || (o.list && Math.abs(o.textX - b.x0) < 1.5 * em);
        if (!aligned && ov < 0.3 * Math.min(last.x1 - last.x0, b.x1 - b.x0)) continue;
        // A line that starts left of a list item's text belongs to something else.
        if (o.list && b.x0 < o.textX - 1.5 * em && Math.abs(o.box.x0 - b.x0) > 0.5 * em) continue;
        if (gap < bestGap) { bestGap = gap; best = o; }
      }
    }
    if (best) {
      const last = best.boxes[best.boxes.length - 1];
      const g = b.y0 - last.y1;
      best.gap = best.gap === null ? Math.max(0, g) : Math.min(best.gap, Math.max(0, g)) * 0.5 + Math.max(best.gap, Math.max(0, g)) * 0.5;
      best.lines.push(line);
      best.boxes.push(b);
      best.box = union([best.box, b]);
      continue;
    }
    let textX = b.x0;
    if (marker && line.words.length > 1) {
      const second = localBox({ ...line, bbox: line.words[1].bbox });
      textX = second.x0;
    }
    const o: Open = { lines: [line], boxes: [b], box: b, angle, size, bold, italic, mono, font, gap: null, list: marker, textX };
    blocks.push(o);
    active.push(o);
  }
  return blocks.map((o) => toBlock(o, opts.vocabulary));
}

function toBlock(o: Open, vocabulary?: Vocabulary): Block {
  const block: Block = {
    type: o.mono && o.lines.length >= 1 ? 'code' : 'paragraph',
    text: o.mono ? o.lines.map((l) => l.text).join('\n') : joinLines(o.lines.map((l) => l.text), vocabulary),
    bbox: union(o.lines.map((l) => l.bbox)),
    lines: o.lines,
  };
  const rtl = o.lines.filter((l) => l.dir === 'rtl').length;
  if (rtl * 2 > o.lines.length) block.dir = 'rtl';
  return block;
}

/** Font statistics of a block, for heading detection. */
export function blockStyle(block: Block): { size: number; bold: number; italic: number; chars: number; font: string } {
  let chars = 0, bold = 0, italic = 0, sizeSum = 0;
  const fonts = new Map<string, number>();
  for (const line of block.lines ?? []) {
    for (const w of line.words) {
      const n = w.text.length;
      chars += n;
      sizeSum += n * w.fontSize;
      if (w.bold) bold += n;
      if (w.italic) italic += n;
      const f = w.fontName ?? '';
      fonts.set(f, (fonts.get(f) ?? 0) + n);
    }
  }
  let font = '', best = -1;
  for (const [f, c] of fonts) if (c > best) { best = c; font = f; }
  return { size: chars ? sizeSum / chars : 0, bold: chars ? bold / chars : 0, italic: chars ? italic / chars : 0, chars, font };
}
