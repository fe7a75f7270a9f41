/**
 * The resolution a scanned PDF page was captured at, from its operator list: the biggest raster image
 * on the page, its pixel size against the size it is painted at. Rendering at that resolution hands
 * OCR the scanner's own pixels instead of a resampled copy.
 */
import { multiply } from '../pdf/matrix.js';

export interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
}

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
  const paint = new Set(
    ['paintImageXObject', 'paintInlineImageXObject', 'paintImageXObjectRepeat', 'paintImageMaskXObject'].map((k) => OPS[k]).filter((v) => v !== undefined),
  );
  let ctm: number[] = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  let best: { area: number; dpi: number } | null = null;
  const { fnArray, argsArray } = opList;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = multiply(ctm, argsArray[i] as number[]);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = (argsArray[i] as unknown[])?.[0];
      if (Array.isArray(m) || ArrayBuffer.isView(m)) ctm = multiply(ctm, Array.from(m as ArrayLike<number>));
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (paint.has(fn)) {
      const px = pixelSize(fn, argsArray[i], OPS);
      if (!px) continue;
      // The image fills the unit square: its sides are the CTM's column vectors, in points.
      const wPt = Math.hypot(ctm[0]!, ctm[1]!);
      const hPt = Math.hypot(ctm[2]!, ctm[3]!);
      const area = wPt * hPt;
      if (!(wPt > 0 && hPt > 0) || area < pageArea / 4) continue;
      const dpi = Math.sqrt((px[0] / wPt) * (px[1] / hPt)) * 72;
      if (!best || area > best.area) best = { area, dpi };
    }
  }
  return best && Number.isFinite(best.dpi) ? best.dpi : null;
}
