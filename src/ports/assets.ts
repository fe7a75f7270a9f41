/**
 * Static files a runtime can serve from its own installation, for the playground: pdf.js' browser build
 * (build/pdf.min.mjs, build/pdf.worker.min.mjs) and its cmaps/, standard_fonts/, wasm/ and iccs/ data,
 * under /ui/pdfjs/. Node reads them from the installed pdfjs-dist; a runtime without them leaves the
 * port out, and the playground then draws the outlines of PDF pages on blank sheets.
 */
export interface StaticFiles {
  /**
   * The file at `path` (relative, '/'-separated, each segment [A-Za-z0-9._-] and not starting with a
   * dot: the route checks this before calling), or null when there is none.
   */
  get(path: string): Promise<{ body: Uint8Array | ReadableStream<Uint8Array>; size?: number } | null>;
}
