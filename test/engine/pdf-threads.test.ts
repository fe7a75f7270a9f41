// pdf.js in worker threads (adapters/node/pdf-worker.ts): the same results as in this thread, the
// event loop stays free while a document is parsed, and a thread that stops fails its documents at
// once instead of leaving them waiting.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/parse.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import { closePdfThreads, createNodePdfDriver } from '../../adapters/node/pdf.js';
import { patchWorkerSource } from '../../adapters/node/pdf-worker.js';
import { DocinlineError } from '../../src/errors.js';
import { createRequire } from 'node:module';

after(() => closePdfThreads());
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/pdf/${name}`, import.meta.url)));
const threaded = createNodeRuntime({ pdf: createNodePdfDriver({ threads: 1 }), ocrDefaults: false });
const inThread = createNodeRuntime({ pdf: createNodePdfDriver({ threads: 0 }), ocrDefaults: false });

test('the patches apply to the installed pdf.js build (otherwise the stock worker would be used, slower)', () => {
  const require = createRequire(import.meta.url);
  const file = require.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  const patched = patchWorkerSource(readFileSync(file, 'utf8'), 'file:///x');
  assert.ok(patched, 'every patch matched exactly once');
  assert.ok(!patched.includes('import.meta') && !/\nexport \{/.test(patched));
  assert.equal(patchWorkerSource('unrelated source', 'file:///x'), null);
});

test('documents parse the same in a pdf.js thread and in this thread', async () => {
  for (const name of ['two-column.pdf', 'cjk.pdf', 'rotated.pdf', 'header-footer.pdf']) {
    const a = await parseDocument(fixture(name), {}, threaded);
    const b = await parseDocument(fixture(name), {}, inThread);
    assert.equal(a.markdown, b.markdown, name);
  }
});

test('the event loop keeps running while pdf.js parses in its thread', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const bytes = fixture('header-footer.pdf');
  const runs = await Promise.all(Array.from({ length: 4 }, () => parseDocument(bytes, {}, threaded)));
  clearInterval(timer);
  assert.equal(runs.length, 4);
  assert.ok(ticks > 0, 'timers fired during the parse');
});

test('a pdf.js thread that stops fails its open documents at once, and the next document gets a new thread', async () => {
  const bytes = fixture('header-footer.pdf');
  await parseDocument(bytes, {}, threaded);
  const t0 = performance.now();
  const pending = parseDocument(bytes, { timeoutMs: 60_000 }, threaded);
  await new Promise((r) => setTimeout(r, 5));
  await closePdfThreads();
  await assert.rejects(pending, (e: unknown) => e instanceof DocinlineError && e.code === 'internal_error');
  assert.ok(performance.now() - t0 < 10_000, 'not left waiting for the time budget');
  const again = await parseDocument(bytes, {}, threaded);
  assert.equal(again.stats.pages, 3);
});

test('warming the pdf.js threads at the top level of a module waits for them (idle threads are unref\'d)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'docinline-warm-'));
  try {
    const script = join(dir, 'warm.mjs');
    const pdfModule = new URL('../../adapters/node/pdf.ts', import.meta.url).href;
    writeFileSync(script, `const { warmPdfWorker } = await import(${JSON.stringify(pdfModule)});\nconsole.log(JSON.stringify(await warmPdfWorker(1)));\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), ['patched']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the pdf.js threads start in a process run with --input-type=module (workers inherit it)', async () => {
  const { spawnSync } = await import('node:child_process');
  const pdfModule = new URL('../../adapters/node/pdf.ts', import.meta.url).href;
  const code = `const { warmPdfWorker } = await import(${JSON.stringify(pdfModule)}); console.log(JSON.stringify(await warmPdfWorker(1)));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), ['patched']);
});
