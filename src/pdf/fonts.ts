/**
 * Font style from what pdf.js tells us about a font: its PostScript name (after the operator list has
 * loaded it) and the CSS fallback family pdf.js derived from the font descriptor flags.
 */

export interface FontStyle {
  name?: string;
  bold: boolean;
  italic: boolean;
  monospace: boolean;
}

const BOLD = /(bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold|[-,_ ]b$|[-,]bd$|[a-z]bd$|-sb$|-eb$|cmbx|cmb\d|sfbx|sfb\d|^bx\d|lmroman\d*-bold)/i;
const ITALIC = /(italic|oblique|slanted|[-,_ ]it$|[-,]i$|[a-z]it$|cmti|cmsl|cmmi|sfti|sfsl|-bi$)/i;
const MONO = /(mono|courier|consol|typewriter|cmtt|sftt|lmmono|fixed|menlo|inconsolata|sfmono|code)/i;

/** Subset prefixes ("ABCDEF+") carry no style information. */
export function baseFontName(name: string): string {
  return name.replace(/^[A-Z]{6}\+/, '');
}

export function fontStyle(name: string | undefined, family?: string, flags?: { bold?: boolean; italic?: boolean }): FontStyle {
  const base = name ? baseFontName(name) : '';
  return {
    name: base || undefined,
    bold: !!flags?.bold || (base !== '' && BOLD.test(base)),
    italic: !!flags?.italic || (base !== '' && ITALIC.test(base)),
    monospace: family === 'monospace' || (base !== '' && MONO.test(base)),
  };
}
