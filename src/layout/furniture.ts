/**
 * Stage 6: running headers, footers and page numbers. A short block near the top or bottom edge whose
 * text (digits ignored) comes back at about the same place on other pages is page furniture; so is a
 * lone page number in those margins. Furniture stays in the model (JSON) flagged, and renderers drop it
 * unless asked to keep it.
 */
import type { Block, BlockType, Page } from '../model/document.js';

const PAGE_NUMBER = /^(page\s+)?[-–(\[]?\s*(\d{1,4}|[ivxlcdm]{1,7})\s*[-–)\]]?(\s*(of|\/)\s*\d{1,4})?$/i;
const ZONE = 0.1;

const furnitureKey = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, '');

function zoneOf(b: Block, page: Page): 'top' | 'bottom' | null {
  if (b.bbox.y1 <= page.height * ZONE || (b.bbox.y0 < page.height * ZONE * 0.6 && b.bbox.y1 <= page.height * ZONE * 1.4)) return 'top';
  if (b.bbox.y0 >= page.height * (1 - ZONE) || (b.bbox.y1 > page.height * (1 - ZONE * 0.6) && b.bbox.y0 >= page.height * (1 - ZONE * 1.4))) return 'bottom';
  return null;
}

function mark(b: Block, type: BlockType): void {
  b.type = type;
  b.furniture = true;
}

export function markFurniture(pages: readonly Page[]): void {
  interface Cand { block: Block; page: Page; zone: 'top' | 'bottom'; key: string }
  const cands: Cand[] = [];
  for (const page of pages) {
    for (const b of page.blocks) {
      if (b.type === 'table' || b.type === 'figure' || b.furniture) continue;
      if ((b.lines?.length ?? 1) > 3 || b.text.length > 200) continue;
      const zone = zoneOf(b, page);
      if (!zone) continue;
      cands.push({ block: b, page, zone, key: furnitureKey(b.text) });
    }
  }
  const groups = new Map<string, Cand[]>();
  for (const c of cands) {
    const k = c.zone + '|' + c.key;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(c);
  }
  for (const g of groups.values()) {
    const pagesSeen = new Set(g.map((c) => c.page.number));
    if (pagesSeen.size < 2) continue;
    for (const c of g) {
      // Same text at roughly the same height on another page.
      const twin = g.some((o) => o.page !== c.page && Math.abs(o.block.bbox.y0 / o.page.height - c.block.bbox.y0 / c.page.height) < 0.03);
      if (twin) mark(c.block, PAGE_NUMBER.test(c.block.text.trim()) ? 'page-number' : c.zone === 'top' ? 'page-header' : 'page-footer');
    }
  }
  for (const c of cands) {
    if (c.block.furniture) continue;
    const text = c.block.text.trim();
    if (PAGE_NUMBER.test(text)) { mark(c.block, 'page-number'); continue; }
  }
  // A one-line running head with its page number ("7 Results" / "Optimized Tables 9") standing apart
  // above (below) everything else, set no larger than the body, is furniture even when no other page
  // is there to repeat it.
  for (const page of pages) {
    const text = page.blocks.filter((b) => !b.furniture && b.type !== 'figure' && b.type !== 'table' && b.lines?.length);
    if (text.length < 3) continue;
    const byTop = [...text].sort((a, b) => a.bbox.y0 - b.bbox.y0);
    const typical = typicalSize(page);
    const check = (b: Block, next: Block, zone: 'top' | 'bottom') => {
      const t = b.text.trim();
      const gap = zone === 'top' ? next.bbox.y0 - b.bbox.y1 : b.bbox.y0 - next.bbox.y1;
      const inMargin = zone === 'top' ? b.bbox.y1 <= page.height * 0.15 : b.bbox.y0 >= page.height * 0.85;
      if (inMargin && b.lines!.length === 1 && RUNNING_HEAD.test(t) && blockSize(b) <= typical * 1.05 && gap >= 0.8 * blockSize(b)) {
        mark(b, zone === 'top' ? 'page-header' : 'page-footer');
      }
    };
    check(byTop[0], byTop[1], 'top');
    const byBottom = [...text].sort((a, b) => b.bbox.y1 - a.bbox.y1);
    check(byBottom[0], byBottom[1], 'bottom');
  }
}

const RUNNING_HEAD = /^(\d{1,4}\s+\D.{2,}|.{2,}\D\s+\d{1,4})$/u;

function blockSize(b: Block): number {
  const l = b.lines?.[0];
  return l ? l.fontSize : 0;
}

/** Median font size of a page's text lines. */
function typicalSize(page: Page): number {
  const sizes: number[] = [];
  for (const b of page.blocks) for (const l of b.lines ?? []) sizes.push(l.fontSize);
  sizes.sort((a, b) => a - b);
  return sizes[sizes.length >> 1] ?? 0;
}
