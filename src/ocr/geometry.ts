import type { BBox } from '../model/document.js';

export type QuarterTurn = 0 | 90 | 180 | 270;

export function normalizeQuarterTurn(deg: number): QuarterTurn {
  const r = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return r as QuarterTurn;
}

/**
 * Where a box of a `width`×`height` image lands after the image is turned clockwise by `rotation`
 * degrees (the turn that makes a sideways page upright). Used for OCR word boxes and for rules found
 * in the raster, so both end up in the upright page's space.
 */
export function rotateBox(b: BBox, rotation: QuarterTurn, width: number, height: number): BBox {
  switch (rotation) {
    case 0:
      return { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 };
    case 90:
      return { x0: height - b.y1, y0: b.x0, x1: height - b.y0, y1: b.x1 };
    case 180:
      return { x0: width - b.x1, y0: height - b.y1, x1: width - b.x0, y1: height - b.y0 };
    case 270:
      return { x0: b.y0, y0: width - b.x1, x1: b.y1, y1: width - b.x0 };
  }
}

/** Size of the image after a clockwise turn. */
export function rotatedSize(width: number, height: number, rotation: QuarterTurn): { width: number; height: number } {
  return rotation === 90 || rotation === 270 ? { width: height, height: width } : { width, height };
}

export function scaleBox(b: BBox, f: number): BBox {
  return { x0: b.x0 * f, y0: b.y0 * f, x1: b.x1 * f, y1: b.y1 * f };
}

/** A point of a `width`×`height` image after the image is turned clockwise by `rotation`. */
export function rotatePoint(x: number, y: number, rotation: QuarterTurn, width: number, height: number): [number, number] {
  switch (rotation) {
    case 0: return [x, y];
    case 90: return [height - y, x];
    case 180: return [width - x, height - y];
    case 270: return [y, width - x];
  }
}

/**
 * Undoes a small skew (radians, text lines running downhill to the right are positive): each box keeps
 * its size and moves with its centre, turned about the image centre. Scans are rarely straight, and
 * a half-degree tilt across a page drifts by a line height, which would merge rows of side-by-side
 * columns.
 */
export function deskewBox(b: BBox, angle: number, cx: number, cy: number): BBox {
  if (!angle) return b;
  const mx = (b.x0 + b.x1) / 2 - cx;
  const my = (b.y0 + b.y1) / 2 - cy;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const nx = cx + mx * c + my * s;
  const ny = cy - mx * s + my * c;
  const hw = (b.x1 - b.x0) / 2;
  const hh = (b.y1 - b.y0) / 2;
  return { x0: nx - hw, y0: ny - hh, x1: nx + hw, y1: ny + hh };
}
