/**
 * `docinline parse`: one document to stdout or a file, or many documents into a folder, with a progress
 * bar on a terminal and a summary. Several documents are in flight at once in this thread; pdf.js
 * parses them in its worker threads (see adapters/node/pdf-worker.ts) while the layout stages run here,
 * so every core works and only pdf.js' own heap is repeated per thread.
 */
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { OcrMode, OutputFormat, ParseOptions } from '../../../src/model/options.js';
import type { ParseRuntime } from '../../../src/ports/parsing.js';
import { DocinlineError, isDocinlineError } from '../../../src/errors.js';
import { parsePageRange } from '../../../src/page-range.js';
import { render } from '../../../src/render/index.js';

export const summary = 'convert PDFs and images to Markdown, JSON or text';

const USAGE = `Usage:
  docinline parse INPUT [options]                 one document to stdout (or -o FILE)
  docinline parse INPUT... --out DIR [options]    many documents (files or folders) into DIR/STEM.md

INPUT is a file path, "-" (stdin) or an http(s) URL.

Options:
  -f, --format md|json|text   output format (default md)
  -p, --pages RANGE           pages to parse, e.g. "1-3,7" or "5-"
  -o, --output FILE           write the result to FILE instead of stdout (one input)
      --out DIR               write DIR/STEM.<md|json|txt> for every input
      --resume                with --out: skip inputs whose output already exists (outputs are
                              written whole or not at all, so an existing one is complete)
  -j, --concurrency N         documents in parallel with --out (default: number of cores)
      --ocr auto|always|never OCR pages without a usable text layer (default auto)
      --password PW           password for an encrypted PDF
      --keep-furniture        keep running headers, footers and page numbers
      --no-page-markers       no <!-- page N --> markers
      --no-merge-tables       keep a table continued over pages as one table per page
      --max-pages N           refuse documents with more pages (default 2000)
      --timeout SECONDS       time budget per document (default 120)
  -q, --quiet                 no progress bar or summary
  -h, --help                  this text
`;

const EXT: Record<OutputFormat, string> = { md: '.md', json: '.json', text: '.txt' };
const INPUT_EXT = /\.(pdf|png|jpe?g|tiff?|webp|gif|bmp|avif|heic|heif)$/i;

interface Job {
  input: string;
  output: string;
}

interface JobResult {
  input: string;
  ok: boolean;
  pages: number;
  error?: string;
  warnings?: string[];
}

class UsageError extends Error {}

function parseCli(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      pages: { type: 'string', short: 'p' },
      output: { type: 'string', short: 'o' },
      out: { type: 'string' },
      concurrency: { type: 'string', short: 'j' },
      ocr: { type: 'string' },
      password: { type: 'string' },
      'keep-furniture': { type: 'boolean' },
      'no-page-markers': { type: 'boolean' },
      'no-merge-tables': { type: 'boolean' },
      'max-pages': { type: 'string' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const format = (values.format ?? 'md') as OutputFormat;
  if (!(format in EXT)) throw new UsageError(`--format must be md, json or text (got "${values.format}")`);
  const ocr = (values.ocr ?? 'auto') as OcrMode;
  if (!['auto', 'always', 'never'].includes(ocr)) throw new UsageError(`--ocr must be auto, always or never (got "${values.ocr}")`);
  if (values.pages !== undefined) {
    try {
      parsePageRange(values.pages);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const posInt = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number (got "${v}")`);
    return n;
  };
  const concurrency = posInt('concurrency', values.concurrency);
  const maxPages = posInt('max-pages', values['max-pages']);
  const timeout = posInt('timeout', values.timeout);
  const options: ParseOptions = {
    pages: values.pages,
    ocr,
    password: values.password,
    keepFurniture: !!values['keep-furniture'],
    pageMarkers: !values['no-page-markers'],
    mergeTables: !values['no-merge-tables'],
  };
  if (maxPages) options.maxPages = Math.floor(maxPages);
  if (timeout) options.timeoutMs = Math.round(timeout * 1000);
  return { values, positionals, format, options, concurrency: concurrency ? Math.floor(concurrency) : undefined };
}

// ---------- reading inputs ----------

async function readStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DocinlineError('file_too_large', `stdin is larger than the ${Math.round(limit / 1048576)} MiB limit`);
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function fetchUrl(url: string, limit: number, timeoutMs: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    throw new DocinlineError('fetch_failed', `could not fetch ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (!res.ok) throw new DocinlineError('fetch_failed', `could not fetch ${url}: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > limit) throw new DocinlineError('file_too_large', `${url} is ${declared} bytes; the limit is ${limit}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new DocinlineError('file_too_large', `${url} is larger than the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

async function readInput(input: string, options: ParseOptions): Promise<Uint8Array> {
  const limit = options.maxBytes ?? 100 * 1024 * 1024;
  if (input === '-') return readStdin(limit);
  if (isUrl(input)) return fetchUrl(input, limit, options.timeoutMs ?? 120_000);
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new DocinlineError('not_found', `no such file: ${input}`);
  }
  if (st.isDirectory()) throw new UsageError(`${input} is a folder: use --out DIR to convert a folder`);
  if (st.size > limit) throw new DocinlineError('file_too_large', `${input} is ${st.size} bytes; the limit is ${limit}`);
  return new Uint8Array(await readFile(input));
}

function stemOf(input: string): string {
  if (input === '-') return 'stdin';
  let name = input;
  if (isUrl(input)) {
    try {
      name = decodeURIComponent(new URL(input).pathname.split('/').filter(Boolean).pop() ?? 'download');
    } catch {
      name = 'download';
    }
  }
  const b = basename(name);
  const e = extname(b);
  return (e ? b.slice(0, -e.length) : b) || 'document';
}

function expandInputs(positionals: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && INPUT_EXT.test(ent.name)) out.push(p);
    }
  };
  for (const p of positionals) {
    if (p !== '-' && !isUrl(p) && existsSync(p) && statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

// ---------- one document ----------

let runtimePromise: Promise<ParseRuntime> | undefined;
/** The default runtime, or for a batch one whose pdf.js has `pdfThreads` threads. */
async function runtime(pdfThreads?: number): Promise<ParseRuntime> {
  return (runtimePromise ??= (async () => {
    // The pdf.js threads load pdf.js' worker half while this thread loads the rest of the engine.
    const pdf = await import('../pdf.js');
    void pdf.warmPdfWorker(pdfThreads).catch(() => {});
    const m = await import('../index.js');
    return pdfThreads === undefined ? m.getDefaultRuntime() : m.createNodeRuntime({ pdf: m.createNodePdfDriver({ threads: pdfThreads }) });
  })());
}

async function closeRuntime(): Promise<void> {
  if (!runtimePromise) return;
  const rt = await runtimePromise;
  await rt.ocr?.close().catch(() => {});
}

async function convert(input: string, options: ParseOptions, format: OutputFormat): Promise<{ output: string; pages: number; warnings: string[] }> {
  const rt = runtime(); // starts loading the engine and pdf.js while the input is read
  rt.catch(() => {});
  const { parseDocument } = await import('../../../src/parse.js');
  const bytes = await readInput(input, options);
  const result = await parseDocument(bytes, { ...options, filename: stemOf(input) }, await rt);
  const output = format === 'md' ? result.markdown : format === 'text' ? result.text : render(result.document, 'json');
  return { output, pages: result.stats.pages, warnings: result.warnings };
}

function errorText(e: unknown): string {
  if (isDocinlineError(e)) return `${e.message} (${e.code})`;
  if (e instanceof UsageError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Writes next to the destination, then renames into place: a run killed mid-write leaves a hidden
 * `.NAME.partial-PID-…` file (removed by the next run), never a half output that --resume would skip.
 */
async function writeWhole(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Partial files of runs that are no longer alive (a live one may be writing into the same folder). */
function removeStalePartials(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^\..+\.partial-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // gone already
      }
    }
  }
}

async function runJob(job: Job, options: ParseOptions, format: OutputFormat): Promise<JobResult> {
  try {
    const r = await convert(job.input, options, format);
    await writeWhole(job.output, r.output);
    return { input: job.input, ok: true, pages: r.pages, warnings: r.warnings };
  } catch (e) {
    return { input: job.input, ok: false, pages: 0, error: errorText(e) };
  }
}

// ---------- progress ----------

class Progress {
  private readonly tty: boolean;
  private last = 0;
  constructor(private readonly total: number, quiet: boolean, private readonly started: number) {
    this.tty = !quiet && !!process.stderr.isTTY;
  }
  update(done: number, failed: number, pages: number, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 28;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? pages / secs : 0;
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} files, ${pages} pages, ${rate.toFixed(1)} pages/s${failed ? `, ${failed} failed` : ''}  `);
  }
  clear(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}

// ---------- many documents ----------

async function runBatch(inputs: string[], outDir: string, options: ParseOptions, format: OutputFormat, concurrency: number, quiet: boolean, resume = false): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  removeStalePartials(outDir);
  const used = new Set<string>();
  const all: Job[] = inputs.map((input) => {
    let stem = stemOf(input);
    for (let k = 2; used.has(stem.toLowerCase()); k++) stem = `${stemOf(input)}-${k}`;
    used.add(stem.toLowerCase());
    return { input, output: join(outDir, stem + EXT[format]) };
  });
  // Names are given over the whole input list first, so a resumed run maps each input to the same file.
  const jobs = resume ? all.filter((j) => !existsSync(j.output)) : all;
  const skipped = all.length - jobs.length;
  if (skipped && !quiet) process.stderr.write(`docinline: --resume: ${skipped} of ${all.length} files already done, skipped\n`);
  if (!jobs.length) return 0;
  const started = Date.now();
  const progress = new Progress(jobs.length, quiet, started);
  let done = 0, failed = 0, pages = 0;
  const failures: JobResult[] = [];
  const onResult = (r: JobResult) => {
    done++;
    pages += r.pages;
    if (!r.ok) {
      failed++;
      failures.push(r);
      progress.clear();
      process.stderr.write(`docinline: ${r.input}: ${r.error}\n`);
    }
    progress.update(done, failed, pages);
  };
  progress.update(0, 0, 0, true);
  const n = Math.max(1, Math.min(concurrency, jobs.length));
  // pdf.js threads on the other cores: while this thread lays out one document, they parse the others
  // (pdf.js is about 60% of the work, the layout stages here most of the rest).
  await runtime(Math.max(1, Math.min(n, availableParallelism() - 1)));
  // A document more in flight than there are pdf.js threads, so that none of them waits for this one.
  let next = 0;
  const lane = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) onResult(await runJob(job, options, format));
  };
  await Promise.all(Array.from({ length: Math.min(jobs.length, n + 1) }, lane));
  await closeRuntime();
  progress.clear();
  const secs = (Date.now() - started) / 1000;
  if (!quiet) {
    process.stderr.write(
      `${done} files, ${pages} pages, ${failed} failed in ${secs.toFixed(2)} s (${(pages / Math.max(secs, 0.001)).toFixed(1)} pages/s) → ${outDir}\n`,
    );
  }
  return failed ? 1 : 0;
}

// ---------- entry ----------

export async function run(args: string[]): Promise<number> {
  let cli;
  try {
    cli = parseCli(args);
  } catch (e) {
    process.stderr.write(`docinline parse: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals, format, options } = cli;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!positionals.length) {
    process.stderr.write(`docinline parse: no input given\n\n${USAGE}`);
    return 2;
  }
  if (values.resume && values.out === undefined) {
    process.stderr.write('docinline parse: --resume goes with --out DIR\n');
    return 2;
  }
  const quiet = !!values.quiet;
  const many = positionals.length > 1 || positionals.some((p) => p !== '-' && !isUrl(p) && existsSync(p) && statSync(p).isDirectory());
  if (values.out !== undefined || many) {
    if (values.out === undefined) {
      process.stderr.write('docinline parse: several inputs (or a folder) need --out DIR\n');
      return 2;
    }
    if (values.output !== undefined) {
      process.stderr.write('docinline parse: use either -o FILE (one input) or --out DIR, not both\n');
      return 2;
    }
    const inputs = expandInputs(positionals);
    if (!inputs.length) {
      process.stderr.write('docinline parse: no PDF or image files found in the inputs\n');
      return 1;
    }
    const concurrency = cli.concurrency ?? Math.min(availableParallelism(), 8);
    return runBatch(inputs, resolve(values.out), options, format, concurrency, quiet, !!values.resume);
  }
  const input = positionals[0];
  try {
    const r = await convert(input, options, format);
    if (values.output !== undefined) await writeFile(values.output, r.output);
    else await new Promise<void>((res, rej) => process.stdout.write(r.output, (e) => (e ? rej(e) : res())));
    if (!quiet) for (const w of r.warnings) process.stderr.write(`docinline: warning: ${w}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`docinline: ${input}: ${errorText(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  } finally {
    await closeRuntime();
  }
}
