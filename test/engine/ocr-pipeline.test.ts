// How the engine drives OCR for scanned PDF pages: pages are recognised concurrently up to the OCR
// engine's concurrency, and the document's time budget / the caller's signal reach the OCR calls.
// The real tesseract.js engine does the work; a thin wrapper records when each call starts and ends
// and which signal it was given.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/parse.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import { TesseractOcrEngine } from '../../adapters/node/ocr-tesseract.js';
import { DocinlineError } from '../../src/errors.js';
import type { OcrEngine, OcrResult, RasterImage } from '../../src/ports/parsing.js';

interface Call {
  start: number;
  end?: number;
  signal?: AbortSignal;
  outcome?: 'ok' | 'rejected';
}

class RecordingOcr implements OcrEngine {
  readonly calls: Call[] = [];
  onCall?: (c: Call) => void;
  /** When set, a call waits (up to 15 s) until this many calls have started before it recognises. */
  barrier?: number;
  private readonly arrivals = new Set<() => void>();
  constructor(private readonly inner: TesseractOcrEngine) {}
  get concurrency() {
    return this.inner.concurrency;
  }
  languages() {
    return this.inner.languages();
  }
  async recognize(image: RasterImage, opts: Parameters<OcrEngine['recognize']>[1]): Promise<OcrResult> {
    const call: Call = { start: performance.now(), signal: opts.signal };
    this.calls.push(call);
    this.onCall?.(call);
    for (const wake of this.arrivals) wake();
    if (this.barrier && this.calls.length < this.barrier) {
      // Sequential OCR would never start the next call while this one waits: the wait times out.
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); this.arrivals.delete(check); resolve(); };
        const check = () => { if (this.calls.length >= this.barrier!) done(); };
        const timer = setTimeout(done, 15_000);
        this.arrivals.add(check);
      });
    }
    try {
      const r = await this.inner.recognize(image, opts);
      call.outcome = 'ok';
      return r;
    } catch (e) {
      call.outcome = 'rejected';
      throw e;
    } finally {
      call.end = performance.now();
    }
  }
  close() {
    return this.inner.close();
  }
}

const engine = new TesseractOcrEngine({ workers: 2 });
after(() => engine.close());
const scanned = () => new Uint8Array(readFileSync(new URL('../../fixtures/scanned/mixed.pdf', import.meta.url)));

test('the scanned pages of a PDF are recognised at the same time, one per OCR worker', async () => {
  const ocr = new RecordingOcr(engine);
  ocr.barrier = 2;
  const runtime = createNodeRuntime({ ocr });
  assert.equal(ocr.concurrency, 2);
  const r = await parseDocument(scanned(), { pageMarkers: false }, runtime);
  // Pages 1 and 3 are images; page 2 has a text layer.
  assert.equal(ocr.calls.length, 2, 'one OCR call per scanned page');
  const [a, b] = ocr.calls;
  assert.ok(b.start - a.start < 14_000, `the second page's OCR started while the first was still open (${b.start - a.start} ms apart)`);
  assert.ok(a.start < b.end! && b.start < a.end!, `the two OCR calls overlap (${JSON.stringify(ocr.calls.map((c) => [c.start, c.end]))})`);
  const md = r.markdown;
  for (const s of ['Inspection Report', 'Page two carries a real text layer', 'Follow-up Actions']) assert.ok(md.includes(s), `missing ${s}`);
  assert.ok(md.indexOf('Inspection Report') < md.indexOf('Page two carries') && md.indexOf('Page two carries') < md.indexOf('Follow-up Actions'), 'pages stay in order');
  assert.equal(r.stats.ocrPages, 2);
});

test("cancelling a document stops its OCR: the OCR calls get the document's signal", async () => {
  const ocr = new RecordingOcr(engine);
  const runtime = createNodeRuntime({ ocr });
  const ctl = new AbortController();
  // Cancel as soon as OCR starts, so the cancellation lands while recognition is running.
  ocr.onCall = () => setTimeout(() => ctl.abort(), 20);
  const t0 = performance.now();
  await assert.rejects(parseDocument(scanned(), { signal: ctl.signal }, runtime), (e: unknown) => e instanceof DocinlineError && e.code === 'aborted');
  assert.ok(ocr.calls.length >= 1);
  for (const c of ocr.calls) assert.equal(c.signal?.aborted, true, 'the OCR call was given a signal that fired');
  // The recognitions themselves were stopped, not left running to completion in the background.
  await new Promise((r) => setTimeout(r, 50));
  for (const c of ocr.calls) assert.equal(c.outcome, 'rejected');
  assert.ok(performance.now() - t0 < 20_000);
});

test('the time budget reaches OCR: a budget that runs out during recognition stops it', async () => {
  const ocr = new RecordingOcr(engine);
  const runtime = createNodeRuntime({ ocr });
  // Warm runs measure how long the page takes to reach OCR and how long recognition lasts, so that the
  // budget below runs out in the middle of recognising; it is adjusted and retried on a noisy machine.
  let t0 = 0;
  ocr.onCall = (c) => void (c.start -= t0);
  for (let i = 0; i < 2; i++) {
    ocr.calls.length = 0;
    t0 = performance.now();
    await parseDocument(scanned(), { pages: '1' }, runtime);
  }
  const reach = ocr.calls[0].start;
  const span = ocr.calls[0].end! - t0 - reach;
  let budget = Math.round(reach + span / 2);
  let tested = false;
  for (let attempt = 0; attempt < 6 && !tested; attempt++) {
    ocr.calls.length = 0;
    t0 = performance.now();
    const outcome = await parseDocument(scanned(), { pages: '1', timeoutMs: budget }, runtime).then(() => null, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    if (outcome === null) { budget = Math.max(1, Math.round(budget * 0.6)); continue; } // finished within it
    assert.ok(outcome instanceof DocinlineError && outcome.code === 'parse_timeout', String(outcome));
    if (!ocr.calls.length) { budget = Math.round(budget * 1.5); continue; } // ran out before OCR started
    tested = true;
    for (const c of ocr.calls) {
      assert.equal(c.signal?.aborted, true, 'the OCR call was given the budget signal');
      assert.equal(c.outcome, 'rejected', 'the recognition was stopped by the budget');
    }
  }
  assert.ok(tested, `the budget never ran out during OCR (reach ${reach} ms, recognition ${span} ms)`);
});
