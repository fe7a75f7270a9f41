/**
 * pdf.js getDocument() options every runtime's PdfDriver shares; each adds where its CMaps (and, on
 * Node, fonts and wasm decoders) come from.
 */
export function pdfjsLoadOptions(verbosity = 0) {
  return {
    // The bundled CMaps are pdf.js' packed (.bcmap) ones on every runtime.
    cMapPacked: true,
    verbosity,
    // pdf.js would otherwise turn parts of a document (PostScript functions, glyph outlines) into
    // JavaScript with new Function: nothing from a document's bytes becomes code.
    isEvalSupported: false,
    // Text and geometry only: no runtime has (or needs) the FontFace API or the host's fonts.
    disableFontFace: true,
    useSystemFonts: false,
    // A damaged document yields what can be read of it rather than nothing.
    stopAtErrors: false,
  };
}
