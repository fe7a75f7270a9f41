#!/usr/bin/env node
// The Cloudflare Worker (the wrangler bundle, in workerd through Miniflare) next to the Node server,
// same requests, same machine, rounds interleaved:
//   1. POST /v1/parse of text PDFs (pdf.js in the Worker: unpdf's build; on Node: pdfjs-dist legacy);
//   2. POST /v1/parse of images OCR'd inside the Worker (tesseract.js-core, one image at a time) and
//      by the Node server (tesseract.js worker threads + sharp);
//   3. the wasm memory the Worker's OCR engine holds after each image (from its debug log), against the
//      128 MB an isolate may use.
// Every request carries bytes never seen before (a comment after %%EOF, bytes after a PNG's IEND), so
// the parse cache never answers. Medians and Worker/Node ratios are printed; compare ratios, not times.
//
//   npm run bench -- worker            (ROUNDS=5 by default)
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const root = new URL('..', import.meta.url);
const { startTestWorker } = await import(new URL('test/serverless/worker-harness.ts', root).href);
const { startGateway } = await import(new URL('test/helpers/gateway.ts', root).href);

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const fixture = (p) => readFileSync(new URL(`fixtures/${p}`, root));
let seq = 0;
/** The same document with a few bytes of its own at the end (ignored by every reader). */
function fresh(bytes, kind) {
  const tail = Buffer.from(kind === 'pdf' ? `\n%bench ${process.pid}-${++seq}\n` : `bench${process.pid}-${++seq}`);
  return Buffer.concat([bytes, tail]);
}

const cases = [
  { name: 'text PDF, 1 page (memo)', file: 'gateway/memo.pdf', kind: 'pdf' },
  { name: 'text PDF, 10 pages', file: 'gateway/ten-pages.pdf', kind: 'pdf' },
  { name: 'text PDF, two columns', file: 'pdf/two-column.pdf', kind: 'pdf' },
  { name: 'OCR PNG 560x300 (table)', file: 'images/table.png', kind: 'png' },
  { name: 'OCR PNG 780x520 (screenshot)', file: 'images/screenshot-light.png', kind: 'png' },
  { name: 'OCR JPEG 851x1594 (scan)', file: 'images/rotated-scan.jpg', kind: 'jpg' },
];

const ocrLog = [];
const worker = await startTestWorker(
  { DOCINLINE_LOG_LEVEL: 'debug', DOCINLINE_MAX_PAGES: '50' },
  {
    onOutput(line) {
      if (!line.includes('"ocr in worker"')) return;
      try {
        ocrLog.push(JSON.parse(line.slice(line.indexOf('{'))));
      } catch {}
    },
  },
);
const node = await startGateway({ DOCINLINE_OCR_WORKERS: '1' });

async function timeParse(base, bytes) {
  const t = performance.now();
  const res = await fetch(`${base}/v1/parse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file_data: `data:application/octet-stream;base64,${bytes.toString('base64')}` }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${base}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return { ms: performance.now() - t, path: res.headers.get('x-docinline-parse-path'), pages: body.pages };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // Warm both (pdf.js loaded, the OCR engine instantiated) before timing.
  const warm = Date.now();
  await timeParse(worker.url, fresh(fixture('images/table.png'), 'png'));
  console.log(`worker cold start of OCR (wasm instantiate + language data + first image): ${Date.now() - warm} ms`);
  await timeParse(node.url, fresh(fixture('images/table.png'), 'png'));
  await timeParse(worker.url, fresh(fixture('gateway/memo.pdf'), 'pdf'));
  await timeParse(node.url, fresh(fixture('gateway/memo.pdf'), 'pdf'));

  console.log('\ncase                              worker ms   node ms   worker/node   worker path');
  for (const c of cases) {
    const w = [];
    const n = [];
    let path = '';
    const bytes = fixture(c.file);
    for (let i = 0; i < ROUNDS; i++) {
      const a = await timeParse(worker.url, fresh(bytes, c.kind));
      path = a.path;
      w.push(a.ms);
      n.push((await timeParse(node.url, fresh(bytes, c.kind))).ms);
    }
    const mw = median(w);
    const mn = median(n);
    console.log(`${c.name.padEnd(32)} ${mw.toFixed(0).padStart(9)} ${mn.toFixed(0).padStart(9)} ${(mw / mn).toFixed(2).padStart(13)}   ${path}`);
  }
  if (ocrLog.length) {
    const peak = Math.max(...ocrLog.map((l) => l.wasmBytes));
    const big = ocrLog.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    console.log(`\nworker OCR: ${ocrLog.length} images; largest prepared image ${big.width}x${big.height} (${((big.width * big.height) / 1e6).toFixed(2)} MP) in ${big.ms} ms;`);
    console.log(`wasm memory held after an image: peak ${(peak / 1048576).toFixed(1)} MiB of the isolate's 128 MB`);
  }
} finally {
  await worker.close();
  await node.close();
}
