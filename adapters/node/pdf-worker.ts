/**
 * pdf.js' worker half (the part that parses PDFs), run in worker threads of this process, or in this
 * thread, with a few exact source patches applied to the pinned pdfjs-dist build when every one of
 * them matches:
 *
 * - An operator list fetched with `page.getOperatorList()` (pdf.js marks those with the OPLIST intent)
 *   carries geometry only: image paint operators keep their matrix and pixel size but the pixels are
 *   not decoded, glyph outlines are not compiled (pdf.js does that because fonts cannot be loaded as
 *   font faces in Node), and shadings are not evaluated. The engine reads text from getTextContent and
 *   only positions from the operator list; this was 35-40% of pdf.js' time on the evaluation corpus.
 *   Such a list has the same operators as before except `dependency` (the image data it would wait
 *   for) and empty glyph arrays in the text-showing operators.
 *   Rendering (`page.render`, used for OCR) never has that intent and gets everything, as before.
 *   Type3 glyph procedures are left alone (their operator lists are cached in the font and reused
 *   when rendering).
 * - Flate and Brotli streams are inflated with zlib's synchronous calls instead of a Web
 *   DecompressionStream per stream (whose stream machinery cost more than the inflating). A stream
 *   zlib rejects falls back to pdf.js' own lenient decoder, as a failed DecompressionStream did.
 *
 * If the installed build differs (a patch does not match exactly once), the stock worker is used.
 *
 * Threads: pdf.js talks to its worker through a message port, so the worker half can live in a
 * `worker_threads` thread while the API half (and the layout stages) stay here. Parsing then leaves
 * this event loop free (the server keeps streaming answers while a PDF is read), two cores work on
 * one document (pdf.js in its thread, layout here), and a batch needs one pdf.js heap per thread
 * instead of one whole engine per lane. This module must not load pdf.js itself (see builtins.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Script, constants as vmConstants } from 'node:vm';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { brotliDecompressSync, inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);

/** The name the patched worker looks up its synchronous inflater under. */
const INFLATE_HOOK = 'docinline.pdfjs.inflateSync';

interface Patch {
  why: string;
  find: string;
  replace: string;
}

const PATCHES: Patch[] = [
  {
    why: 'operator lists fetched with getOperatorList() are geometry-only',
    find: '    const partialEvaluator = this.#createPartialEvaluator(handler, pageIndex);\n    const newAnnotsByPage',
    replace:
      '    const partialEvaluator = this.#createPartialEvaluator(handler, pageIndex);\n' +
      '    if (intent & RenderingIntentFlag.OPLIST) partialEvaluator.geometryOnly = true;\n' +
      '    const newAnnotsByPage',
  },
  {
    why: 'no glyphs in a geometry-only operator list (the text comes from getTextContent)',
    find: '  handleText(chars, state) {\n    const font = state.font;\n    const glyphs = font.charsToGlyphs(chars);',
    replace:
      '  handleText(chars, state) {\n    if (this.geometryOnly && !this.parsingType3Font) {\n      return [];\n    }\n' +
      '    const font = state.font;\n    const glyphs = font.charsToGlyphs(chars);',
  },
  {
    why: 'no glyph outlines in a geometry-only operator list',
    find: '      if (isAddToPathSet || state.fillColorSpace.name === "Pattern" || state.strokeColorSpace.name === "Pattern" || font.disableFontFace) {\n        PartialEvaluator.buildFontPaths(',
    replace:
      '      if (!(this.geometryOnly && !this.parsingType3Font) && (isAddToPathSet || state.fillColorSpace.name === "Pattern" || state.strokeColorSpace.name === "Pattern" || font.disableFontFace)) {\n        PartialEvaluator.buildFontPaths(',
  },
  {
    why: 'no image decoding in a geometry-only operator list',
    find: '    let imgData, fn, args;\n    if (imageMask) {',
    replace:
      '    let imgData, fn, args;\n' +
      '    if (this.geometryOnly && !this.parsingType3Font) {\n' +
      '      if (imageMask || isInline) {\n' +
      '        operatorList.addImageOps(imageMask ? OPS.paintImageMaskXObject : OPS.paintInlineImageXObject, [{ data: null, width: w, height: h, interpolate: false, count: 1 }], optionalContent);\n' +
      '      } else {\n' +
      '        operatorList.addImageOps(OPS.paintImageXObject, [`img_geometry_${this.idFactory.createObjId()}`, w, h], optionalContent, dict.has("SMask") || dict.has("Mask"));\n' +
      '      }\n' +
      '      return;\n' +
      '    }\n' +
      '    if (imageMask) {',
  },
  {
    why: 'no shading evaluation in a geometry-only operator list',
    find: '    let id = localShadingPatternCache.get(shading);\n    if (id) {\n      return id;\n    }\n    let patternIR;',
    replace:
      '    if (this.geometryOnly && !this.parsingType3Font) {\n      return "pattern_geometry";\n    }\n' +
      '    let id = localShadingPatternCache.get(shading);\n    if (id) {\n      return id;\n    }\n    let patternIR;',
  },
  {
    why: 'text content in fewer, bigger messages (each one costs a thread hop)',
    find: 'const TEXT_CHUNK_BATCH_SIZE = 10;',
    replace: 'const TEXT_CHUNK_BATCH_SIZE = 500;',
  },
  {
    why: 'synchronous zlib instead of a DecompressionStream per stream',
    find: '    const bytes = this.stream.isAsync ? await this.stream.asyncGetBytes() : this.stream.getBytes();\n    try {\n      const {\n        readable,\n        writable\n      } = new DecompressionStream(name);',
    replace:
      '    const bytes = this.stream.isAsync ? await this.stream.asyncGetBytes() : this.stream.getBytes();\n    try {\n' +
      `      const inflated = globalThis[Symbol.for(${JSON.stringify(INFLATE_HOOK)})]?.(name, bytes);\n` +
      '      if (inflated) {\n        return {\n          decompressed: inflated,\n          compressed: bytes\n        };\n      }\n' +
      '      const {\n        readable,\n        writable\n      } = new DecompressionStream(name);',
  },
];

/** The worker is an ES module; as a script it ends without its export (it sets globalThis.pdfjsWorker). */
const SCRIPT_PATCHES: Patch[] = [
  { why: 'run as a script', find: '\nexport { WorkerMessageHandler };\n', replace: '\n' },
];

/**
 * Applies every patch, or none: returns null when the source is not the build they were written for.
 * The result is a classic script body (no `export`, no `import.meta`), to run with `vm`; with `wrap`
 * it is `(function () { … })`. Built in one pass: the source is 2.3 MB, and a copy per patch would
 * leave tens of MB of garbage strings in the large-object space.
 */
export function patchWorkerSource(source: string, fileUrl: string, wrap = false): string | null {
  const edits: { at: number; len: number; text: string }[] = [];
  for (const p of [...PATCHES, ...SCRIPT_PATCHES]) {
    const at = source.indexOf(p.find);
    if (at < 0 || source.indexOf(p.find, at + 1) >= 0) return null;
    edits.push({ at, len: p.find.length, text: p.replace });
  }
  // Two emscripten loaders ask for their own URL (to find .wasm files next to them; pdf.js passes
  // wasmUrl instead, so the answer only has to be a valid URL).
  const META = 'import.meta.url';
  for (let at = source.indexOf(META); at >= 0; at = source.indexOf(META, at + META.length)) edits.push({ at, len: META.length, text: JSON.stringify(fileUrl) });
  edits.sort((x, y) => x.at - y.at);
  const parts: string[] = wrap ? ['(function () {\n"use strict";\n'] : [];
  let pos = 0;
  for (const e of edits) {
    if (e.at < pos) return null; // overlapping patches: not the build they were written for
    parts.push(source.slice(pos, e.at), e.text);
    pos = e.at + e.len;
  }
  parts.push(source.slice(pos));
  if (wrap) parts.push('\n})');
  return parts.join('');
}

interface WorkerScript {
  /** The stock module, when the patches do not apply. */
  file: string;
  /** `(function () { …patched worker… })`, or null. */
  wrapped: string | null;
}

/** Read and patched each time a thread starts (rarely): not kept, it is 2.3 MB. */
function workerScript(): WorkerScript {
  const file = require.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  let wrapped: string | null = null;
  try {
    wrapped = patchWorkerSource(readFileSync(file, 'utf8'), pathToFileURL(file).href, true);
  } catch {
    wrapped = null;
  }
  return { file, wrapped };
}

export type PdfWorkerKind = 'patched' | 'stock';

/**
 * The code of a pdf.js thread (eval'd, so it runs the same from the TypeScript sources and from dist/;
 * valid as CommonJS and as an ES module, since a worker inherits `--input-type=module`): keeps the
 * builtins the bundled polyfills replace and puts them back (see builtins.ts), installs the inflater,
 * runs the patched worker (or imports the stock one) and serves pdf.js on the port it was given.
 */
const THREAD_CODE = `"use strict";
const { workerData, parentPort } = process.getBuiltinModule("node:worker_threads");
const { Script, constants } = process.getBuiltinModule("node:vm");
const zlib = process.getBuiltinModule("node:zlib");
const saved = [[JSON, "stringify"], [JSON, "parse"], [Array.prototype, "push"], [Function.prototype, "toString"]]
  .map(([o, k]) => [o, k, Object.getOwnPropertyDescriptor(o, k)]);
const restore = () => { for (const [o, k, d] of saved) if (Object.getOwnPropertyDescriptor(o, k)?.value !== d.value) Object.defineProperty(o, k, d); };
globalThis[Symbol.for(${JSON.stringify(INFLATE_HOOK)})] = (name, bytes) => {
  const out = name === "deflate" ? zlib.inflateSync(bytes) : name === "brotli" ? zlib.brotliDecompressSync(bytes) : null;
  return out && new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
(async () => {
  let kind = "stock";
  if (workerData.wrapped) {
    try {
      new Script(workerData.wrapped, { filename: workerData.file, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext()();
      if (globalThis.pdfjsWorker?.WorkerMessageHandler) kind = "patched";
    } catch {}
  }
  if (kind === "stock") await import(workerData.url);
  restore();
  globalThis.pdfjsWorker.WorkerMessageHandler.initializeFromPort(workerData.port);
  parentPort.postMessage({ kind });
})();
`;

function inflateHook(name: string, bytes: Uint8Array): Uint8Array | undefined {
  let out: Buffer;
  if (name === 'deflate') out = inflateSync(bytes);
  else if (name === 'brotli') out = brotliDecompressSync(bytes);
  else return undefined;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

let installing: Promise<PdfWorkerKind> | undefined;

/**
 * In-process mode: makes pdf.js use the patched worker in this thread (it looks for
 * `globalThis.pdfjsWorker` before importing its own). Must run before the first document is opened in
 * this mode; later calls return the same result. The caller restores the builtins afterwards.
 */
export function installPdfWorker(): Promise<PdfWorkerKind> {
  return (installing ??= (async () => {
    const g = globalThis as Record<PropertyKey, unknown>;
    if ((g.pdfjsWorker as { WorkerMessageHandler?: unknown } | undefined)?.WorkerMessageHandler) return 'stock';
    const { file, wrapped } = workerScript();
    if (wrapped) {
      g[Symbol.for(INFLATE_HOOK)] = inflateHook;
      try {
        // A script in this context rather than a module from a data: URL: nothing is written next to
        // node_modules (which may be read-only), and the module map does not keep a 3 MB URL alive.
        const fn = new Script(wrapped, { filename: file, importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as () => void;
        fn();
        if ((g.pdfjsWorker as { WorkerMessageHandler?: unknown } | undefined)?.WorkerMessageHandler) return 'patched';
      } catch {
        // fall through to the stock worker
      }
    }
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs' as string);
    return 'stock';
  })());
}

/** The part of pdf.js' PDFWorker this pool uses. */
export interface PdfWorkerHandle {
  destroy(): void;
}
export type PdfWorkerFactory = (port: MessagePort) => PdfWorkerHandle;

interface PdfThread {
  worker: Worker;
  port: MessagePort;
  pdfWorker: PdfWorkerHandle;
  /** Documents open on this thread. */
  open: number;
  dead: boolean;
  ready: Promise<PdfWorkerKind>;
  /** Told when the thread stops under its open documents (they can never finish). */
  onDeath: Set<(error: Error) => void>;
  /** Why it stopped, as far as Node says (an uncaught error, out of memory). */
  failure?: Error;
}

/** A document's hold on a pdf.js thread. */
export interface PdfThreadLease {
  pdfWorker: PdfWorkerHandle;
  ready: Promise<PdfWorkerKind>;
  /** Calls `fn` if the thread stops while the document is open (at once if it already has). */
  onDeath(fn: (error: Error) => void): void;
  release(): void;
}

/**
 * Up to `size` pdf.js threads, started on first use. Each document is opened on the thread with the
 * fewest open documents and stays there. Idle threads do not keep the process alive; a thread that
 * dies (crash, out of memory) is replaced for the documents opened after it.
 */
export class PdfThreadPool {
  private readonly threads: PdfThread[] = [];

  constructor(private readonly size: number, private readonly createPdfWorker: PdfWorkerFactory, private readonly resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number }) {}

  /**
   * Starts the threads now (they load pdf.js while the caller does other things). Until they are ready
   * they keep the event loop alive, so a caller awaiting this at the top level is not cut short.
   */
  warm(): Promise<PdfWorkerKind[]> {
    while (this.threads.length < this.size) this.threads.push(this.start());
    return Promise.all(this.threads.map((t) => {
      if (t.dead) return t.ready;
      t.worker.ref();
      return t.ready.finally(() => {
        if (!t.dead) t.worker.unref();
      });
    }));
  }

  /** A pdf.js worker for one document; call `release()` when the document is destroyed. */
  acquire(): PdfThreadLease {
    let t: PdfThread | undefined;
    if (this.threads.length < this.size) this.threads.push((t = this.start()));
    else t = this.threads.reduce((a, b) => (b.open < a.open ? b : a));
    const thread = t;
    if (thread.open++ === 0) thread.port.ref();
    let released = false;
    const mine = new Set<(error: Error) => void>();
    return {
      pdfWorker: thread.pdfWorker,
      ready: thread.ready,
      onDeath: (fn) => {
        if (released) return;
        if (thread.dead) fn(thread.failure ?? new Error('the pdf.js thread stopped'));
        else { mine.add(fn); thread.onDeath.add(fn); }
      },
      release: () => {
        if (released) return;
        released = true;
        for (const fn of mine) thread.onDeath.delete(fn);
        if (--thread.open === 0 && !thread.dead) thread.port.unref();
      },
    };
  }

  /** Ends every thread (tests, shutdown); the pool starts new ones if used again. */
  async close(): Promise<void> {
    const all = this.threads.splice(0);
    await Promise.all(all.map(async (t) => {
      t.failure ??= new Error('the pdf.js threads were closed');
      await t.worker.terminate();
    }));
  }

  private start(): PdfThread {
    const { file, wrapped } = workerScript();
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(THREAD_CODE, {
      eval: true,
      workerData: { port: port2, wrapped, file, url: pathToFileURL(file).href },
      transferList: [port2],
      ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}),
    });
    const thread: PdfThread = {
      worker,
      port: port1,
      pdfWorker: this.createPdfWorker(port1),
      open: 0,
      dead: false,
      onDeath: new Set(),
      ready: new Promise<PdfWorkerKind>((resolve, reject) => {
        worker.once('message', (m: { kind?: PdfWorkerKind }) => resolve(m?.kind === 'patched' ? 'patched' : 'stock'));
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('the pdf.js thread exited')));
      }),
    };
    thread.ready.catch(() => {});
    worker.unref();
    port1.unref();
    worker.once('exit', (code) => {
      thread.dead = true;
      const i = this.threads.indexOf(thread);
      if (i >= 0) this.threads.splice(i, 1);
      thread.pdfWorker.destroy();
      port1.close();
      const failure = thread.failure ?? new Error(`the pdf.js thread exited (code ${code})`);
      for (const fn of [...thread.onDeath]) fn(failure);
      thread.onDeath.clear();
    });
    worker.on('error', (e) => {
      thread.failure ??= e;
    });
    return thread;
  }
}
