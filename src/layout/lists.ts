/**
 * Stage 5: list items. A block that starts with a bullet or an enumerator ("1.", "a)", "(iv)") is a list
 * item; its marker is taken off the text and kept, and nesting depth comes from the marker's indent
 * relative to the other items of the same run of consecutive items.
 */
import type { Block } from '../model/document.js';

const BULLET = /^([•·▪▫■□◦○●◆◇►▶▸‣⁃∙➢➤✓✔❖⦿⦾\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf0d7]|[-–—*])\s*/u;
const ENUM = /^(\(?(\d{1,3}|[a-z]|[A-Z]|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})[.)])\s+/u;

export interface ListMarker {
  ordered: boolean;
  marker: string;
  rest: string;
}

export function parseListMarker(text: string): ListMarker | null {
  const b = text.match(BULLET);
  if (b && text.length > b[0].length) {
    // "-" and "*" count only when followed by a space ("-5 °C" is not a list item).
    if (/^[-–—*]/.test(b[1]) && !/^[-–—*]\s/.test(text)) return null;
    return { ordered: false, marker: b[1], rest: text.slice(b[0].length) };
  }
  const e = text.match(ENUM);
  if (e && text.length > e[0].length) return { ordered: true, marker: e[1], rest: text.slice(e[0].length) };
  return null;
}

/** Marks list items among a page's blocks (given in reading order) and sets their depth. */
export function classifyLists(blocks: Block[]): void {
  let run: Block[] = [];
  const flush = () => {
    if (!run.length) return;
    const xs = [...new Set(run.map((b) => Math.round(b.bbox.x0)))].sort((a, b) => a - b);
    const levels: number[] = [];
    const em = Math.max(6, run[0].lines?.[0]?.fontSize ?? 10);
    for (const x of xs) if (!levels.length || x - levels[levels.length - 1] > 0.8 * em) levels.push(x);
    // An item is nested at most one level below the item before it, and the run's first item is at
    // the top: items continuing a list from the previous page or column are indented under a parent
    // that is not here, and in Markdown an indented item without its parent is a code block.
    // The indents of the open items, outermost first: an item closes the deeper ones and opens its own.
    const open: number[] = [];
    for (const b of run) {
      let d = 0;
      for (let i = 0; i < levels.length; i++) if (b.bbox.x0 >= levels[i] - 0.8 * em) d = i;
      while (open.length && open[open.length - 1] > d) open.pop();
      if (!open.length || open[open.length - 1] < d) open.push(d);
      b.depth = Math.min(open.length - 1, 5);
    }
    run = [];
  };
  for (const b of blocks) {
    if (b.furniture) continue;
    if (b.type === 'paragraph') {
      const m = parseListMarker(b.text);
      if (m) {
        b.type = 'list-item';
        b.ordered = m.ordered;
        b.marker = m.marker;
        b.text = m.rest;
        run.push(b);
        continue;
      }
    }
    if (b.type === 'list-item') { run.push(b); continue; }
    flush();
  }
  flush();
}
