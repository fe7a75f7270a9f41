/**
 * Tesseract's block/paragraph/line/word layout, as tesseract.js (Node) and the bare tesseract core
 * (Worker) both report it, and what is read from it the same way on every runtime.
 */
import type { QuarterTurn } from './geometry.js';

type TBox = { x0: number; y0: number; x1: number; y1: number };

export type TLine = {
  bbox: TBox;
  baseline: TBox;
  rowAttributes?: { rowHeight: number };
  words: { text: string; confidence: number; bbox: TBox }[];
};

export type TBlock = { paragraphs: { is_ltr: boolean; lines: TLine[] }[] };

/**
 * Which way the lines run, from their baselines. Tesseract reads sideways text (turned upright
 * internally) but reports boxes in the image as given, so the baselines' direction tells the turn.
 */
export function orientationFromBaselines(blocks: TBlock[]): QuarterTurn {
  const votes = [0, 0, 0, 0];
  for (const b of blocks) for (const p of b.paragraphs) for (const l of p.lines) {
    const dx = l.baseline.x1 - l.baseline.x0;
    const dy = l.baseline.y1 - l.baseline.y0;
    const len = Math.hypot(dx, dy);
    if (len < 1) continue;
    const weight = len * Math.max(1, l.words.length);
    if (Math.abs(dx) >= Math.abs(dy)) votes[dx > 0 ? 0 : 2]! += weight;
    else votes[dy < 0 ? 1 : 3]! += weight; // running upwards: turn clockwise by 90
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (votes[i]! > votes[best]!) best = i;
  return (best * 90) as QuarterTurn;
}
