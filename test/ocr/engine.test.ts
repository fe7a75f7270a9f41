// The tesseract.js pool on its own: bounded queue, per-image time budget, cancellation, a worker
// that dies mid-job, shutdown. Images come from the committed fixtures through the sharp codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TesseractOcrEngine, discoverLanguages } from '../../adapters/node/ocr-tesseract.js';
import { SharpImageCodec } from '../../adapters/node/images-sharp.js';
import { DocinlineError } from '../../src/errors.js';
import type { RasterImage } from '../../src/ports/parsing.js';

const codec = new SharpImageCodec();
const load = async (name: string): Promise<RasterImage> =>
  (await codec.prepareForOcr(new Uint8Array(readFileSync(new URL(`../../fixtures/images/${name}`, import.meta.url))), { page: 0, maxPixels: 40e6 })).image;
const code = (c: string) => (e: unknown) => { assert.ok(e instanceof DocinlineError, String(e)); assert.equal(e.code, c, e.message); return true; };
const text = (r: { words: { text: string }[] }) => r.words.map((w) => w.text).join(' ');

/** Runs `body` with a new pool and closes the pool afterwards, whether `body` passed or threw. */
async function withEngine(opts: ConstructorParameters<typeof TesseractOcrEngine>[0], body: (engine: TesseractOcrEngine) => Promise<void>) {
  const engine = new TesseractOcrEngine(opts);
  try {
    await body(engine);
  } finally {
    await engine.close();
  }
}

test('language packs are found in the installed @tesseract.js-data packages', () => {
  const langs = discoverLanguages([]);
  assert.ok(langs.eng?.endsWith('eng.traineddata.gz'));
  assert.ok(langs.chi_tra);
  assert.ok(langs.osd);
  const engine = new TesseractOcrEngine({ workers: 1 });
  assert.deepEqual(engine.languages().filter((l) => ['eng', 'chi_tra'].includes(l)), ['chi_tra', 'eng']);
  assert.ok(!engine.languages().includes('osd'));
});

test('the queue is bounded: past it, recognize fails fast with server_overloaded', () => withEngine({ workers: 1, maxQueue: 1 }, async (engine) => {
  const img = await load('transparent.png');
  const a = engine.recognize(img, { languages: ['eng'] });
  const b = engine.recognize(img, { languages: ['eng'] });
  await assert.rejects(engine.recognize(img, { languages: ['eng'] }), code('server_overloaded'));
  const [ra, rb] = await Promise.all([a, b]);
  assert.match(text(ra), /Black ink on nothing at all/);
  assert.match(text(rb), /Flatten me onto white paper/);
}));

test('an image over its time budget fails with parse_timeout and the pool recovers', () => withEngine({ workers: 1 }, async (engine) => {
  const big = await load('two-pages.tiff');
  await assert.rejects(engine.recognize(big, { languages: ['eng'], timeoutMs: 30 }), code('parse_timeout'));
  const r = await engine.recognize(await load('transparent.png'), { languages: ['eng'] });
  assert.match(text(r), /Black ink/);
}));

test('cancelling through the signal stops the job (queued or running)', () => withEngine({ workers: 1 }, async (engine) => {
  const img = await load('screenshot-light.png');
  const ctl = new AbortController();
  const running = engine.recognize(img, { languages: ['eng'], signal: ctl.signal });
  const queued = engine.recognize(img, { languages: ['eng'], signal: ctl.signal });
  setTimeout(() => ctl.abort(), 20);
  await assert.rejects(running, code('aborted'));
  await assert.rejects(queued, code('aborted'));
  await assert.rejects(engine.recognize(img, { languages: ['eng'], signal: AbortSignal.abort() }));
  assert.match(text(await engine.recognize(await load('transparent.png'), { languages: ['eng'] })), /Black ink/);
}));

test('a worker thread that dies mid-job fails that job only', () => withEngine({ workers: 1 }, async (engine) => {
  const img = await load('screenshot-light.png');
  await engine.warmUp(['eng']);
  const job = engine.recognize(img, { languages: ['eng'] });
  // Kill the thread the way an out-of-memory abort would.
  const slot = (engine as unknown as { slots: { thread: { terminate(): Promise<number> } | null }[] }).slots[0]!;
  setTimeout(() => void slot.thread?.terminate(), 50);
  await assert.rejects(job, code('ocr_failed'));
  assert.match(text(await engine.recognize(await load('transparent.png'), { languages: ['eng'] })), /Black ink/);
}));

test('Han script is detected by OSD and read with chi_tra; English pages never load it', () => withEngine({ workers: 1 }, async (engine) => {
  const en = await engine.recognize(await load('transparent.png'), { languages: ['eng'] });
  assert.deepEqual(en.languages, ['eng']);
  assert.equal(en.script, undefined, 'a confident English reading does not consult OSD');
  const zh = await engine.recognize(await load('chinese.png'), { languages: ['eng'] });
  assert.equal(zh.script, 'Han');
  assert.deepEqual(zh.languages, ['chi_tra', 'eng']);
  const all = zh.words.map((w) => w.text).join('');
  for (const phrase of ['營業報告', '本季營收成長百分之十二', '主要來自海外市場', '下一季將擴大台北與高雄的服務據點']) assert.ok(all.includes(phrase), `${phrase} in ${all}`);
  // Asked for explicitly, chi_tra is used from the start.
  const direct = await engine.recognize(await load('chinese.png'), { languages: ['chi_tra'] });
  assert.deepEqual(direct.languages, ['chi_tra']);
}));

test('after close(), recognize is refused and nothing is left running', async () => {
  const engine = new TesseractOcrEngine({ workers: 2 });
  await engine.warmUp(['eng']);
  await engine.close();
  await assert.rejects(engine.recognize(await load('transparent.png'), { languages: ['eng'] }), code('ocr_unavailable'));
});
