#!/usr/bin/env node
// `npm run eval [-- options]`: parses every document of the evaluation corpus in-process (TypeScript
// sources through tsx, so no build is needed), writes .eval/<folder>/<stem>.md and scores them with the
// shared scorer.
//   --corpus DIR      corpus root (default ../shared/corpus next to the checkout, or /work/shared/corpus)
//   --out DIR         where predictions go (default .eval)
//   --folder NAME     only this folder (repeatable): pdf-text, pdf-tables, pdf-scanned, images
//   --only SUBSTR     only documents whose stem contains SUBSTR
//   --per-doc         per-document scores
//   --json            scorer JSON
//   --jobs N          worker threads (default: 2, 1 = in this thread)
//   --merge-tables    merge continued tables (off by default: the ground truth has one CSV per page)
//   --keep-furniture  keep running headers/footers
// Markdown is written without page markers: the ground truth has none.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function loadEngine() {
  const { register } = await import('tsx/esm/api');
  register();
  const node = await import(join(root, 'adapters/node/index.ts'));
  let runtime;
  try {
    // The OCR wiring may add image/OCR parts to the default runtime when present.
    runtime = node.getDefaultRuntime();
  } catch {
    runtime = node.createNodeRuntime();
  }
  return { parseDocument: node.parseDocument, runtime };
}

async function runJobs(jobs, options, onResult) {
  const { parseDocument, runtime } = await loadEngine();
  for (const job of jobs) {
    const t0 = performance.now();
    let md = '', error = null, pages = 0;
    try {
      const bytes = new Uint8Array(readFileSync(job.src));
      const r = await parseDocument(bytes, { ...options, filename: job.stem }, runtime);
      md = r.markdown;
      pages = r.stats.pages;
    } catch (e) {
      error = `${e?.code ?? 'error'}: ${e?.message ?? e}`;
    }
    mkdirSync(dirname(job.dst), { recursive: true });
    writeFileSync(job.dst, md);
    onResult({ ...job, error, pages, ms: performance.now() - t0 });
  }
  await runtime.ocr?.close?.().catch?.(() => {});
}

if (!isMainThread) {
  await runJobs(workerData.jobs, workerData.options, (r) => parentPort.postMessage(r));
  process.exit(0);
}

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const multi = (k) => args.flatMap((a, i) => (a === k ? [args[i + 1]] : []));
const corpus = resolve(opt('--corpus', [join(root, '../shared/corpus'), '/work/shared/corpus'].find((d) => existsSync(d)) ?? '/work/shared/corpus'));
const out = resolve(root, opt('--out', '.eval'));
const folders = multi('--folder').length ? multi('--folder') : readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const only = opt('--only');
const jobsN = Math.max(1, Number(opt('--jobs', String(Math.min(2, availableParallelism())))));
const options = {
  pageMarkers: false,
  mergeTables: args.includes('--merge-tables'),
  keepFurniture: args.includes('--keep-furniture'),
};

const jobs = [];
for (const folder of folders) {
  const dir = join(corpus, folder);
  if (!existsSync(dir)) { console.error(`no folder ${dir}`); process.exit(2); }
  rmSync(join(out, folder), { recursive: true, force: true });
  mkdirSync(join(out, folder), { recursive: true });
  for (const f of readdirSync(dir).sort()) {
    const m = f.match(/^(.*)\.(pdf|png|jpe?g|tiff?|webp|gif|bmp)$/i);
    if (!m || (only && !m[1].includes(only))) continue;
    jobs.push({ folder, stem: m[1], src: join(dir, f), dst: join(out, folder, m[1] + '.md'), size: readFileSync(join(dir, f)).length });
  }
}

const t0 = performance.now();
const results = [];
const onResult = (r) => {
  results.push(r);
  if (r.error) console.error(`  ${r.folder}/${r.stem}: ${r.error}`);
};
if (jobsN === 1 || jobs.length < 2) {
  await runJobs(jobs, options, onResult);
} else {
  // Deal the documents out by size so both workers finish together.
  const lanes = Array.from({ length: jobsN }, () => ({ jobs: [], size: 0 }));
  for (const j of [...jobs].sort((a, b) => b.size - a.size)) {
    const lane = lanes.reduce((a, b) => (a.size <= b.size ? a : b));
    lane.jobs.push(j);
    lane.size += j.size;
  }
  await Promise.all(lanes.filter((l) => l.jobs.length).map((l) => new Promise((res, rej) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { jobs: l.jobs, options } });
    w.on('message', onResult);
    w.on('error', rej);
    w.on('exit', res);
  })));
}
const secs = (performance.now() - t0) / 1000;
const pages = results.reduce((a, r) => a + r.pages, 0);
const failed = results.filter((r) => r.error).length;
console.log(`parsed ${results.length} documents (${pages} pages, ${failed} failed) in ${secs.toFixed(1)} s with ${jobsN} worker(s)`);

const scorer = [join(root, '../shared/tools/score.mjs'), '/work/shared/tools/score.mjs'].find((f) => existsSync(f));
const scoreArgs = [scorer, '--gt', corpus, '--pred', out];
if (args.includes('--per-doc')) scoreArgs.push('--per-doc');
if (args.includes('--json')) scoreArgs.push('--json');
const r = spawnSync(process.execPath, scoreArgs, { encoding: 'utf8' });
const lines = (r.stdout || '').split('\n').filter((l) => {
  if (args.includes('--json')) return true;
  const f = l.split(/[:/]/)[0];
  return folders.includes(f) && (!only || !l.includes('/') || l.includes(only));
});
process.stdout.write(lines.join('\n') + '\n');
if (r.status !== 0) { process.stderr.write(r.stderr || ''); process.exit(r.status ?? 1); }
