/**
 * How the Worker parses a document, and which way each one went:
 *   worker      text-layer PDF parsed in the Worker (unpdf's pdf.js)
 *   worker-ocr  image OCR'd in the Worker (tesseract.js-core), when it fits the Worker's memory
 *   delegated   sent to the parse service (a Node docinline): images too large or in formats the Worker
 *               does not decode, other OCR languages, and PDFs with pages that need OCR
 *   cache       answered from the parse cache
 * Every parse is admitted by size, so concurrent requests in one isolate cannot add up past its memory.
 */
import { detectType } from '../../src/detect.js';
import { DocinlineError } from '../../src/errors.js';
import type { ParseOptions, ParseResult } from '../../src/model/options.js';
import { parseDocument } from '../../src/parse.js';
import type { ParseRuntime, PdfDriver } from '../../src/ports/parsing.js';
import { delegateParse, hasParseService, type ParseService } from './delegate.js';
import { readJpegHeader, WORKER_IMAGE_FORMATS, WorkerImageCodec } from './images.js';
import { WORKER_OCR_LANGUAGES, WorkerOcrEngine } from './ocr.js';
import { readPngHeader } from './png.js';
import { readBmpHeader } from '../../src/ocr/bmp.js';
import type { Logger } from '../../src/server/logger.js';
import { ParseGate, recordParsePath } from './gate.js';

export interface WorkerParserOptions {
  pdf: PdfDriver;
  service: ParseService;
  /** In-Worker OCR ('off': images always go to the service). */
  ocr: 'auto' | 'off';
  /** Largest source image OCR'd in the Worker. */
  ocrMaxPixels: number;
  /** Bytes of documents parsed at once in this isolate. */
  gateBytes: number;
  logger?: Logger;
}

export type ParseFn = (bytes: Uint8Array, options: ParseOptions, runtime: ParseRuntime) => Promise<ParseResult>;

function imagePixels(bytes: Uint8Array, format: string): number | null {
  try {
    if (format === 'png') {
      const h = readPngHeader(bytes, Number.MAX_SAFE_INTEGER);
      return h.animated ? null : h.width * h.height;
    }
    if (format === 'jpeg') {
      const h = readJpegHeader(bytes);
      return h.width * h.height;
    }
    if (format === 'bmp') {
      const h = readBmpHeader(bytes, Number.MAX_SAFE_INTEGER);
      return h.width * h.height;
    }
  } catch {
    // a broken header: let the engine report it
  }
  return null;
}

/** The `parseDocument` the Worker's app uses (AppDeps.parseDocument). */
export function createWorkerParser(opts: WorkerParserOptions): { parse: ParseFn; runtime: ParseRuntime } {
  const pdfRuntime: ParseRuntime = { pdf: opts.pdf };
  const ocrRuntime: ParseRuntime =
    opts.ocr === 'auto'
      ? { pdf: opts.pdf, images: new WorkerImageCodec({ maxOcrPixels: opts.ocrMaxPixels }), ocr: new WorkerOcrEngine({ maxPixels: opts.ocrMaxPixels, onImage: (info) => opts.logger?.debug('ocr in worker', info) }) }
      : pdfRuntime;
  const gate = new ParseGate(opts.gateBytes);
  const service = opts.service;
  const canDelegate = hasParseService(service);

  const delegated = async (bytes: Uint8Array, options: ParseOptions) => {
    const r = await delegateParse(service, bytes, options);
    recordParsePath('delegated');
    return r;
  };

  const parse: ParseFn = (bytes, options) =>
    gate.run(bytes.byteLength, async () => {
      const type = detectType(bytes);
      if (type.kind === 'image') {
        const langs = options.languages?.length ? options.languages : ['eng'];
        const pixels = imagePixels(bytes, type.format);
        const why =
          opts.ocr === 'off'
            ? 'OCR inside the Worker is turned off (DOCINLINE_WORKER_OCR=off)'
            : !WORKER_IMAGE_FORMATS.has(type.format)
              ? `${type.format.toUpperCase()} images are not decoded inside the Worker (PNG, JPEG and BMP are)`
              : langs.some((l) => !WORKER_OCR_LANGUAGES.includes(l))
                ? `the Worker only reads ${WORKER_OCR_LANGUAGES.join(', ')} (asked for ${langs.join('+')})`
                : pixels !== null && pixels > opts.ocrMaxPixels
                  ? `the image has ${pixels} pixels and OCR inside the Worker is limited to ${opts.ocrMaxPixels} (DOCINLINE_WORKER_OCR_MAX_PIXELS)`
                  : null;
        if (why) {
          if (canDelegate) return delegated(bytes, options);
          const tooBig = pixels !== null && pixels > opts.ocrMaxPixels && opts.ocr !== 'off';
          throw new DocinlineError(
            tooBig ? 'too_many_pixels' : 'ocr_unavailable',
            `This image cannot be read here: ${why}, and no parse service is configured (DOCINLINE_PARSE_SERVICE_URL or a PARSE_SERVICE binding).`,
          );
        }
        try {
          const r = await parseDocument(bytes, options, ocrRuntime);
          recordParsePath('worker-ocr');
          return r;
        } catch (e) {
          // Out of memory or a wasm failure: the service can still read it.
          if (canDelegate && e instanceof DocinlineError && e.code === 'ocr_failed') return delegated(bytes, options);
          throw e;
        }
      }
      // pdf.js may take over the buffer it is given; keep ours in case the service must read it after all.
      const r = await parseDocument(canDelegate ? bytes.slice() : bytes, options, pdfRuntime);
      if (type.kind === 'pdf' && options.ocr !== 'never') {
        // Pages the text layer could not give (scans, broken encodings) need a renderer the Worker lacks.
        const needOcr = r.document.pages.filter((p) => p.notes?.includes('OCR not available')).length;
        if (needOcr) {
          if (canDelegate) return delegated(bytes, options);
          r.warnings.push(`${needOcr} page(s) need OCR, which this Worker sends to a parse service; none is configured (DOCINLINE_PARSE_SERVICE_URL)`);
        }
      }
      recordParsePath('worker');
      return r;
    });

  return { parse, runtime: pdfRuntime };
}
