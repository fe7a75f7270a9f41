/**
 * The Node PdfDriver: pdfjs-dist's legacy build (the one that runs on Node 20) with fonts, CMaps and
 * wasm decoders read from the installed package, so nothing is fetched and CJK text keeps its CMaps.
 * Its worker half runs in worker threads (or in this thread), patched: see pdf-worker.ts.
 */
// First: it records the builtins before pdf.js' polyfills replace them.
import { restoreBuiltins } from './builtins.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PdfDriver } from '../../src/ports/parsing.js';
import { installPdfWorker, PdfThreadPool, type PdfThreadLease, type PdfWorkerKind } from './pdf-worker.js';
import { DocinlineError } from '../../src/errors.js';
import { pdfjsLoadOptions } from '../../src/pdf/load-options.js';

/** What a document's caller is told when its pdf.js thread stops under it. */
function threadFailure(e: Error): DocinlineError {
  const code = (e as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new DocinlineError('invalid_document', 'The PDF could not be parsed: reading it needed more memory than the parser may use.', { cause: e });
  }
  return new DocinlineError('internal_error', 'The PDF parser stopped while reading the document.', { cause: e });
}

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('pdfjs-dist/package.json'));

restoreBuiltins();

export interface NodePdfDriverOptions {
  /** pdf.js verbosity (0 errors only); its warnings about odd PDFs are noise for a converter. */
  verbosity?: number;
  /**
   * pdf.js threads (see pdf-worker.ts): documents are parsed in up to this many worker threads,
   * shared by every driver of the process that asks for the same number. 0 parses in this thread.
   * Default 1: parsing leaves the caller's event loop free and overlaps with the layout stages.
   */
  threads?: number;
}

const pools = new Map<number, PdfThreadPool>();

function threadPool(size: number): PdfThreadPool {
  let pool = pools.get(size);
  if (!pool) {
    pool = new PdfThreadPool(size, (port) => new pdfjs.PDFWorker({ port: port as never, verbosity: 0 }), { maxYoungGenerationSizeMb: 24 });
    pools.set(size, pool);
  }
  return pool;
}

/** Loads pdf.js' worker half ahead of the first document: starts the threads, or installs it here. */
export async function warmPdfWorker(threads = DEFAULT_THREADS): Promise<PdfWorkerKind[]> {
  const kinds = threads > 0 ? await threadPool(threads).warm() : [await installPdfWorker()];
  restoreBuiltins();
  return kinds;
}

/** Ends every pdf.js thread (they do not keep the process alive; this is for tests and shutdown). */
export async function closePdfThreads(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

const DEFAULT_THREADS = 1;

export function createNodePdfDriver(opts: NodePdfDriverOptions = {}): PdfDriver {
  const threads = Math.max(0, Math.floor(opts.threads ?? DEFAULT_THREADS));
  const base = {
    ...pdfjsLoadOptions(opts.verbosity ?? 0),
    standardFontDataUrl: join(pkgDir, 'standard_fonts') + '/',
    cMapUrl: join(pkgDir, 'cmaps') + '/',
    wasmUrl: join(pkgDir, 'wasm') + '/',
  };
  return {
    OPS: pdfjs.OPS as unknown as Record<string, number>,
    async open(data, { password, signal, onFatal }) {
      signal?.throwIfAborted();
      let lease: PdfThreadLease | undefined;
      if (threads > 0) {
        lease = threadPool(threads).acquire();
        // Nothing pdf.js was asked for this document will ever answer once its thread is gone.
        lease.onDeath((e) => onFatal?.(threadFailure(e)));
      } else {
        // The patched worker half must be in place before pdf.js sets up its in-process worker.
        await installPdfWorker();
        restoreBuiltins();
      }
      const task = pdfjs.getDocument({ ...base, data, password, ...(lease ? { worker: lease.pdfWorker as InstanceType<typeof pdfjs.PDFWorker> } : {}) });
      const onAbort = () => void task.destroy().finally(() => lease?.release());
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const doc = (await task.promise) as unknown as PDFDocumentProxy;
        if (lease) {
          const destroy = doc.destroy.bind(doc);
          doc.destroy = () => destroy().finally(() => lease.release());
        }
        return doc;
      } catch (e) {
        await task.destroy().catch(() => {});
        lease?.release();
        throw e;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
