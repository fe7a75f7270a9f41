/**
 * Where a page paints raster images, from its operator list: the figure placeholders and the
 * resolution of scanned pages come from these. Each image fills the unit square of the current
 * transformation matrix, so only the CTM is tracked.
 */
import type { BBox } from '../model/document.js';
import { applyPoint, multiply } from './matrix.js';

export interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
}

const PAINT_OPS = ['paintImageXObject', 'paintInlineImageXObject', 'paintImageXObjectRepeat', 'paintImageMaskXObject'];

/** Calls `paint` for every image painted, with the CTM (PDF user space) it is painted with. */
export function forEachImagePaint(
  opList: OperatorList,
  OPS: Record<string, number>,
  paint: (ctm: number[], fn: number, args: unknown) => void,
): void {
  const paints = new Set(PAINT_OPS.map((k) => OPS[k]).filter((v) => v !== undefined));
  let ctm: number[] = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
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
    else if (paints.has(fn)) paint(ctm, fn, argsArray[i]);
  }
}

/** The page-space boxes of the images a page paints. */
export function imageBoxes(opList: OperatorList, OPS: Record<string, number>, viewportTransform: number[]): BBox[] {
  const out: BBox[] = [];
  forEachImagePaint(opList, OPS, (ctm) => {
    const m = multiply(viewportTransform, ctm);
    const pts = [applyPoint(m, 0, 0), applyPoint(m, 1, 0), applyPoint(m, 0, 1), applyPoint(m, 1, 1)];
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    out.push({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) });
  });
  return out;
}
