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
 * The words of a document, lower-cased: how it spells a word elsewhere decides whether a hyphen at a
 * line end was put there by the typesetter ("exam-ple") or belongs to the word ("memory-efficient").
 */
export type Vocabulary = ReadonlySet<string>;

const TOKEN_EDGE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/** Builds a Vocabulary from word texts; words broken at a line end ("exam-") are left out. */
export function buildVocabulary(texts: Iterable<string>): Set<string> {
  const vocab = new Set<string>();
  for (const t of texts) {
    for (const raw of t.split(/\s+/)) {
      if (!raw || HYPHENS.has(raw[raw.length - 1])) continue;
      const w = raw.replace(TOKEN_EDGE, '').toLowerCase();
      if (w.length > 1) vocab.add(w);
    }
  }
  return vocab;
}

/**
 * Second halves that make compound adjectives ("memory-efficient", "data-driven"): after a line-end
 * hyphen that follows a whole word of four letters or more they keep it (shorter first halves are
 * mostly prefixes of one word: "un-known", "re-source"), unless the document spells the joined word.
 */
const COMPOUND_SECOND = new Set([
  'based', 'efficient', 'aware', 'free', 'specific', 'level', 'oriented', 'driven', 'dependent', 'independent',
  'related', 'like', 'wide', 'scale', 'intensive', 'sensitive', 'critical', 'grained', 'defined', 'agnostic',
  'compatible', 'safe', 'tolerant', 'friendly', 'centric', 'enabled', 'powered', 'bound', 'proof', 'ready',
  'making', 'known', 'trained', 'tuned', 'annotated', 'generated', 'supervised', 'art', 'step', 'term', 'world',
  'range', 'quality', 'order', 'source',
]);
/** First halves that are hyphenated prefixes ("self-attention", "cross-validation", "non-zero"). */
const COMPOUND_FIRST = new Set(['self', 'cross', 'non', 'well', 'state', 'end']);

/** Keep the hyphen of `left-` + `right` (`right` lower-case letters after a line break)? */
export function keepsHyphen(left: string, right: string, vocab?: Vocabulary): boolean {
  const l = left.toLowerCase(), r = right.toLowerCase();
  if (!l || !r) return false;
  if (vocab) {
    const joined = vocab.has(l + r), hyphenated = vocab.has(`${l}-${r}`);
    if (joined !== hyphenated) return hyphenated;
  }
  // A compound already under way ("end-to-", "state-of-the-") goes on with hyphens.
  if (l.includes('-')) return true;
  if (COMPOUND_FIRST.has(l)) return true;
  return l.length >= 4 && COMPOUND_SECOND.has(r);
}

/**
 * Joins the texts of consecutive lines of one block: a word broken at a line end with a hyphen is put
 * back together when the next line goes on in lower case ("exam-" + "ple" → "example"), unless the
 * halves make a hyphenated compound (see keepsHyphen); a hyphen before an upper-case or digit
 * continuation is a real compound hyphen and is kept without a space.
 */
export function joinLines(lines: readonly string[], vocab?: Vocabulary): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) { out = line; continue; }
    const last = out[out.length - 1];
    const prev = out[out.length - 2] ?? '';
    const first = line[0];
    if (HYPHENS.has(last) && /\p{L}/u.test(prev)) {
      if (/\p{Ll}/u.test(first)) {
        const left = /[\p{L}\p{N}-]*$/u.exec(out.slice(0, -1))![0].replace(/^-+/, '');
        const right = /^\p{L}+/u.exec(line)![0];
        out = keepsHyphen(left, right, vocab) && last !== '\u00ad' ? out.slice(0, -1) + '-' + line : out.slice(0, -1) + line;
      } else out += line;
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
 * Chinese and Japanese characters are one-letter words by nature and are never spaced apart: a line of
 * them is left to the ordinary spacing rules, and inside a collapsed line two of them stay together.
 */
export function collapseLetterSpacing(tokens: { text: string; gapBefore: number }[]): string | null {
  if (tokens.length < 4) return null;
  // Only letters and digits count: dot leaders (". . . .") are single characters too, and a table of
  // contents line "Trademarks . . . . viii" is not letter-spaced.
  let words = 0, singles = 0, cjk = 0;
  for (const t of tokens) {
    if (!/[\p{L}\p{N}]/u.test(t.text)) continue;
    words++;
    const chars = Array.from(t.text);
    if (chars.length === 1) singles++;
    if (chars.some((c) => isCjk(c))) cjk++;
  }
  if (words < 4 || cjk * 2 > words) return null;
  if (singles / words < 0.8) return null;
  const gaps = tokens.slice(1).map((t) => t.gapBefore).sort((a, b) => a - b);
  const small = gaps[Math.floor(gaps.length * 0.3)];
  let out = tokens[0].text;
  for (let i = 1; i < tokens.length; i++) {
    const joinCjk = isCjk(out[out.length - 1]) && isCjk(tokens[i].text[0]);
    out += (!joinCjk && tokens[i].gapBefore > small * 1.8 + 0.5 ? ' ' : '') + tokens[i].text;
  }
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
