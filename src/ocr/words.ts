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
