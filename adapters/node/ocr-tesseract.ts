/**
 * OcrEngine on tesseract.js: a pool of worker threads created once and reused, a bounded queue, a time
 * budget per image, automatic page segmentation with orientation detection, and language data read
 * from `@tesseract.js-data/<lang>` packages (never from the network).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { DocinlineError } from '../../src/errors.js';
import type { Word } from '../../src/model/document.js';
import type { OcrEngine, OcrResult, RasterImage } from '../../src/ports/parsing.js';
import { deskewBox, normalizeQuarterTurn, rotateBox, rotatePoint, type QuarterTurn } from '../../src/ocr/geometry.js';
import { isValidLanguageCode, languageForScript, spaceBetween } from '../../src/ocr/script.js';
import { histogram, otsu, rotateRaster, strokeWidth } from '../../src/ocr/raster.js';
import { emFromBox } from '../../src/ocr/words.js';
import { orientationFromBaselines, type TBlock, type TLine } from '../../src/ocr/tesseract-blocks.js';

const require = createRequire(import.meta.url);

export interface TesseractEngineOptions {
  /** Worker threads; 0 or absent = the number of CPUs. */
  workers?: number;
  /** Images waiting for a worker before `recognize` fails with `server_overloaded`. */
  maxQueue?: number;
  /** Time budget for one image; the worker is killed and replaced when it runs over. */
  timeoutMs?: number;
  /** Extra folders holding `<lang>.traineddata[.gz]`, searched before the npm packages. */
  dataDirs?: string[];
  /** Add a language pack when OSD finds a script the requested languages cannot read (default on). */
  autoScript?: boolean;
  /** Below this mean word confidence a page is checked for another script (default 65). */
  scriptCheckBelow?: number;
  /** Below this mean word confidence the other orientations are tried (default 70). */
  orientationCheckBelow?: number;
  /** Run tesseract's orientation detection (PSM 1) on every page, not only on poorly read ones. */
  osdEveryPage?: boolean;
}

interface Slot {
  id: number;
  worker: Tesseract.Worker | null;
  starting: Promise<Tesseract.Worker> | null;
  /** Languages the worker is initialised with, '+'-joined. */
  langs: string;
  psm: string;
  busy: boolean;
  /** Set when the thread died or was killed mid-job. */
  onDeath: ((e: unknown) => void) | null;
  thread: ThreadWorker | null;
  /** Bumped on every kill: a worker that finishes starting after its slot was killed is discarded. */
  generation: number;
}

interface Waiter {
  resolve: (s: Slot) => void;
  reject: (e: unknown) => void;
  langs: string;
  cleanup: () => void;
}

/** Tesseract's pixel reader takes files; binary PGM is the cheapest file to produce from raw pixels. */
function toPgm(img: RasterImage): Uint8Array {
  const { width, height, channels, data } = img;
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height);
  out.set(header, 0);
  if (channels === 1) {
    out.set(data.subarray(0, width * height), header.length);
  } else {
    for (let i = 0, o = header.length; i < width * height; i++, o++) {
      const p = i * channels;
      const y = (data[p]! * 299 + data[p + 1]! * 587 + data[p + 2]! * 114) / 1000;
      out[o] = channels === 4 ? Math.round(255 - ((255 - y) * data[p + 3]!) / 255) : Math.round(y);
    }
  }
  return out;
}

/** Skew of the text lines in the upright frame (radians; median over lines, weighted by length). */
function skewOf(blocks: TBlock[], width: number, height: number, rotation: QuarterTurn): number {
  const samples: { a: number; w: number }[] = [];
  for (const b of blocks) for (const p of b.paragraphs) for (const l of p.lines) {
    const [x0, y0] = rotatePoint(l.baseline.x0, l.baseline.y0, rotation, width, height);
    const [x1, y1] = rotatePoint(l.baseline.x1, l.baseline.y1, rotation, width, height);
    const dx = x1 - x0;
    if (dx < 50 || l.words.length < 3) continue;
    samples.push({ a: Math.atan2(y1 - y0, dx), w: dx });
  }
  if (samples.length < 3) return 0;
  samples.sort((p, q) => p.a - q.a);
  const total = samples.reduce((t, x) => t + x.w, 0);
  let acc = 0;
  for (const x of samples) {
    acc += x.w;
    if (acc >= total / 2) return Math.abs(x.a) < 0.0015 || Math.abs(x.a) > 0.2 ? 0 : x.a;
  }
  return 0;
}

function wordsFromBlocks(blocks: TBlock[], image: RasterImage, rotation: QuarterTurn): Word[] {
  const { width, height } = image;
  const words: Word[] = [];
  const strokes: (number | null)[] = [];
  const ink = Math.min(otsu(histogram(image)), 200);
  const up = rotation === 90 || rotation === 270 ? { w: height, h: width } : { w: width, h: height };
  const skew = skewOf(blocks, width, height, rotation);
  const place = (bb: TLine['bbox']) => deskewBox(rotateBox(bb, rotation, width, height), skew, up.w / 2, up.h / 2);
  for (const b of blocks) for (const p of b.paragraphs) for (const l of p.lines) {
    const lineWords = l.words.filter((w) => w.text.trim());
    const lineBox = place(l.bbox);
    // One size per line, from the words' ink heights read against their letters (see emFromBox);
    // tesseract's own row height runs high on one-word lines such as table cells.
    const ems = lineWords
      .map((w) => emFromBox(w.text.trim(), rotation === 90 || rotation === 270 ? w.bbox.x1 - w.bbox.x0 : w.bbox.y1 - w.bbox.y0))
      .filter((e): e is number => e !== null)
      .sort((a, b) => a - b);
    const rowHeight = l.rowAttributes?.rowHeight;
    const fontSize = ems.length ? ems[ems.length >> 1]! : rowHeight && rowHeight > 0 ? rowHeight : lineBox.y1 - lineBox.y0;
    const [bx0, by0] = rotatePoint(l.baseline.x0, l.baseline.y0, rotation, width, height);
    const [bx1, by1] = rotatePoint(l.baseline.x1, l.baseline.y1, rotation, width, height);
    const mid = deskewBox({ x0: (bx0 + bx1) / 2, y0: (by0 + by1) / 2, x1: (bx0 + bx1) / 2, y1: (by0 + by1) / 2 }, skew, up.w / 2, up.h / 2);
    const baseline = bx1 !== bx0 || by1 !== by0 ? mid.y0 : undefined;
    lineWords.forEach((w, i) => {
      const text = w.text.trim();
      const next = lineWords[i + 1];
      const word: Word = {
        text,
        bbox: place(w.bbox),
        fontSize,
        confidence: w.confidence,
        spaceAfter: next ? spaceBetween(text, next.text.trim()) : false,
      };
      if (baseline !== undefined) word.baseline = baseline;
      if (!p.is_ltr) word.dir = 'rtl';
      words.push(word);
      strokes.push(/[\p{L}\p{N}]{2,}/u.test(text) ? strokeWidth(image, w.bbox, ink) : null);
    });
  }
  markBold(words, strokes);
  return words;
}

/**
 * Bold words: strokes clearly wider than the page's usual stroke (the character-weighted median).
 * Needs enough regular text to compare with, and at least two pixels of stroke to tell widths apart.
 */
function markBold(words: Word[], strokes: (number | null)[]): void {
  const weighted: number[] = [];
  words.forEach((w, i) => { const s = strokes[i]; if (s) for (let k = 0; k < w.text.length; k++) weighted.push(s); });
  if (weighted.length < 40) return;
  weighted.sort((a, b) => a - b);
  const regular = weighted[weighted.length >> 1]!;
  if (regular < 2) return;
  words.forEach((w, i) => {
    const s = strokes[i];
    if (s && s >= regular * 1.4 && s - regular >= 1) w.bold = true;
  });
}

function meanConfidence(words: Word[]): number {
  let sum = 0;
  let n = 0;
  for (const w of words) {
    const len = [...w.text].length;
    sum += (w.confidence ?? 0) * len;
    n += len;
  }
  return n ? sum / n : 0;
}

export class TesseractOcrEngine implements OcrEngine {
  readonly concurrency: number;
  private readonly slots: Slot[];
  private readonly queue: Waiter[] = [];
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly files: Record<string, string>;
  private readonly langPath: string;
  private readonly autoScript: boolean;
  private readonly scriptCheckBelow: number;
  private readonly orientationCheckBelow: number;
  private readonly osdEveryPage: boolean;
  private osdData: Uint8Array | null = null;
  private closed = false;

  constructor(opts: TesseractEngineOptions = {}) {
    this.concurrency = Math.max(1, opts.workers || availableParallelism());
    // Each waiting image holds its pixels (an 8-megapixel scan is ~16 MB here): the queue stays short.
    this.maxQueue = opts.maxQueue ?? this.concurrency * 8;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.autoScript = opts.autoScript ?? true;
    this.scriptCheckBelow = opts.scriptCheckBelow ?? 65;
    this.orientationCheckBelow = opts.orientationCheckBelow ?? 70;
    this.osdEveryPage = opts.osdEveryPage ?? false;
    this.files = discoverLanguages(opts.dataDirs ?? []);
    this.langPath = 'docinline-tessdata:' + Buffer.from(JSON.stringify(this.files)).toString('base64url');
    this.slots = Array.from({ length: this.concurrency }, (_, id) => ({
      id, worker: null, starting: null, langs: '', psm: '', busy: false, onDeath: null, thread: null, generation: 0,
    }));
  }

  languages(): string[] {
    return Object.keys(this.files).filter((l) => l !== 'osd').sort();
  }

  /** Starts the workers ahead of the first image (optional: they start on demand). */
  async warmUp(languages: string[] = ['eng']): Promise<void> {
    const langs = this.checkLanguages(languages).join('+');
    await Promise.all(this.slots.map(async (slot) => {
      if (slot.busy) return;
      slot.busy = true;
      try { await this.ensureWorker(slot, langs); } finally { this.release(slot); }
    }));
  }

  async recognize(
    image: RasterImage,
    opts: { languages: string[]; signal?: AbortSignal; detectOrientation?: boolean; timeoutMs?: number },
  ): Promise<OcrResult> {
    if (this.closed) throw new DocinlineError('ocr_unavailable', 'The OCR engine has been shut down');
    if (!image.width || !image.height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
    const langs = this.checkLanguages(opts.languages);
    opts.signal?.throwIfAborted();
    const pgm = toPgm(image);
    // PSM 3 (automatic segmentation, no OSD): OSD on every page costs a few hundred ms and most
    // pages are upright. A sideways or upside-down page reads as low-confidence garbage, which is
    // what sends it through OSD and the turned retries below. `osdEveryPage` runs PSM 1 instead.
    const turns = opts.detectOrientation !== false;
    const psm = turns && this.osdEveryPage ? '1' : '3';
    const budget = opts.timeoutMs ?? this.timeoutMs;

    const slot = await this.acquire(langs.join('+'), opts.signal);
    try {
      slot.thread?.ref();
      return await this.withBudget(slot, budget, opts.signal, async () => {
        let result = await this.run(slot, pgm, langs.join('+'), psm, image);
        const lowForScript = this.autoScript && result.confidence < this.scriptCheckBelow;
        const lowForTurn = turns && result.confidence < this.orientationCheckBelow && result.words.length >= 3;
        if ((lowForScript || lowForTurn) && this.files.osd) {
          // A poor reading is either another script or a page the internal OSD did not turn (it needs
          // enough text to vote). Ask OSD on its own (script and orientation), then retry with what it
          // says; only then try the remaining turns blindly. A retry is kept only if clearly better.
          const osd = await this.detectOsd(slot, pgm);
          let useLangs = langs;
          const extra = this.autoScript ? languageForScript(osd?.script, this.languages(), langs) : null;
          if (extra) {
            useLangs = [extra, ...langs];
            const r = await this.run(slot, pgm, useLangs.join('+'), psm, image);
            if (r.confidence > result.confidence) result = r;
          }
          if (osd?.script) result.script = osd.script;
          if (turns && result.confidence < this.orientationCheckBelow && result.words.length >= 3) {
            const first = osd?.rotation ? [osd.rotation] : [];
            for (const turn of [...first, ...([180, 90, 270] as const).filter((t) => t !== osd?.rotation)]) {
              const turned = rotateRaster(image, turn);
              const r = await this.run(slot, toPgm(turned), useLangs.join('+'), psm, turned);
              if (r.confidence > result.confidence + 10 && r.words.length >= 3) {
                result = { ...r, rotation: normalizeQuarterTurn(turn + r.rotation), ...(osd?.script ? { script: osd.script } : {}) };
              }
              if (result.confidence >= this.orientationCheckBelow) break;
            }
          }
        }
        if (process.env.DOCINLINE_OCR_DEBUG) console.error(`[ocr] ${image.width}x${image.height} conf=${result.confidence.toFixed(1)} rot=${result.rotation} script=${result.script ?? '-'} langs=${result.languages?.join('+')} words=${result.words.length}`);
        return result;
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) {
      w.cleanup();
      w.reject(new DocinlineError('aborted', 'The OCR engine was shut down'));
    }
    await Promise.all(this.slots.map((s) => this.kill(s)));
  }

  // ---- languages ----

  private checkLanguages(languages: string[]): string[] {
    const langs = [...new Set(languages.length ? languages : ['eng'])];
    for (const l of langs) {
      if (!isValidLanguageCode(l) || l === 'osd' || !this.files[l]) {
        throw new DocinlineError(
          'ocr_unavailable',
          `OCR language "${String(l).slice(0, 40)}" is not installed (available: ${this.languages().join(', ') || 'none'}; add the npm package @tesseract.js-data/<lang>)`,
          { param: 'languages' },
        );
      }
    }
    return langs;
  }

  // ---- pool ----

  private acquire(langs: string, signal?: AbortSignal): Promise<Slot> {
    const free = this.slots.filter((s) => !s.busy);
    const slot = free.find((s) => s.langs === langs) ?? free.find((s) => !s.worker) ?? free[0];
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new DocinlineError('server_overloaded', 'Too many images are waiting for OCR; try again later', { headers: { 'retry-after': '5' } }));
    }
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new DocinlineError('aborted', 'OCR was cancelled while waiting for a worker'));
      };
      const waiter: Waiter = { resolve, reject, langs, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(slot: Slot): void {
    slot.busy = false;
    // Idle workers do not keep the process alive: a CLI or a test that forgets close() still exits.
    slot.thread?.unref();
    if (this.closed) return;
    const next = this.queue.shift();
    if (next) {
      next.cleanup();
      slot.busy = true;
      next.resolve(slot);
    }
  }

  private async kill(slot: Slot): Promise<void> {
    slot.generation++;
    const w = slot.worker;
    slot.worker = null;
    slot.thread = null;
    slot.starting = null;
    slot.langs = '';
    slot.psm = '';
    if (w) await w.terminate().catch(() => undefined);
  }

  /** Runs `fn` on `slot`; past the budget or on abort the worker thread is killed (wasm cannot be interrupted). */
  private withBudget<T>(slot: Slot, ms: number, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        slot.onDeath = null;
        if (err !== undefined) reject(err);
        else resolve(value as T);
      };
      const timer = setTimeout(() => {
        void this.kill(slot);
        finish(new DocinlineError('parse_timeout', `OCR of one image took longer than ${ms} ms`));
      }, ms);
      const onAbort = () => {
        void this.kill(slot);
        finish(new DocinlineError('aborted', 'OCR was cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.onDeath = (e) => finish(new DocinlineError('ocr_failed', 'The OCR worker stopped unexpectedly', { cause: e }));
      fn().then((v) => finish(undefined, v), (e) => finish(e instanceof DocinlineError ? e : new DocinlineError('ocr_failed', `OCR failed: ${String(e).slice(0, 200)}`, { cause: e })));
    });
  }

  private async ensureWorker(slot: Slot, langs: string): Promise<Tesseract.Worker> {
    if (!slot.worker) {
      if (!slot.starting) {
        slot.starting = this.startWorker(slot, langs);
        slot.starting.catch(() => { slot.starting = null; });
      }
      await slot.starting;
    }
    const worker = slot.worker!;
    if (slot.langs !== langs) {
      // osd is a legacy-engine model; everything else runs on the LSTM engine.
      await worker.reinitialize(langs, langs === 'osd' ? Tesseract.OEM.TESSERACT_ONLY : Tesseract.OEM.LSTM_ONLY);
      slot.langs = langs;
      slot.psm = '';
      await worker.setParameters(QUIET);
    }
    return worker;
  }

  private async startWorker(slot: Slot, langs: string): Promise<Tesseract.Worker> {
    const generation = slot.generation;
    const worker = await Tesseract.createWorker(langs, Tesseract.OEM.LSTM_ONLY, {
      workerPath: workerScript(),
      langPath: this.langPath,
      gzip: true,
      cacheMethod: 'none',
      // The legacy code is what orientation/script detection runs on; recognition stays LSTM-only.
      legacyCore: true,
      legacyLang: false,
      // Without a handler tesseract.js rethrows worker errors from an event callback, killing the process.
      errorHandler: () => undefined,
      logger: () => undefined,
    });
    const thread = (worker as unknown as { worker: ThreadWorker }).worker;
    const died = (e: unknown) => {
      if (slot.worker === worker) {
        slot.worker = null;
        slot.thread = null;
        slot.starting = null;
        slot.langs = '';
      }
      slot.onDeath?.(e);
    };
    thread.on('error', died);
    slot.thread = thread;
    thread.on('exit', (code) => { if (slot.worker === worker) died(new Error(`OCR worker exited with code ${code}`)); });
    if (this.files.osd) await worker.FS('writeFile', ['./osd.traineddata', this.osd()]);
    await worker.setParameters(QUIET);
    if (slot.generation !== generation || this.closed) {
      // The slot was killed (time budget, abort, close) while this worker was starting.
      await worker.terminate().catch(() => undefined);
      throw new DocinlineError('aborted', 'The OCR worker was stopped while starting');
    }
    slot.worker = worker;
    slot.langs = langs;
    slot.psm = '';
    return worker;
  }

  private osd(): Uint8Array {
    if (!this.osdData) {
      const raw = readFileSync(this.files.osd!);
      this.osdData = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    }
    return this.osdData;
  }

  private async run(slot: Slot, pgm: Uint8Array, langs: string, psm: string, image: RasterImage): Promise<OcrResult> {
    const worker = await this.ensureWorker(slot, langs);
    if (slot.psm !== psm) {
      await worker.setParameters({ tessedit_pageseg_mode: psm as Tesseract.PSM });
      slot.psm = psm;
    }
    // The pixels are copied for the worker: the caller keeps its buffer.
    const res = await worker.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {}, { text: false, blocks: true });
    const blocks = (res.data.blocks ?? []) as unknown as TBlock[];
    await this.rereadLoneTokens(slot, worker, blocks, image);
    // Tesseract reads sideways text by itself (PSM 1 through OSD, PSM 3 as "vertical" lines) but
    // reports boxes in the image as given: the baselines say which way the text runs.
    const rotation = orientationFromBaselines(blocks);
    const words = wordsFromBlocks(blocks, image, rotation);
    return { words, rotation: normalizeQuarterTurn(rotation), confidence: meanConfidence(words), languages: langs.split('+') };
  }

  /**
   * Short tokens standing alone in a line of wide gaps (table cells: "2", "4", "#") are read again on
   * their own. Tesseract reads such a line as one image, gap included, and misreads lone digits in it
   * ("2" as "9") where the same digit cropped by itself reads right. The crops are stacked into one
   * image and read in one pass (PSM 6); a re-reading replaces the word only when it is surer.
   */
  private async rereadLoneTokens(slot: Slot, worker: Tesseract.Worker, blocks: TBlock[], image: RasterImage): Promise<void> {
    const picks = loneTokens(blocks);
    if (!picks.length) return;
    const sheet = tokenSheet(image, picks.map((p) => p.word.bbox));
    if (!sheet) return;
    await worker.setParameters({ tessedit_pageseg_mode: '6' as Tesseract.PSM });
    slot.psm = '6';
    const pgm = toPgm(sheet.image);
    const res = await worker.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {}, { text: false, blocks: true });
    const read = new Map<number, { text: string; confidence: number }[]>();
    for (const b of (res.data.blocks ?? []) as unknown as TBlock[]) for (const p of b.paragraphs) for (const l of p.lines) {
      for (const w of l.words) {
        const t = w.text.trim();
        if (!t) continue;
        const k = sheet.slotAt((w.bbox.y0 + w.bbox.y1) / 2);
        if (k < 0) continue;
        const list = read.get(k) ?? [];
        list.push({ text: t, confidence: w.confidence });
        read.set(k, list);
      }
    }
    picks.forEach((p, k) => {
      const got = read.get(k);
      if (!got || got.length !== 1) return;
      const [r] = got;
      const old = p.word.text.trim();
      if (r!.text === old || Math.abs([...r!.text].length - [...old].length) > 1) return;
      if (r!.confidence >= p.word.confidence + REREAD_MARGIN) {
        p.word.text = r!.text;
        p.word.confidence = r!.confidence;
      }
    });
  }

  /**
   * Orientation and script detection on its own, on the same worker: initialise the legacy `osd`
   * model, detect, and let the next job switch back. Null when there is too little text to tell.
   */
  private async detectOsd(slot: Slot, pgm: Uint8Array): Promise<{ script: string | null; rotation: 0 | 90 | 180 | 270 } | null> {
    const worker = await this.ensureWorker(slot, 'osd');
    await worker.setParameters({ ...QUIET, min_characters_to_try: '10' });
    try {
      const d = (await worker.detect(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength))).data;
      if (d.script === null && d.orientation_degrees === null) return null;
      // Orientation is trusted only with some margin; the script needs none (it is only a hint).
      const rotation = d.orientation_degrees && (d.orientation_confidence ?? 0) >= 1 ? normalizeQuarterTurn(d.orientation_degrees) : 0;
      return { script: d.script ?? null, rotation };
    } catch {
      return null;
    }
  }
}

/** A re-read lone token must be this much surer (confidence points) than the first reading. */
const REREAD_MARGIN = 5;
/** At most this many tokens are re-read per image. */
const MAX_REREAD = 80;

type TWord = TLine['words'][number];

/**
 * Tokens of at most three characters whose neighbours on their OCR line are all far away (over
 * 1.5 line heights): cells of a table row that tesseract read as one line.
 */
export function loneTokens(blocks: TBlock[]): { word: TWord }[] {
  const out: { word: TWord }[] = [];
  for (const b of blocks) for (const p of b.paragraphs) for (const l of p.lines) {
    const ws = l.words.filter((w) => w.text.trim());
    if (ws.length < 2) continue;
    ws.forEach((w, i) => {
      const t = w.text.trim();
      if ([...t].length > 3 || out.length >= MAX_REREAD) return;
      const h = w.bbox.y1 - w.bbox.y0;
      if (!(h > 0)) return;
      const far = 1.5 * Math.max(h, l.bbox.y1 - l.bbox.y0);
      const prev = ws[i - 1], next = ws[i + 1];
      if (prev && w.bbox.x0 - prev.bbox.x1 < far) return;
      if (next && next.bbox.x0 - w.bbox.x1 < far) return;
      out.push({ word: w });
    });
  }
  return out;
}

/**
 * The boxes' pixels (with a margin) stacked one under another on white, each on its own band;
 * `slotAt(y)` says which box a y in the sheet belongs to.
 */
export function tokenSheet(image: RasterImage, boxes: { x0: number; y0: number; x1: number; y1: number }[]): { image: RasterImage; slotAt(y: number): number } | null {
  const crops = boxes.map((b) => {
    const h = b.y1 - b.y0;
    const pad = Math.max(3, Math.round(0.4 * h));
    const x0 = Math.max(0, Math.floor(b.x0 - pad)), y0 = Math.max(0, Math.floor(b.y0 - pad));
    const x1 = Math.min(image.width, Math.ceil(b.x1 + pad)), y1 = Math.min(image.height, Math.ceil(b.y1 + pad));
    return { x0, y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
  });
  if (crops.some((c) => !c.w || !c.h)) return null;
  const maxH = Math.max(...crops.map((c) => c.h));
  const margin = maxH;
  const width = Math.max(...crops.map((c) => c.w)) + 2 * margin;
  const bands: [number, number][] = [];
  let y = margin;
  for (const c of crops) { bands.push([y - margin / 2, y + c.h + margin / 2]); y += c.h + margin; }
  const height = y;
  if (width * height > 4_000_000) return null;
  const data = new Uint8Array(width * height).fill(255);
  const ch = image.channels;
  crops.forEach((c, k) => {
    const top = bands[k]![0] + margin / 2;
    for (let r = 0; r < c.h; r++) {
      for (let q = 0; q < c.w; q++) {
        const src = ((c.y0 + r) * image.width + (c.x0 + q)) * ch;
        const v = ch === 1 ? image.data[src]! : Math.round((image.data[src]! * 299 + image.data[src + 1]! * 587 + image.data[src + 2]! * 114) / 1000);
        data[(top + r) * width + margin + q] = v;
      }
    }
  });
  return {
    image: { width, height, channels: 1, data },
    slotAt: (yy: number) => bands.findIndex(([a, b]) => yy >= a && yy < b),
  };
}

/** Tesseract prints diagnostics ("Estimating resolution as ...") to stderr unless told otherwise. */
const QUIET = { debug_file: '/dev/null' } as unknown as Partial<Tesseract.WorkerParams>;

function workerScript(): string {
  // Beside this module in the source tree; from dist/adapters/node, back in the source tree.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'tesseract-worker.mjs'), join(here, '..', '..', '..', 'adapters', 'node', 'tesseract-worker.mjs')]) {
    if (existsSync(p)) return p;
  }
  throw new DocinlineError('ocr_unavailable', 'OCR is not available: adapters/node/tesseract-worker.mjs is missing from the installation');
}

/** Finds `<lang>.traineddata[.gz]` for every language in `dataDirs` and in installed `@tesseract.js-data/*` packages. */
export function discoverLanguages(dataDirs: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of dataDirs) {
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { continue; }
    for (const n of names) {
      const m = /^([A-Za-z0-9_]+)\.traineddata(\.gz)?$/.exec(n);
      if (m && isValidLanguageCode(m[1]!) && !files[m[1]!]) files[m[1]!] = join(dir, n);
    }
  }
  let scope: string | null = null;
  try {
    scope = dirname(dirname(require.resolve('@tesseract.js-data/eng/package.json')));
  } catch {
    try { scope = dirname(dirname(require.resolve('@tesseract.js-data/osd/package.json'))); } catch { scope = null; }
  }
  if (scope) {
    let pkgs: string[] = [];
    try { pkgs = readdirSync(scope); } catch { pkgs = []; }
    for (const lang of pkgs) {
      if (!isValidLanguageCode(lang) || files[lang]) continue;
      // best_int: the LSTM "best" model, integerised (smaller and faster); 4.0.0 also carries the legacy model.
      for (const variant of ['4.0.0_best_int', '4.0.0']) {
        const f = join(scope, lang, variant, `${lang}.traineddata.gz`);
        if (existsSync(f)) { files[lang] = f; break; }
      }
    }
  }
  return files;
}
