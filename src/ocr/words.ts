/**
 * OCR words cleaned for the layout stages. Tesseract reads specks, photo texture and table borders as
 * low-confidence "words" ("|", "—", "ee"); they would otherwise become stray lines and break tables.
 */
import type { Word } from '../model/document.js';

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
  return words.filter((w) => !isNoise(w));
}

/**
 * OCR sizes come from each line's measured height and wobble by ±10% between lines of the same type
 * (a line without descenders measures shorter). The layout stages read size steps as headings, so
 * sizes within a few percent of each other are pulled to their common (character-weighted) median.
 */
export function harmonizeSizes(words: Word[], tolerance = 0.12): Word[] {
  const sizes = [...new Set(words.map((w) => w.fontSize))].sort((a, b) => a - b);
  if (sizes.length < 2) return words;
  const weight = new Map<number, number>();
  for (const w of words) weight.set(w.fontSize, (weight.get(w.fontSize) ?? 0) + [...w.text].length);
  const target = new Map<number, number>();
  let group: number[] = [];
  const flush = () => {
    if (!group.length) return;
    const total = group.reduce((t, s) => t + weight.get(s)!, 0);
    let acc = 0;
    let median = group[0]!;
    for (const s of group) {
      acc += weight.get(s)!;
      if (acc >= total / 2) { median = s; break; }
    }
    for (const s of group) target.set(s, median);
    group = [];
  };
  for (const s of sizes) {
    if (group.length && s > group[0]! * (1 + tolerance)) flush();
    group.push(s);
  }
  flush();
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
