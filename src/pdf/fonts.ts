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
const MONO = /(mono|courier|consol|typewriter|cmtt|sftt|lmmono|fixed|menlo|inconsolata|sfmono|sourcecode|firacode|cascadiacode|jetbrainsmono)/i;
/** Families known to be proportional: their fixed-pitch flag (often set wrongly) is not believed. */
const PROPORTIONAL = /^(arial|helvetica|times|liberation(sans|serif)|dejavu(sans|serif)(?!mono)|calibri|cambria|verdana|tahoma|georgia|garamond|palatino|bookantiqua|century|segoe|roboto(?!mono)|opensans|noto(sans|serif)(?!mono)|frutiger|myriad|minion|optima|futura|gillsans|lucida(sans|bright)|trebuchet|candara|corbel|constantia|franklin|symbol|wingdings|opensymbol)/i;

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
    monospace: (base !== '' && MONO.test(base)) || (family === 'monospace' && !PROPORTIONAL.test(base.replace(/[\s_-]/g, ''))),
  };
}
