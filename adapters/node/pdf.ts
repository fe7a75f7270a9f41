/**
 * The Node PdfDriver: pdfjs-dist's legacy build (the one that runs on Node 20) with fonts, CMaps and
 * wasm decoders read from the installed package, so nothing is fetched and CJK text keeps its CMaps.
 */
// First: it records the native builtins before pdf.js' polyfills replace them.
import { restoreNativeBuiltins } from './native-builtins.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PdfDriver } from '../../src/ports/parsing.js';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('pdfjs-dist/package.json'));

restoreNativeBuiltins();

export interface NodePdfDriverOptions {
  /** pdf.js verbosity (0 errors only); its warnings about odd PDFs are noise for a converter. */
  verbosity?: number;
}

export function createNodePdfDriver(opts: NodePdfDriverOptions = {}): PdfDriver {
  const base = {
    standardFontDataUrl: join(pkgDir, 'standard_fonts') + '/',
    cMapUrl: join(pkgDir, 'cmaps') + '/',
    cMapPacked: true,
    wasmUrl: join(pkgDir, 'wasm') + '/',
    verbosity: opts.verbosity ?? 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  };
  return {
    OPS: pdfjs.OPS as unknown as Record<string, number>,
    async open(data, { password, signal }) {
      signal?.throwIfAborted();
      const task = pdfjs.getDocument({ ...base, data, password });
      const onAbort = () => void task.destroy();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const doc = (await task.promise) as unknown as PDFDocumentProxy;
        // The worker half of pdf.js (loaded with the first document) installs the same polyfill.
        restoreNativeBuiltins();
        return doc;
      } catch (e) {
        await task.destroy().catch(() => {});
        throw e;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
