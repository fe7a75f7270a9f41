/**
 * One PDF page's text layer as a SourcePage: words with boxes and font styles, ruling lines and regions
 * from the vector graphics, image boxes for figure placeholders, all in top-left page space with the
 * page's /Rotate applied.
 */
import type { Region, SourcePage } from '../model/document.js';
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
    rules: graphics.rules,
    regions,
  };
}

const near = (a: { x0: number; y0: number; x1: number; y1: number }, b: typeof a) =>
  Math.abs(a.x0 - b.x0) < 1 && Math.abs(a.y0 - b.y0) < 1 && Math.abs(a.x1 - b.x1) < 1 && Math.abs(a.y1 - b.y1) < 1;
