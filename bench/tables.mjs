#!/usr/bin/env node
// `npm run bench -- tables`: what table detection costs next to text extraction, in the same run.
// The engine parses every page with the table stage built in (pdf.js' operator list is fetched for fonts
// and images anyway), so the table stage's own work is timed directly on the same pages: the walk of the
// cached operator list into rules (graphicsFromOperatorList) plus detectTables on the page's words. The
// text-only rate is the full rate with that work taken out; the ratio must stay >= 0.70 (table
// detection costs at most 30% of the text-only pages/s).
//   --rounds N   rounds (default 3; medians are reported)
//   --dir DIR    PDFs to use (repeatable; default: the corpus' pdf-tables and pdf-text folders)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const multi = (k) => args.flatMap((a, i) => (a === k ? [args[i + 1]] : []));
const rounds = Math.max(1, Number(opt('--rounds', '3')));
const corpus = [join(root, '../shared/corpus'), '/work/shared/corpus'].find((d) => existsSync(d));
const dirs = multi('--dir').length ? multi('--dir').map((d) => resolve(d)) : corpus ? ['pdf-tables', 'pdf-text'].map((f) => join(corpus, f)) : [];
const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => join(d, f)) : []));
if (!files.length) { console.error('no PDFs: pass --dir DIR'); process.exit(1); }

const { register } = await import('tsx/esm/api');
register();
const node = await import(join(root, 'adapters/node/index.ts'));
const { pdfPageToSource } = await import(join(root, 'src/pdf/source.ts'));
const { graphicsFromOperatorList } = await import(join(root, 'src/pdf/graphics.ts'));
const { detectTables } = await import(join(root, 'src/layout/tables/index.ts'));

const runtime = node.createNodeRuntime({ ocrDefaults: false });
const buffers = files.map((f) => new Uint8Array(readFileSync(f)));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The engine end to end (text, layout, tables, Markdown), one document after another. */
async function fullPass() {
  let pages = 0;
  const t0 = now();
  for (const b of buffers) pages += (await node.parseDocument(b, { pageMarkers: false, ocr: 'never' }, runtime)).stats.pages;
  return { pages, ms: now() - t0 };
}

/** The table stage alone on the same pages: prepared once, then only the table work is timed. */
const prepared = [];
for (const b of buffers) {
  const doc = await runtime.pdf.open(b.slice(), {});
  try {
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const sp = await pdfPageToSource(page, p, runtime.pdf.OPS);
      const ops = await page.getOperatorList();
      const vt = page.getViewport({ scale: 1 }).transform;
      prepared.push({ sp, fnArray: ops.fnArray, argsArray: ops.argsArray, vt });
    }
  } finally {
    await doc.destroy();
  }
}
function tablePass() {
  let tables = 0;
  const t0 = now();
  for (const x of prepared) {
    const g = graphicsFromOperatorList(x.fnArray, x.argsArray, runtime.pdf.OPS, x.vt);
    tables += detectTables({ ...x.sp, rules: g.rules, regions: x.sp.regions }).length;
  }
  return { tables, ms: now() - t0 };
}

await fullPass();
tablePass();
const full = [], table = [];
let pages = 0, tables = 0;
for (let i = 0; i < rounds; i++) {
  const f = await fullPass();
  const t = tablePass();
  full.push(f.ms); table.push(t.ms);
  pages = f.pages; tables = t.tables;
}
const fullMs = median(full), tableMs = median(table);
const withPps = pages / (fullMs / 1000);
const textOnlyPps = pages / (Math.max(1, fullMs - tableMs) / 1000);
console.log(`${files.length} PDFs, ${pages} pages, ${tables} tables found; ${rounds} rounds, medians`);
console.log(`parse with tables            ${withPps.toFixed(1)} pages/s   (${full.map((ms) => (pages / (ms / 1000)).toFixed(0)).join(', ')})`);
console.log(`table stage alone            ${(tableMs / pages).toFixed(2)} ms/page  (rules walk + detectTables; ${table.map((ms) => (ms / pages).toFixed(2)).join(', ')})`);
console.log(`parse without the table work ${textOnlyPps.toFixed(1)} pages/s`);
console.log(`ratio with / without tables  ${(withPps / textOnlyPps).toFixed(2)}x   (target >= 0.70x: tables cost <= 30%)`);
await runtime.ocr?.close?.().catch?.(() => {});
