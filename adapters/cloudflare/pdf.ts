/**
 * The Worker's PdfDriver: pdf.js 5.6.205 as built by unpdf for serverless runtimes (plain pdfjs-dist
 * needs DOMMatrix and fails in workerd). Nothing is fetched: CMaps come from the bundle, standard font
 * programs (only needed to draw glyphs, not to read text) and wasm image decoders are left out.
 */
import * as pdfjs from 'unpdf/pdfjs';
import type { PDFDocumentProxy, PdfDriver } from '../../src/ports/parsing.js';
import { pdfjsLoadOptions } from '../../src/pdf/load-options.js';
import { CMAPS } from './cmaps.js';

/** pdf.js asks its BinaryDataFactory for `${cMapUrl}${name}.bcmap`; ours answers from the bundle. */
class BundledBinaryData {
  constructor(_opts: { cMapUrl?: string | null; standardFontDataUrl?: string | null; wasmUrl?: string | null }) {}

  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    if (kind === 'cMapUrl') {
      const data = CMAPS[filename.replace(/\.bcmap$/, '')];
      if (data) return new Uint8Array(data);
    }
    throw new Error(`${kind} ${filename} is not bundled`);
  }
}

export function createWorkerPdfDriver(opts: { verbosity?: number } = {}): PdfDriver {
  const base = {
    ...pdfjsLoadOptions(opts.verbosity ?? 0),
    // Any non-empty prefix: the factory above never fetches it.
    cMapUrl: 'bundle:/cmaps/',
    useWorkerFetch: false,
    BinaryDataFactory: BundledBinaryData,
    useWasm: false,
  };
  return {
    OPS: pdfjs.OPS as unknown as Record<string, number>,
    async open(data, { password, signal }) {
      signal?.throwIfAborted();
      const task = pdfjs.getDocument({ ...base, data, password } as Parameters<typeof pdfjs.getDocument>[0]);
      const onAbort = () => void task.destroy();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return (await task.promise) as unknown as PDFDocumentProxy;
      } catch (e) {
        await task.destroy().catch(() => {});
        throw e;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
