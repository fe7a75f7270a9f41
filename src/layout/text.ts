/** Text normalisation for lines and blocks: ligatures, odd spacing, hyphenation at line ends. */

const LIGATURES: Record<string, string> = {
  '\ufb00': 'ff', '\ufb01': 'fi', '\ufb02': 'fl', '\ufb03': 'ffi', '\ufb04': 'ffl', '\ufb05': 'st', '\ufb06': 'st',
  '\u0132': 'IJ', '\u0133': 'ij', '\u0152': 'OE', '\u0153': 'oe', '\u00c6': 'AE', '\u00e6': 'ae',
};
const LIG_RE = /[\ufb00-\ufb06]/g;

/** Expands typographic ligatures, drops soft hyphens and zero-width marks, folds odd spaces. */
export function normalizeText(s: string): string {
  if (/[\u0600-\u06ff]/.test(s)) s = fixLamAlef(s);
  return s
    .replace(LIG_RE, (c) => LIGATURES[c] ?? c)
    .replace(/[\u00ad\u200b\u200c\u200d\u2060\ufeff]/g, '')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''));
}

/** Scripts written without spaces between words (Chinese, Japanese); Korean Hangul uses spaces. */
const CJK_CHAR = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
export const isCjk = (ch: string | undefined) => !!ch && CJK_CHAR.test(ch);

const HYPHENS = new Set(['-', '\u2010', '\u00ad']);

/**
 * Joins the texts of consecutive lines of one block: a word broken at a line end with a hyphen is put
 * back together when the next line goes on in lower case ("exam-" + "ple" → "example"); a hyphen before
 * an upper-case or digit continuation is a real compound hyphen and is kept without a space.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) { out = line; continue; }
    const last = out[out.length - 1];
    const prev = out[out.length - 2] ?? '';
    const first = line[0];
    if (HYPHENS.has(last) && /\p{L}/u.test(prev)) {
      if (/\p{Ll}/u.test(first)) out = out.slice(0, -1) + line;
      else out += line;
    } else if (isCjk(last) && isCjk(first)) {
      out += line;
    } else {
      out += ' ' + line;
    }
  }
  return out;
}

/**
 * Letter-spaced text ("T I T L E") comes out of PDFs as one-letter words. When most of a line's words are
 * single letters, the spacing between letters is the normal gap and only wider gaps are real spaces.
 */
export function collapseLetterSpacing(tokens: { text: string; gapBefore: number }[]): string | null {
  if (tokens.length < 4) return null;
  const singles = tokens.filter((t) => Array.from(t.text).length === 1).length;
  if (singles / tokens.length < 0.8) return null;
  const gaps = tokens.slice(1).map((t) => t.gapBefore).sort((a, b) => a - b);
  const small = gaps[Math.floor(gaps.length * 0.3)];
  let out = tokens[0].text;
  for (let i = 1; i < tokens.length; i++) out += (tokens[i].gapBefore > small * 1.8 + 0.5 ? ' ' : '') + tokens[i].text;
  return out;
}

/**
 * pdf.js reverses right-to-left runs after mapping glyphs to text, so a lam-alef ligature mapped to two
 * letters comes out backwards: "لأ" as "أل", "لا" as "ال". After an alef ("ا" + "أل", "ا" + "ال") that
 * order cannot occur in Arabic or Persian (two alefs in a row), so it is put back ("الأ", "الا").
 */
export function fixLamAlef(s: string): string {
  return s.replace(/ا([اأإآ])ل/g, 'ال$1');
}
