/**
 * One PDF page's text layer as a SourcePage: words with boxes and font styles, ruling lines and regions
 * from the vector graphics, image boxes for figure placeholders, all in top-left page space with the
 * page's /Rotate applied.
 */
import type { Region, Rule, SourcePage } from '../model/document.js';
import type { PDFPageProxy } from '../ports/parsing.js';
import { extractGraphics } from './graphics.js';
import { fontStyle, type FontStyle } from './fonts.js';
import { imageBoxes, type OperatorList } from './images.js';
import { textItemsToWords, type PdfTextItem, type PdfTextStyle } from './text-layer.js';

interface LoadedFont {
  name?: string;
  bold?: boolean;
  italic?: boolean;
}

function loadedFont(page: PDFPageProxy, loadedName: string): LoadedFont | undefined {
  const objs = page.commonObjs as unknown as { has(id: string): boolean; get(id: string): unknown };
  try {
    if (!objs.has(loadedName)) return undefined;
    const f = objs.get(loadedName);
    return f && typeof f === 'object' ? (f as LoadedFont) : undefined;
  } catch {
    return undefined;
  }
}

export async function pdfPageToSource(page: PDFPageProxy, number: number, OPS: Record<string, number>): Promise<SourcePage> {
  const viewport = page.getViewport({ scale: 1 });
  const vt = viewport.transform as number[];
  // The operator list loads the page's fonts (their real names give bold/italic) and carries the
  // graphics; pdf.js caches it, so extractGraphics reuses the same one.
  const opList = (await page.getOperatorList()) as unknown as OperatorList;
  const [content, graphics] = await Promise.all([
    page.getTextContent({ includeMarkedContent: false }),
    extractGraphics(page, OPS, vt),
  ]);
  const styles = content.styles as Record<string, PdfTextStyle>;
  const words = textItemsToWords({
    items: content.items.filter((i): i is PdfTextItem => 'str' in i) as PdfTextItem[],
    styles,
    viewportTransform: vt,
    fontStyle: (name): FontStyle => {
      const f = loadedFont(page, name);
      return fontStyle(f?.name, styles[name]?.fontFamily, { bold: f?.bold, italic: f?.italic });
    },
  });
  const regions: Region[] = [...graphics.regions];
  const W = viewport.width, H = viewport.height;
  for (const b of imageBoxes(opList, OPS, vt)) {
    // Clip to the page; tiny images are bullets, rules or spacers, not figures.
    const bbox = { x0: Math.max(0, b.x0), y0: Math.max(0, b.y0), x1: Math.min(W, b.x1), y1: Math.min(H, b.y1) };
    if (bbox.x1 - bbox.x0 < 4 || bbox.y1 - bbox.y0 < 4) continue;
    if (regions.some((r) => r.kind === 'image' && near(r.bbox, bbox))) continue;
    regions.push({ bbox, kind: 'image' });
  }
  return {
    number,
    width: W,
    height: H,
    rotation: ((viewport.rotation % 360) + 360) % 360,
    source: 'text',
    words,
    rules: [...graphics.rules, ...cellFillRules(regions, graphics.rules)],
    regions,
  };
}

/**
 * Tables whose cells are drawn only as filled rectangles side by side (slide and spreadsheet exports
 * paint each cell's background, and draw their borders in white or not at all): where filled
 * rectangles meet edge to edge in a grid, their edges are the table's ruling lines.
 */
export function cellFillRules(regions: readonly Region[], rules: readonly Rule[] = []): Rule[] {
  const all = regions.filter((r) => r.kind === 'fill').map((r) => r.bbox).slice(0, 2000);
  if (all.length < 4) return [];
  const TOL = 1;
  // Shading inside a cell (a padded inner box, a band per text line) is not a cell: only fills that
  // overlap no other fill take part.
  const byX = all.map((_, i) => i).sort((a, b) => all[a].x0 - all[b].x0);
  const nested = new Set<number>();
  for (let p = 0; p < byX.length; p++) {
    const a = all[byX[p]];
    for (let q = p + 1; q < byX.length && all[byX[q]].x0 < a.x1 - TOL; q++) {
      const b = all[byX[q]];
      if (Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > TOL && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > TOL) {
        nested.add(byX[p]);
        nested.add(byX[q]);
      }
    }
  }
  const fills = all.filter((_, i) => !nested.has(i));
  if (fills.length < 4) return [];
  const parent = fills.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const side = new Array<number>(fills.length).fill(0); // bit 1: a neighbour left/right, bit 2: above/below
  const sorted = fills.map((_, i) => i).sort((a, b) => fills[a].x0 - fills[b].x0);
  for (let p = 0; p < sorted.length; p++) {
    const a = fills[sorted[p]];
    for (let q = p + 1; q < sorted.length && fills[sorted[q]].x0 <= a.x1 + TOL; q++) {
      const i = sorted[p], j = sorted[q], b = fills[j];
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      // Edge to edge, not overlapping: side by side sharing most of a vertical edge, or stacked.
      const beside = (Math.abs(a.x1 - b.x0) <= TOL || Math.abs(b.x1 - a.x0) <= TOL) && oy > 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);
      const stacked = (Math.abs(a.y1 - b.y0) <= TOL || Math.abs(b.y1 - a.y0) <= TOL) && ox > 0.5 * Math.min(a.x1 - a.x0, b.x1 - b.x0);
      if (!beside && !stacked) continue;
      if (ox > TOL && oy > TOL) continue;
      side[i] |= beside ? 1 : 2;
      side[j] |= beside ? 1 : 2;
      parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  fills.forEach((_, i) => {
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(i);
  });
  const out: Rule[] = [];
  for (const g of groups.values()) {
    // A grid: several cells, some with neighbours beside them and some with neighbours above or below.
    if (g.length < 4 || !g.some((i) => side[i] & 1) || !g.some((i) => side[i] & 2)) continue;
    // A table that has ruling lines of its own is left to them.
    const box = { x0: Math.min(...g.map((i) => fills[i].x0)), y0: Math.min(...g.map((i) => fills[i].y0)), x1: Math.max(...g.map((i) => fills[i].x1)), y1: Math.max(...g.map((i) => fills[i].y1)) };
    if (rules.some((r) => r.x1 >= box.x0 - 2 && r.x0 <= box.x1 + 2 && r.y1 >= box.y0 - 2 && r.y0 <= box.y1 + 2)) continue;
    for (const i of g) {
      const { x0, y0, x1, y1 } = fills[i];
      out.push(
        { x0, y0, x1, y1: y0, orientation: 'h', width: 0.5 },
        { x0, y0: y1, x1, y1, orientation: 'h', width: 0.5 },
        { x0, y0, x1: x0, y1, orientation: 'v', width: 0.5 },
        { x0: x1, y0, x1, y1, orientation: 'v', width: 0.5 },
      );
    }
  }
  return out;
}

const near = (a: { x0: number; y0: number; x1: number; y1: number }, b: typeof a) =>
  Math.abs(a.x0 - b.x0) < 1 && Math.abs(a.y0 - b.y0) < 1 && Math.abs(a.x1 - b.x1) < 1 && Math.abs(a.y1 - b.y1) < 1;
