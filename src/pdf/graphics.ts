import type { Region, Rule } from '../model/document.js';
import type { PDFPageProxy } from '../ports/parsing.js';

/**
 * STUB: replaced by the tables work (issue 3). Ruling lines and filled regions from the page's operator
 * list, in the same top-left page space as the words (`viewportTransform` maps PDF user space to it).
 */
export async function extractGraphics(
  page: PDFPageProxy,
  OPS: Record<string, number>,
  viewportTransform: number[],
): Promise<{ rules: Rule[]; regions: Region[] }> {
  void page; void OPS; void viewportTransform;
  return { rules: [], regions: [] };
}
