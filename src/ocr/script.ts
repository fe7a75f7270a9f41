/**
 * Scripts and languages. Tesseract's orientation/script detection (OSD) names a script; these tables
 * say which language packs read it, so a page in Han script gets `chi_tra` added while English pages
 * never pay for the (slower) CJK models.
 */

/** Language packs for an OSD script name, most preferred first. */
export const SCRIPT_LANGUAGES: Record<string, string[]> = {
  Han: ['chi_tra', 'chi_sim', 'jpn'],
  Japanese: ['jpn'],
  Katakana: ['jpn'],
  Hiragana: ['jpn'],
  Hangul: ['kor'],
  Cyrillic: ['rus', 'ukr'],
  Greek: ['ell'],
  Arabic: ['ara'],
  Hebrew: ['heb'],
  Devanagari: ['hin'],
  Thai: ['tha'],
};

/** The first installed pack for `script` that is not already requested, if any. */
export function languageForScript(script: string | null | undefined, installed: readonly string[], requested: readonly string[]): string | null {
  if (!script) return null;
  for (const lang of SCRIPT_LANGUAGES[script] ?? []) {
    if (requested.includes(lang)) return null;
    if (installed.includes(lang)) return lang;
  }
  return null;
}

/** Ideographic and kana characters: written without spaces between words. */
export function isCjkChar(ch: string | undefined): boolean {
  if (!ch) return false;
  const c = ch.codePointAt(0)!;
  return (
    (c >= 0x3040 && c <= 0x30ff) || // kana
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x3000 && c <= 0x303f) || // CJK punctuation
    (c >= 0xff00 && c <= 0xffef) || // full-width forms
    (c >= 0x20000 && c <= 0x2ffff)
  );
}

/** Whether two OCR words that follow each other on a line are separated by a space when read. */
export function spaceBetween(left: string, right: string): boolean {
  const a = [...left].pop();
  const b = [...right][0];
  return !(isCjkChar(a) && isCjkChar(b));
}

/** Language codes are used in file names: only plain identifiers are accepted. */
export function isValidLanguageCode(lang: string): boolean {
  return /^[a-z][a-z0-9_]{1,31}$/i.test(lang);
}
