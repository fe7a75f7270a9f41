/**
 * The resolution a scanned PDF page was captured at, from its operator list: the biggest raster image
 * on the page, its pixel size against the size it is painted at. Rendering at that resolution hands
 * OCR the scanner's own pixels instead of a resampled copy.
 */
import { forEachImagePaint, type OperatorList } from '../pdf/images.js';

export type { OperatorList };

function pixelSize(fn: number, args: unknown, OPS: Record<string, number>): [number, number] | null {
  const a = args as unknown[];
  if (fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat) {
    const w = Number(a?.[1]);
    const h = Number(a?.[2]);
    return w > 0 && h > 0 ? [w, h] : null;
  }
  const img = a?.[0] as { width?: number; height?: number } | undefined;
  if (img && typeof img === 'object' && Number(img.width) > 0 && Number(img.height) > 0) return [Number(img.width), Number(img.height)];
  return null;
}

/** DPI of the largest image painted over at least a quarter of the page (`pageArea` in pt²), or null. */
export function nativeImageDpi(opList: OperatorList, OPS: Record<string, number>, pageArea: number): number | null {
  let best: { area: number; dpi: number } | null = null;
  forEachImagePaint(opList, OPS, (ctm, fn, args) => {
    const px = pixelSize(fn, args, OPS);
    if (!px) return;
    // The image fills the unit square: its sides are the CTM's column vectors, in points.
    const wPt = Math.hypot(ctm[0]!, ctm[1]!);
    const hPt = Math.hypot(ctm[2]!, ctm[3]!);
    const area = wPt * hPt;
    if (!(wPt > 0 && hPt > 0) || area < pageArea / 4) return;
    const dpi = Math.sqrt((px[0] / wPt) * (px[1] / hPt)) * 72;
    if (!best || area > best.area) best = { area, dpi };
  });
  const found = best as { area: number; dpi: number } | null;
  return found && Number.isFinite(found.dpi) ? found.dpi : null;
}
