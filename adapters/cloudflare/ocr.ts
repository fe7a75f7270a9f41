/**
 * OcrEngine inside the Worker: tesseract.js-core (the wasm build tesseract.js runs in its workers) used
 * directly, because workerd has neither Web Workers nor run-time wasm compilation. The .wasm is bundled
 * as a compiled module and handed to Emscripten through its `instantiateWasm` hook; English LSTM data
 * (best_int, 2.9 MB) is bundled too. One engine per isolate, one image at a time: a 200-DPI page takes
 * ~74 MB of wasm memory and an isolate has 128 MB. The orientation model (4 MB more) does not fit the
 * bundle, so pages are read as they stand; the Worker delegates what it should not read itself.
 */
import createCore from 'tesseract.js-core/tesseract-core-simd-lstm.js';
import coreWasm from 'tesseract.js-core/tesseract-core-simd-lstm.wasm';
import engData from '@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz';
import { DocinlineError } from '../../src/errors.js';
import type { Word } from '../../src/model/document.js';
import type { OcrEngine, OcrResult, RasterImage } from '../../src/ports/parsing.js';
import { rotateBox, rotatePoint, type QuarterTurn } from '../../src/ocr/geometry.js';
import { spaceBetween } from '../../src/ocr/script.js';
import { emFromBox } from '../../src/ocr/words.js';
import { orientationFromBaselines, type TBlock } from '../../src/ocr/tesseract-blocks.js';

/** Languages bundled into the Worker. */
export const WORKER_OCR_LANGUAGES = ['eng'];

/** Past this much wasm memory the instance is dropped after the image, so the isolate gets it back. */
const RECYCLE_ABOVE_BYTES = 96 * 1024 * 1024;

interface Core {
  FS: { writeFile(path: string, data: Uint8Array | string): void; unlink(path: string): void };
  TessBaseAPI: new () => TessApi;
}
interface TessApi {
  Init(datapath: string | null, lang: string, oem: number, config?: string): number;
  SetVariable(name: string, value: string): boolean;
  SetImageFile(exif: number, angle: number): number;
  Recognize(monitor: null): number;
  GetJSONText(): string;
  MeanTextConf(): number;
  Clear(): void;
  End(): void;
}

async function gunzip(data: ArrayBuffer): Promise<Uint8Array> {
  const s = new Blob([data]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** Binary PGM: what tesseract's image reader takes cheapest from raw gray pixels. */
function toPgm(img: RasterImage): Uint8Array {
  const { width, height, channels, data } = img;
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height);
  out.set(header, 0);
  if (channels === 1) out.set(data.subarray(0, width * height), header.length);
  else for (let i = 0, o = header.length; i < width * height; i++, o++) {
    const p = i * channels;
    out[o] = (data[p]! * 299 + data[p + 1]! * 587 + data[p + 2]! * 114) / 1000;
  }
  return out;
}

function wordsOf(blocks: TBlock[], width: number, height: number, rotation: QuarterTurn): Word[] {
  const words: Word[] = [];
  const sideways = rotation === 90 || rotation === 270;
  for (const b of blocks) for (const p of b.paragraphs) for (const l of p.lines) {
    const lineWords = l.words.filter((w) => w.text.trim());
    if (!lineWords.length) continue;
    // One size per line from the words' ink heights read against their letters (see emFromBox).
    const ems = lineWords
      .map((w) => emFromBox(w.text.trim(), sideways ? w.bbox.x1 - w.bbox.x0 : w.bbox.y1 - w.bbox.y0))
      .filter((e): e is number => e !== null)
      .sort((a, c) => a - c);
    const lineBox = rotateBox(l.bbox, rotation, width, height);
    const rowHeight = l.rowAttributes?.rowHeight;
    const fontSize = ems.length ? ems[ems.length >> 1]! : rowHeight && rowHeight > 0 ? rowHeight : lineBox.y1 - lineBox.y0;
    const [bx0, by0] = rotatePoint(l.baseline.x0, l.baseline.y0, rotation, width, height);
    const [bx1, by1] = rotatePoint(l.baseline.x1, l.baseline.y1, rotation, width, height);
    const baseline = bx1 !== bx0 || by1 !== by0 ? (by0 + by1) / 2 : undefined;
    lineWords.forEach((w, i) => {
      const text = w.text.trim();
      const next = lineWords[i + 1];
      const word: Word = { text, bbox: rotateBox(w.bbox, rotation, width, height), fontSize, confidence: w.confidence, spaceAfter: next ? spaceBetween(text, next.text.trim()) : false };
      if (baseline !== undefined) word.baseline = baseline;
      if (!p.is_ltr) word.dir = 'rtl';
      words.push(word);
    });
  }
  return words;
}

export interface WorkerOcrOptions {
  /** Largest image (pixels) recognised; callers scale down to it. */
  maxPixels: number;
  /** Told after each image: its size, the time it took and the wasm memory the engine then holds. */
  onImage?: (info: { width: number; height: number; ms: number; wasmBytes: number; words: number }) => void;
}

export class WorkerOcrEngine implements OcrEngine {
  readonly concurrency = 1;
  private core: Promise<{ core: Core; api: TessApi; memory: WebAssembly.Memory | null }> | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: WorkerOcrOptions) {}

  languages(): string[] {
    return [...WORKER_OCR_LANGUAGES];
  }

  private load(): Promise<{ core: Core; api: TessApi; memory: WebAssembly.Memory | null }> {
    this.core ??= (async () => {
      // Emscripten sees WorkerGlobalScope and reads self.location.href for its script's URL when the
      // factory is called; workerd has no location. Lend it one for that synchronous moment only.
      const g = globalThis as { location?: unknown };
      const lent = g.location === undefined;
      if (lent) Object.defineProperty(g, 'location', { value: { href: 'https://worker.invalid/' }, configurable: true });
      let starting: Promise<unknown>;
      let memory: WebAssembly.Memory | null = null;
      try {
        starting = createCore({
          instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
            WebAssembly.instantiate(coreWasm, imports).then((instance) => {
              memory = Object.values(instance.exports).find((x): x is WebAssembly.Memory => x instanceof WebAssembly.Memory) ?? null;
              done(instance, coreWasm);
            });
            return {};
          },
          print: () => {},
          printErr: () => {},
        });
      } finally {
        if (lent) delete g.location;
      }
      const core = (await starting) as Core;
      core.FS.writeFile('./eng.traineddata', await gunzip(engData));
      const api = new core.TessBaseAPI();
      // OEM 1: LSTM only (the bundled build has no legacy engine).
      if (api.Init(null, 'eng', 1) === -1) throw new Error('tesseract could not load its language data');
      api.SetVariable('tessedit_pageseg_mode', '3');
      return { core, api, memory };
    })();
    this.core.catch(() => {
      this.core = null;
    });
    return this.core;
  }

  async recognize(image: RasterImage, opts: { languages: string[]; signal?: AbortSignal; detectOrientation?: boolean; timeoutMs?: number }): Promise<OcrResult> {
    const langs = opts.languages.length ? opts.languages : ['eng'];
    const missing = langs.filter((l) => !WORKER_OCR_LANGUAGES.includes(l));
    if (missing.length) {
      throw new DocinlineError('ocr_unavailable', `OCR language "${missing[0]!.slice(0, 40)}" is not available inside the Worker (it has: ${WORKER_OCR_LANGUAGES.join(', ')})`, { param: 'languages' });
    }
    if (!image.width || !image.height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
    if (image.width * image.height > this.opts.maxPixels) {
      throw new DocinlineError('too_many_pixels', `The image handed to OCR is ${image.width}×${image.height} pixels; the Worker reads at most ${this.opts.maxPixels}`);
    }
    // One image at a time per isolate: memory, not CPU, is what runs out.
    const run = this.tail.then(() => this.recognizeNow(image, opts.signal));
    this.tail = run.catch(() => {});
    return run;
  }

  private async recognizeNow(image: RasterImage, signal?: AbortSignal): Promise<OcrResult> {
    signal?.throwIfAborted();
    const started = Date.now();
    const { core, api, memory } = await this.load();
    signal?.throwIfAborted();
    let blocks: TBlock[];
    let confidence: number;
    try {
      core.FS.writeFile('/input', toPgm(image));
      if (api.SetImageFile(1, 0) === 1) throw new DocinlineError('ocr_failed', 'OCR could not read the prepared image');
      api.Recognize(null);
      blocks = (JSON.parse(api.GetJSONText()).blocks ?? []) as TBlock[];
      confidence = api.MeanTextConf();
    } catch (e) {
      // An instance that failed mid-image (out of memory) is not trusted again.
      this.drop();
      if (e instanceof DocinlineError) throw e;
      throw new DocinlineError('ocr_failed', `OCR failed inside the Worker: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`, { cause: e });
    } finally {
      try {
        api.Clear();
        core.FS.unlink('/input');
      } catch {
        // the instance is being dropped
      }
    }
    const wasmBytes = memory?.buffer.byteLength ?? 0;
    if (wasmBytes > RECYCLE_ABOVE_BYTES) this.drop();
    const rotation = orientationFromBaselines(blocks);
    const words = wordsOf(blocks, image.width, image.height, rotation);
    this.opts.onImage?.({ width: image.width, height: image.height, ms: Date.now() - started, wasmBytes, words: words.length });
    return { words, rotation, confidence, languages: ['eng'] };
  }

  private drop(): void {
    const c = this.core;
    this.core = null;
    c?.then(({ api }) => api.End()).catch(() => {});
  }

  async close(): Promise<void> {
    this.drop();
  }
}
