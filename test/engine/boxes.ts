/** Hand-made word boxes for the layout-stage tests: a tiny typesetter on a 612x792 page. */
import type { Block, Line, Page, Word } from '../../src/model/document.js';

export interface SetOptions {
  size?: number;
  bold?: boolean;
  italic?: boolean;
  font?: string;
  dir?: 'ltr' | 'rtl';
  angle?: number;
}

/** Words of `text` set left to right from (x, top), 0.55 em per character and a 0.25 em space. */
export function words(text: string, x: number, top: number, o: SetOptions = {}): Word[] {
  const size = o.size ?? 10;
  const out: Word[] = [];
  let cx = x;
  for (const t of text.split(' ').filter(Boolean)) {
    const w = t.length * size * 0.55;
    out.push({
      text: t, bbox: { x0: cx, y0: top, x1: cx + w, y1: top + size }, fontSize: size, fontName: o.font ?? (o.bold ? 'Helvetica-Bold' : 'Helvetica'),
      ...(o.bold ? { bold: true } : {}), ...(o.italic ? { italic: true } : {}), ...(o.dir ? { dir: o.dir } : {}), spaceAfter: true,
    });
    cx += w + size * 0.25;
  }
  return out;
}

/** Several lines of text down from (x, top) with the given leading. */
export function column(lines: string[], x: number, top: number, o: SetOptions & { leading?: number } = {}): Word[] {
  const leading = o.leading ?? (o.size ?? 10) * 1.3;
  return lines.flatMap((l, i) => words(l, x, top + i * leading, o));
}

export function block(type: Block['type'], text: string, x0: number, y0: number, x1: number, y1: number, extra: Partial<Block> = {}): Block {
  const line: Line = { words: words(text, x0, y0), bbox: { x0, y0, x1, y1 }, text, fontSize: 10 };
  return { type, text, bbox: { x0, y0, x1, y1 }, lines: [line], ...extra };
}

export function page(number: number, blocks: Block[]): Page {
  return { number, width: 612, height: 792, rotation: 0, source: 'text', blocks };
}
