import type { BBox, Region, Rule } from '../model/document.js';
import type { PDFPageProxy } from '../ports/parsing.js';
import { multiply } from './matrix.js';

/** pdf.js path codes inside constructPath's Float32Array (DrawOPS; not exported by pdf.js). */
const PATH_MOVE = 0;
const PATH_LINE = 1;
const PATH_CURVE = 2;
const PATH_QUAD = 3;
const PATH_CLOSE = 4;

/** A segment is a rule when it deviates from horizontal/vertical by less than this (page units). */
const AXIS_TOLERANCE = 1;
/** Filled rectangles no thicker than this are rules (LaTeX \hrule, Word/Excel cell borders). */
const MAX_RULE_THICKNESS = 3;
/** Rules shorter than this are glyph decorations, bullets or dashes of a dashed line. */
const MIN_RULE_LENGTH = 2;
/** Bounds on work for pathological pages (maps, charts with 100k segments). */
const MAX_RULES = 20_000;
const MAX_REGIONS = 5_000;

type Matrix = [number, number, number, number, number, number];

interface GraphicsState {
  m: Matrix;
  lineWidth: number;
  strokeVisible: boolean;
  fillVisible: boolean;
}

export interface PageGraphics {
  rules: Rule[];
  regions: Region[];
}

/** Whether a colour drawn on a (normally white) page is visible: white or near-white is not a rule. */
function visibleColor(hex: unknown): boolean {
  if (typeof hex !== 'string' || !/^#[0-9a-f]{6}$/i.test(hex)) return true;
  const r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
  return r + g + b < 3 * 245;
}

/**
 * Ruling lines and filled regions from the page's operator list, in the same top-left page space as
 * the words (`viewportTransform` maps PDF user space to it, e.g. `page.getViewport({scale:1}).transform`).
 * Straight stroked segments become rules; filled rectangles become rules when thin, regions otherwise;
 * stroked rectangles contribute their four edges. Curves and clipping paths are ignored.
 */
export async function extractGraphics(
  page: PDFPageProxy,
  OPS: Record<string, number>,
  viewportTransform: number[],
): Promise<{ rules: Rule[]; regions: Region[] }> {
  const ops = await page.getOperatorList();
  return graphicsFromOperatorList(ops.fnArray, ops.argsArray, OPS, viewportTransform);
}

/** The operator-list walk on its own, so it can be tested on hand-made operator lists. */
export function graphicsFromOperatorList(
  fnArray: ArrayLike<number>,
  argsArray: ArrayLike<unknown>,
  OPS: Record<string, number>,
  viewportTransform: number[],
): PageGraphics {
  const rules: Rule[] = [];
  const regions: Region[] = [];
  const stack: GraphicsState[] = [];
  let st: GraphicsState = {
    m: [...viewportTransform.slice(0, 6)] as Matrix,
    lineWidth: 1,
    strokeVisible: true,
    fillVisible: true,
  };
  const op = {
    save: OPS.save ?? 10,
    restore: OPS.restore ?? 11,
    transform: OPS.transform ?? 12,
    setLineWidth: OPS.setLineWidth ?? 2,
    setGState: OPS.setGState ?? 9,
    constructPath: OPS.constructPath ?? 91,
    stroke: OPS.stroke ?? 20,
    closeStroke: OPS.closeStroke ?? 21,
    fill: OPS.fill ?? 22,
    eoFill: OPS.eoFill ?? 23,
    fillStroke: OPS.fillStroke ?? 24,
    eoFillStroke: OPS.eoFillStroke ?? 25,
    closeFillStroke: OPS.closeFillStroke ?? 26,
    closeEOFillStroke: OPS.closeEOFillStroke ?? 27,
    setStrokeRGBColor: OPS.setStrokeRGBColor ?? 58,
    setFillRGBColor: OPS.setFillRGBColor ?? 59,
    setStrokeTransparent: OPS.setStrokeTransparent ?? 92,
    setFillTransparent: OPS.setFillTransparent ?? 93,
    formBegin: OPS.paintFormXObjectBegin ?? 74,
    formEnd: OPS.paintFormXObjectEnd ?? 75,
    paintImage: OPS.paintImageXObject ?? 85,
    paintInlineImage: OPS.paintInlineImageXObject ?? 86,
    paintImageMask: OPS.paintImageMaskXObject ?? 83,
  };

  const n = fnArray.length;
  for (let i = 0; i < n; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === op.save) {
      stack.push({ ...st, m: [...st.m] as Matrix });
    } else if (fn === op.restore) {
      const prev = stack.pop();
      if (prev) st = prev;
    } else if (fn === op.transform) {
      if (args && args.length >= 6) st.m = multiply(st.m, args as number[]);
    } else if (fn === op.formBegin) {
      stack.push({ ...st, m: [...st.m] as Matrix });
      const matrix = args?.[0];
      if (Array.isArray(matrix) || ArrayBuffer.isView(matrix)) st.m = multiply(st.m, matrix as unknown as number[]);
    } else if (fn === op.formEnd) {
      const prev = stack.pop();
      if (prev) st = prev;
    } else if (fn === op.setLineWidth) {
      if (args && typeof args[0] === 'number') st.lineWidth = args[0];
    } else if (fn === op.setGState) {
      const entries = args?.[0];
      if (Array.isArray(entries)) {
        for (const e of entries) if (Array.isArray(e) && e[0] === 'LW' && typeof e[1] === 'number') st.lineWidth = e[1];
      }
    } else if (fn === op.setStrokeRGBColor) {
      st.strokeVisible = visibleColor(args?.[0]);
    } else if (fn === op.setFillRGBColor) {
      st.fillVisible = visibleColor(args?.[0]);
    } else if (fn === op.setStrokeTransparent) {
      st.strokeVisible = false;
    } else if (fn === op.setFillTransparent) {
      st.fillVisible = false;
    } else if (fn === op.constructPath) {
      if (!args) continue;
      const paint = args[0] as number;
      const stroke = paint === op.stroke || paint === op.closeStroke || paint === op.fillStroke
        || paint === op.eoFillStroke || paint === op.closeFillStroke || paint === op.closeEOFillStroke;
      const fill = paint === op.fill || paint === op.eoFill || paint === op.fillStroke
        || paint === op.eoFillStroke || paint === op.closeFillStroke || paint === op.closeEOFillStroke;
      if (!(stroke && st.strokeVisible) && !(fill && st.fillVisible)) continue;
      const data = args[1] as unknown[] | undefined;
      const path = data?.[0] as ArrayLike<number> | undefined;
      if (!path || typeof path.length !== 'number') continue;
      if (rules.length < MAX_RULES) addPath(path, st, stroke && st.strokeVisible, fill && st.fillVisible, rules, regions);
    } else if (fn === op.paintImage || fn === op.paintInlineImage || fn === op.paintImageMask) {
      if (regions.length < MAX_REGIONS) regions.push({ bbox: unitSquare(st.m), kind: 'image' });
    }
  }
  return { rules, regions };
}

function unitSquare(m: Matrix): BBox {
  const xs = [m[4], m[0] + m[4], m[2] + m[4], m[0] + m[2] + m[4]];
  const ys = [m[5], m[1] + m[5], m[3] + m[5], m[1] + m[3] + m[5]];
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Line width in page units: the CTM's scale applied to the user-space width (at least hairline). */
function pageLineWidth(st: GraphicsState): number {
  const sx = Math.hypot(st.m[0], st.m[1]), sy = Math.hypot(st.m[2], st.m[3]);
  return Math.max(0.1, st.lineWidth * Math.sqrt(Math.abs(sx * sy)) || 0.1);
}

function addPath(
  path: ArrayLike<number>,
  st: GraphicsState,
  stroke: boolean,
  fill: boolean,
  rules: Rule[],
  regions: Region[],
): void {
  const m = st.m;
  const lw = pageLineWidth(st);
  // Points of the current subpath in page space; `straight` stays true while only lines were seen.
  let pts: number[] = [];
  let straight = true;
  let sx = 0, sy = 0, cx = 0, cy = 0;
  const tx = (x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

  const flush = (closed: boolean) => {
    if (pts.length >= 4) {
      if (fill) fillSubpath(pts, straight, rules, regions);
      if (stroke) strokeSubpath(pts, closed, lw, rules);
    }
    pts = [];
    straight = true;
  };

  for (let i = 0; i < path.length; ) {
    const code = path[i++];
    if (code === PATH_MOVE) {
      flush(false);
      [cx, cy] = tx(path[i++], path[i++]);
      sx = cx; sy = cy;
      pts.push(cx, cy);
    } else if (code === PATH_LINE) {
      [cx, cy] = tx(path[i++], path[i++]);
      if (!pts.length) pts.push(sx, sy);
      pts.push(cx, cy);
    } else if (code === PATH_CURVE) {
      i += 4;
      [cx, cy] = tx(path[i++], path[i++]);
      straight = false;
      // A curve breaks the chain of straight segments: keep what came before as its own run.
      flush(false);
      pts.push(cx, cy);
      sx = cx; sy = cy;
    } else if (code === PATH_QUAD) {
      i += 2;
      [cx, cy] = tx(path[i++], path[i++]);
      straight = false;
      flush(false);
      pts.push(cx, cy);
      sx = cx; sy = cy;
    } else if (code === PATH_CLOSE) {
      if (pts.length >= 2 && (pts[pts.length - 2] !== pts[0] || pts[pts.length - 1] !== pts[1])) pts.push(pts[0], pts[1]);
      const x0 = pts[0] ?? cx, y0 = pts[1] ?? cy;
      flush(true);
      cx = sx = x0; cy = sy = y0;
      pts.push(cx, cy);
    } else {
      break; // unknown code: the rest of the array cannot be decoded reliably
    }
  }
  flush(false);
}

function strokeSubpath(pts: number[], _closed: boolean, lw: number, rules: Rule[]): void {
  for (let k = 0; k + 3 < pts.length; k += 2) {
    const x0 = pts[k], y0 = pts[k + 1], x1 = pts[k + 2], y1 = pts[k + 3];
    pushSegment(x0, y0, x1, y1, lw, rules);
  }
}

function pushSegment(x0: number, y0: number, x1: number, y1: number, lw: number, rules: Rule[]): void {
  const dx = Math.abs(x1 - x0), dy = Math.abs(y1 - y0);
  if (dy <= AXIS_TOLERANCE && dx >= MIN_RULE_LENGTH && dy < dx) {
    const y = (y0 + y1) / 2;
    rules.push({ x0: Math.min(x0, x1), y0: y, x1: Math.max(x0, x1), y1: y, orientation: 'h', width: lw });
  } else if (dx <= AXIS_TOLERANCE && dy >= MIN_RULE_LENGTH && dx < dy) {
    const x = (x0 + x1) / 2;
    rules.push({ x0: x, y0: Math.min(y0, y1), x1: x, y1: Math.max(y0, y1), orientation: 'v', width: lw });
  }
}

function fillSubpath(pts: number[], straight: boolean, rules: Rule[], regions: Region[]): void {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < pts.length; k += 2) {
    x0 = Math.min(x0, pts[k]); x1 = Math.max(x1, pts[k]);
    y0 = Math.min(y0, pts[k + 1]); y1 = Math.max(y1, pts[k + 1]);
  }
  const w = x1 - x0, h = y1 - y0;
  if (!straight || !isAxisRectangle(pts, x0, y0, x1, y1)) {
    // A filled polygon that is not a rectangle (glyph outlines, arrows, pie slices): a region only if big.
    if (w > 10 && h > 10 && regions.length < MAX_REGIONS) regions.push({ bbox: { x0, y0, x1, y1 }, kind: 'fill' });
    return;
  }
  if (h <= MAX_RULE_THICKNESS && w >= MIN_RULE_LENGTH && w > h) {
    const y = (y0 + y1) / 2;
    rules.push({ x0, y0: y, x1, y1: y, orientation: 'h', width: Math.max(h, 0.1) });
  } else if (w <= MAX_RULE_THICKNESS && h >= MIN_RULE_LENGTH && h > w) {
    const x = (x0 + x1) / 2;
    rules.push({ x0: x, y0, x1: x, y1, orientation: 'v', width: Math.max(w, 0.1) });
  } else if (w > MAX_RULE_THICKNESS && h > MAX_RULE_THICKNESS && regions.length < MAX_REGIONS) {
    regions.push({ bbox: { x0, y0, x1, y1 }, kind: 'fill' });
  }
}

/** Every vertex lies on the bounding box's edges and every edge is axis-aligned. */
function isAxisRectangle(pts: number[], x0: number, y0: number, x1: number, y1: number): boolean {
  const tol = 0.5;
  if (pts.length > 12) return false;
  for (let k = 0; k < pts.length; k += 2) {
    const x = pts[k], y = pts[k + 1];
    const onX = Math.abs(x - x0) <= tol || Math.abs(x - x1) <= tol;
    const onY = Math.abs(y - y0) <= tol || Math.abs(y - y1) <= tol;
    if (!onX || !onY) return false;
    if (k >= 2) {
      const px = pts[k - 2], py = pts[k - 1];
      if (Math.abs(px - x) > tol && Math.abs(py - y) > tol) return false;
    }
  }
  return true;
}
