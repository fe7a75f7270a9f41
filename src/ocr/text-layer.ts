/**
 * Is a PDF page's text layer worth keeping, or should the page be OCR'd? 'none': no text at all (a
 * scan). 'garbage': text that does not read: glyphs without a Unicode mapping (U+FFFD, private-use
 * code points, control characters), or fonts whose codes map onto the wrong letters, which shows as
 * "words" with no vowels or no letters at all. A scan with a stray page-number stamp over a
 * full-page image is treated as 'none' too: the stamp is not the page.
 */
import type { Region, Word } from '../model/document.js';

export type TextLayerQuality = 'good' | 'garbage' | 'none';

function classify(c: number): 'bad' | 'letter' | 'digit' | 'space' | 'other' {
  if (c === 0xfffd) return 'bad';
  if ((c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000) return 'bad'; // private use: unmapped glyph codes
  if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return 'bad';
  if (c >= 0x7f && c < 0xa0) return 'bad';
  if (c === 0x20 || c === 0xa0 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000) return 'space';
  if (c >= 0x30 && c <= 0x39) return 'digit';
  const ch = String.fromCodePoint(c);
  if (/\p{L}|\p{M}/u.test(ch)) return 'letter';
  if (/\p{N}/u.test(ch)) return 'digit';
  return 'other';
}

/** Latin words should mostly carry a vowel; text from a font with a wrong encoding mostly does not. */
function latinWordScore(words: Word[]): { latin: number; voweled: number } {
  let latin = 0;
  let voweled = 0;
  for (const w of words) {
    const t = w.text.replace(/[^A-Za-z]/g, '');
    if (t.length < 3 || t.length !== w.text.replace(/[\p{P}\p{S}\d]/gu, '').length) continue;
    latin++;
    if (/[aeiouyAEIOUY]/.test(t)) voweled++;
  }
  return { latin, voweled };
}

export function assessTextLayer(
  words: Word[],
  page: { width: number; height: number; regions?: Region[] },
): TextLayerQuality {
  let total = 0;
  let bad = 0;
  let letters = 0;
  let digits = 0;
  let other = 0;
  for (const w of words) {
    for (const ch of w.text) {
      const k = classify(ch.codePointAt(0)!);
      if (k === 'space') continue;
      total++;
      if (k === 'bad') bad++;
      else if (k === 'letter') letters++;
      else if (k === 'digit') digits++;
      else other++;
    }
  }
  if (total === 0) return 'none';
  if (bad / total >= 0.25) return 'garbage';
  // Punctuation soup: a font mapped onto symbols.
  if (total >= 40 && (letters + digits) / total < 0.4 && other / total > 0.45) return 'garbage';
  const { latin, voweled } = latinWordScore(words);
  if (latin >= 20 && voweled / latin < 0.5) return 'garbage';
  // A handful of characters over a page-sized image: a scan with a stamp or a header.
  if (total < 60 && page.regions?.length) {
    const area = page.width * page.height;
    const covered = Math.max(0, ...page.regions.filter((r) => r.kind === 'image').map((r) => (r.bbox.x1 - r.bbox.x0) * (r.bbox.y1 - r.bbox.y0)));
    if (area > 0 && covered / area > 0.6) return 'none';
  }
  return 'good';
}
