/**
 * How much to scale an image before OCR. Tesseract reads best when lowercase letters are roughly
 * 20-30 px tall (10 pt at 300 dpi); screenshots carry 7-9 px x-heights and lose most words unless
 * enlarged, while 300-dpi scans are already there and only get slower when enlarged.
 */
import type { RasterImage } from '../ports/parsing.js';
import { estimateTextSize } from './raster.js';

export interface OcrScaleOptions {
  /** Median glyph-component height to aim for, in pixels. */
  targetTextHeight?: number;
  /** Never enlarge more than this. */
  maxUpscale?: number;
  /** Shrink when text is more than this many times the target (speed; 1 = never shrink). */
  shrinkAbove?: number;
  /** Pixel budget of the scaled image. */
  maxPixels?: number;
}

export const DEFAULT_TARGET_TEXT_HEIGHT = 22;

/**
 * The scale factor, the text height it was planned from (in pixels of the unscaled image), and
 * whether the page is speckled enough to need a median filter first.
 */
export function planOcrScale(gray: RasterImage, opts: OcrScaleOptions = {}): { scale: number; textHeight?: number; despeckle: boolean } {
  const target = opts.targetTextHeight ?? DEFAULT_TARGET_TEXT_HEIGHT;
  const maxUp = opts.maxUpscale ?? 4;
  const shrinkAbove = opts.shrinkAbove ?? 2.5;
  const size = estimateTextSize(gray);
  let scale = 1;
  if (size) {
    const want = target / size.median;
    // Quantised so nearby estimates give the same pixels (and small changes do not resample for nothing).
    if (want >= 1.25) scale = Math.min(maxUp, Math.round(want * 2) / 2);
    else if (shrinkAbove > 1 && 1 / want > shrinkAbove) scale = Math.max(0.25, (shrinkAbove / 2) * want);
  }
  const budget = opts.maxPixels ?? Infinity;
  const pixels = gray.width * gray.height;
  if (pixels * scale * scale > budget) scale = Math.sqrt(budget / pixels);
  const despeckle = !!size && size.specks > 200 && size.specks > 0.5 * size.count && size.median >= 10;
  return size ? { scale, textHeight: size.median, despeckle } : { scale, despeckle };
}
