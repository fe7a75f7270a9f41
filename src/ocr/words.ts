/**
 * OCR words cleaned for the layout stages. Tesseract reads specks, photo texture and table borders as
 * low-confidence "words" ("|", "—", "ee"); they would otherwise become stray lines and break tables.
 */
import type { Word } from '../model/document.js';
import { isCjkChar } from './script.js';

const HAS_ALNUM = /[\p{L}\p{N}]/u;

export function isNoise(w: Word): boolean {
  const conf = w.confidence ?? 100;
  const t = w.text.trim();
  if (!t) return true;
  // Unsure words that still carry a real word ("uncommon.[\"?ll'%]": text with a misread
  // superscript) are kept: dropping them loses the text and leaves gaps that look like gutters.
  if (conf < 15 && !/[\p{L}\p{N}]{3,}/u.test(t)) return true;
  // Border fragments and specks: no letter or digit, read with little confidence.
  if (!HAS_ALNUM.test(t) && conf < 50 && !/^[.,:;!?%$€£&@#*+=()[\]{}"'“”‘’\-–—•·]+$/.test(t)) return true;
  if (!HAS_ALNUM.test(t) && conf < 30) return true;
  const box = w.bbox;
  // Rules read as "|" or "_" runs: much taller than wide, or long and flat.
  if (/^[|!l1I_\-–—=]+$/.test(t) && conf < 60 && (box.y1 - box.y0 > 4 * (box.x1 - box.x0) || box.x1 - box.x0 > 8 * (box.y1 - box.y0))) return true;
  return false;
}

export function cleanWords(words: Word[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    if (!isNoise(w)) { out.push(w); continue; }
    // The dropped word ended its line: the word before it now does (spaceAfter says "the next word
    // of this line follows", which the layout stages trust over wide gaps).
    const prev = out[out.length - 1];
    if (prev && prev.spaceAfter && !w.spaceAfter) out[out.length - 1] = { ...prev, spaceAfter: false };
  }
  return out;
}

/**
 * OCR sizes come from each line's measured height and wobble by ±10% between lines of the same type
 * (a line without descenders measures shorter). The layout stages read size steps as headings, so
 * sizes within a few percent of a more common size are pulled to it.
 */
export function harmonizeSizes(words: Word[], tolerance = 0.12): Word[] {
  const weight = new Map<number, number>();
  for (const w of words) weight.set(w.fontSize, (weight.get(w.fontSize) ?? 0) + [...w.text].length);
  if (weight.size < 2) return words;
  // Greedy, from the most used size down: each size takes the unassigned sizes within tolerance.
  const target = new Map<number, number>();
  for (const [s] of [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    if (target.has(s)) continue;
    for (const t of weight.keys()) if (!target.has(t) && Math.abs(t / s - 1) <= tolerance) target.set(t, s);
  }
  return words.map((w) => (target.get(w.fontSize) === w.fontSize ? w : { ...w, fontSize: target.get(w.fontSize)! }));
}

/**
 * The font size (em) a word's ink box implies: a box reaching from the baseline to the x-height is
 * about half an em, to the cap height three quarters, with descenders a fifth more. Measured this way
 * one-word lines (table cells, labels) and full lines of the same type get the same size.
 */
export function emFromBox(text: string, height: number): number | null {
  if (!(height > 0)) return null;
  let top: number;
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(text)) return height / 0.88;
  if (/[A-Z0-9bdfhiklt!?%&$#@/\\ÀÁÂÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜßÆŒ]/.test(text)) top = 0.72;
  else if (/[acemnorsuvwxz]/.test(text)) top = 0.5;
  else return null;
  const descends = /[gjpqyQ()[\]{}|;,@]/.test(text);
  return height / (top + (descends ? 0.21 : 0));
}

/**
 * Tesseract returns Chinese and Japanese text as one "word" per character or two, with uneven gaps;
 * spacing heuristics made for Latin would put spaces between them. Runs of CJK words that follow each
 * other on a line without a space are joined into one word.
 */
export function mergeCjkRuns(words: Word[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    const prev = out[out.length - 1];
    if (prev && prev.spaceAfter === false && isCjkChar([...prev.text].pop()) && isCjkChar([...w.text][0]) && sameLine(prev, w)) {
      out[out.length - 1] = {
        ...prev,
        text: prev.text + w.text,
        bbox: { x0: Math.min(prev.bbox.x0, w.bbox.x0), y0: Math.min(prev.bbox.y0, w.bbox.y0), x1: Math.max(prev.bbox.x1, w.bbox.x1), y1: Math.max(prev.bbox.y1, w.bbox.y1) },
        confidence: Math.min(prev.confidence ?? 100, w.confidence ?? 100),
        spaceAfter: w.spaceAfter,
      };
    } else {
      out.push(w);
    }
  }
  return out;
}

function sameLine(a: Word, b: Word): boolean {
  const overlap = Math.min(a.bbox.y1, b.bbox.y1) - Math.max(a.bbox.y0, b.bbox.y0);
  const h = Math.min(a.bbox.y1 - a.bbox.y0, b.bbox.y1 - b.bbox.y0);
  const gap = b.bbox.x0 - a.bbox.x1;
  return overlap > 0.3 * h && gap > -0.5 * a.fontSize && gap < 1.5 * a.fontSize;
}
