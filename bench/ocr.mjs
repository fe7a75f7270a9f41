#!/usr/bin/env node
// OCR quality and throughput: docinline (sharp + the tesseract.js worker pool + the layout stages,
// through parseDocument) next to Debian's native `tesseract` 5 on the same files in the same run.
//   npm run bench -- ocr            (needs: apt-get install -y tesseract-ocr tesseract-ocr-eng poppler-utils)
//   node bench/ocr.mjs [--corpus DIR] [--runs N]
// Files: the corpus folders images/ (PNG/JPEG) and pdf-scanned/ (image-only PDFs). Native tesseract runs
// one process per core with OMP_THREAD_LIMIT=1 (its fastest setting here); PDFs are rasterised for it
// with pdftoppm at 300 dpi, and that time is counted. CER = Levenshtein / ground-truth length after
// whitespace folding (the shared scorer), on docinline's Markdown and on tesseract's plain text.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const corpus = resolve(opt('--corpus', [join(root, '../shared/corpus'), '/work/shared/corpus'].find((d) => existsSync(d)) ?? '/work/shared/corpus'));
const runs = Math.max(1, Number(opt('--runs', '1')));
const cores = availableParallelism();

const scorerPath = [join(root, '../shared/tools/score.mjs'), '/work/shared/tools/score.mjs'].find((f) => existsSync(f));
if (!scorerPath) { console.error('bench/ocr: the shared scorer (../shared/tools/score.mjs) is missing'); process.exit(2); }
const { cer } = await import(pathToFileURL(scorerPath).href);
const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
if (!have('tesseract') || !have('pdftoppm')) {
  console.error('bench/ocr: needs `tesseract` and `pdftoppm` (apt-get install -y tesseract-ocr tesseract-ocr-eng poppler-utils)');
  process.exit(2);
}

function docs(folder, re) {
  const dir = join(corpus, folder);
  if (!existsSync(dir)) { console.error(`bench/ocr: no corpus folder ${dir}`); process.exit(2); }
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => {
    const stem = f.replace(re, '');
    const gtFile = ['.txt', '.md'].map((e) => join(dir, stem + e)).find((p) => existsSync(p));
    return { folder, stem, file: join(dir, f), gt: gtFile ? readFileSync(gtFile, 'utf8') : null };
  });
}
const images = docs('images', /\.(png|jpe?g)$/i);
const pdfs = docs('pdf-scanned', /\.pdf$/i);

/** Runs `fn` over items with at most `n` at once; returns results in order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

function run(cmd, argv, env) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    p.stdout.on('data', (c) => chunks.push(c));
    p.stderr.resume();
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res(Buffer.concat(chunks).toString('utf8')) : rej(new Error(`${cmd} exited with ${code}`))));
  });
}

// ---------- docinline ----------
const { register } = await import('tsx/esm/api');
register();
const node = await import(pathToFileURL(join(root, 'adapters/node/index.ts')).href);
const runtime = node.createNodeRuntime();
const parse = (file) => node.parseDocument(new Uint8Array(readFileSync(file)), { pageMarkers: false }, runtime);

let t = performance.now();
await runtime.ocr.warmUp?.(['eng']);
const warmMs = performance.now() - t;

async function docinline() {
  const imgT = performance.now();
  const img = await pool(images, images.length, async (d) => (await parse(d.file)).markdown);
  const imgS = (performance.now() - imgT) / 1000;
  const pdfT = performance.now();
  // The engine OCRs a PDF's pages one after another: documents run side by side to fill the pool.
  const pdf = await pool(pdfs, cores, async (d) => { const r = await parse(d.file); return { md: r.markdown, pages: r.stats.pages }; });
  const pdfS = (performance.now() - pdfT) / 1000;
  return { img, imgS, pdf: pdf.map((p) => p.md), pages: pdf.reduce((a, p) => a + p.pages, 0), pdfS };
}

// ---------- native tesseract ----------
const NATIVE_ENV = { OMP_THREAD_LIMIT: '1' };
async function native() {
  const imgT = performance.now();
  const img = await pool(images, cores, (d) => run('tesseract', [d.file, 'stdout', '-l', 'eng'], NATIVE_ENV));
  const imgS = (performance.now() - imgT) / 1000;
  const tmp = mkdtempSync(join(tmpdir(), 'docinline-bench-ocr-'));
  try {
    const pdfT = performance.now();
    const pdf = await pool(pdfs, cores, async (d, i) => {
      const prefix = join(tmp, `d${i}`);
      await run('pdftoppm', ['-r', '300', '-gray', '-png', d.file, prefix]);
      const pages = readdirSync(tmp).filter((f) => f.startsWith(`d${i}-`)).sort();
      const texts = [];
      for (const p of pages) texts.push(await run('tesseract', [join(tmp, p), 'stdout', '-l', 'eng'], NATIVE_ENV));
      return { text: texts.join('\n'), pages: pages.length };
    });
    const pdfS = (performance.now() - pdfT) / 1000;
    return { img, imgS, pdf: pdf.map((p) => p.text), pages: pdf.reduce((a, p) => a + p.pages, 0), pdfS };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const best = (xs, key) => xs.reduce((a, b) => (b[key] < a[key] ? b : a));
const ours = [], theirs = [];
for (let i = 0; i < runs; i++) {
  theirs.push(await native());
  ours.push(await docinline());
}
await runtime.ocr.close();

const o = ours[0], n = theirs[0];
const rows = [
  ...images.map((d, i) => ({ doc: `images/${d.stem}`, gt: d.gt, a: o.img[i], b: n.img[i] })),
  ...pdfs.map((d, i) => ({ doc: `pdf-scanned/${d.stem}`, gt: d.gt, a: o.pdf[i], b: n.pdf[i] })),
].filter((r) => r.gt !== null).map((r) => ({ ...r, ca: cer(r.gt, r.a), cb: cer(r.gt, r.b) }));

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`corpus ${corpus}; ${cores} cores; docinline pool of ${runtime.ocr.concurrency ?? '?'} workers (started in ${warmMs.toFixed(0)} ms, not counted); best of ${runs} run(s)\n`);
console.log('CER per document (docinline Markdown vs native tesseract text), worst first:');
for (const r of [...rows].sort((a, b) => b.ca - a.ca)) console.log(`  ${r.doc.padEnd(48)} docinline ${r.ca.toFixed(3)}   tesseract ${r.cb.toFixed(3)}`);
for (const folder of ['images', 'pdf-scanned']) {
  const rs = rows.filter((r) => r.doc.startsWith(folder + '/'));
  console.log(`CER ${folder.padEnd(12)} docinline ${mean(rs.map((r) => r.ca)).toFixed(4)}   native tesseract ${mean(rs.map((r) => r.cb)).toFixed(4)}   (${rs.length} documents)`);
}
const oi = best(ours, 'imgS'), ni = best(theirs, 'imgS'), op = best(ours, 'pdfS'), np = best(theirs, 'pdfS');
const ips = (r) => images.length / r.imgS, pps = (r) => r.pages / r.pdfS;
console.log(`\nthroughput images   docinline ${ips(oi).toFixed(2)} images/s (${oi.imgS.toFixed(1)} s)   native ${ips(ni).toFixed(2)} images/s (${ni.imgS.toFixed(1)} s)   ratio ${(ips(oi) / ips(ni)).toFixed(2)}x`);
console.log(`throughput scanned  docinline ${pps(op).toFixed(2)} pages/s (${op.pdfS.toFixed(1)} s)   native+pdftoppm ${pps(np).toFixed(2)} pages/s (${np.pdfS.toFixed(1)} s)   ratio ${(pps(op) / pps(np)).toFixed(2)}x`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process; native tesseract runs in child processes)`);
