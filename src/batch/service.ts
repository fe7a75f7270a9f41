/**
 * Batches: the API operations (create, get, list, cancel) and the jobs that do the work.
 *
 * How a batch runs. POST writes the record and queues `validate`. Validation streams the input file,
 * checks every line, cuts the requests into chunks and writes `validated.json` (in_progress). The batch
 * then has `lanes` (DOCINLINE_BATCH_CONCURRENCY) lanes: a lane is a chain of `chunk` jobs, one at a
 * time, each running one chunk's requests one after another, so a batch never has more than `lanes`
 * requests at the backend however many workers there are, and other batches get a turn between chunks.
 * Lane j starts with chunk j and then claims the next unclaimed chunk from a counter shared through the
 * queue, so a lane slowed down by retries takes fewer chunks. Each request's output line is stored under
 * its index once it is done, before the job is acknowledged; a re-run (a worker killed mid-chunk) skips
 * indices that have one. When every lane has finished, `finalize` writes the output and error files
 * from those records, one line per index, then `final.json`: every custom_id appears exactly once
 * whatever ran twice. Should a chunk be left behind (a process died between claiming it and queueing
 * it; the in-process queue restarted and lost its jobs), the lanes run again in "sweep" mode: lane j
 * takes chunks j, j+lanes, j+2·lanes…, skipping finished ones, which covers every chunk. Cancel and
 * expiry stop the lanes between requests; finalization reports the requests that never ran as
 * `batch_cancelled` / `batch_expired` in the error file.
 */
import type { Config } from '../config.js';
import { DocinlineError } from '../errors.js';
import type { FileStore } from '../files/store.js';
import { notFound as fileNotFound } from '../files/store.js';
import { RequeueJob, type JobQueue, type QueueConsumer, type QueueJob } from '../ports/queue.js';
import type { Gateway } from '../server/gateway.js';
import type { Logger } from '../server/logger.js';
import { newId } from '../storage/keys.js';
import { runLine, unrunLine } from './execute.js';
import { readJsonlLines } from './jsonl.js';
import { BATCH_ID_PREFIX, batchKeys, parseActiveKey } from './keys.js';
import {
  COMPLETION_WINDOWS,
  isTerminal,
  statusOf,
  toBatchObject,
  type BatchEndpoint,
  type BatchErrorItem,
  type BatchFacts,
  type BatchRecord,
  type BatchUsage,
  type FinalState,
  type FinalizingState,
  type OpenAIBatch,
  type ValidatedState,
} from './model.js';
import type { RetryPolicy } from './retry.js';
import { BatchStore } from './store.js';
import { InputValidator, isBlank, type BatchLine } from './validate.js';

export interface CreateBatchInput {
  input_file_id: string;
  endpoint: BatchEndpoint;
  completion_window: string;
  metadata: Record<string, string> | null;
  output_expires_after: { anchor: 'created_at'; seconds: number } | null;
}

export interface BatchServiceDeps {
  store: BatchStore;
  files: FileStore;
  queue: JobQueue;
  config: Config;
  logger: Logger;
  now?: () => number;
}

/** Another process holds the batch's lock: the job is tried again later. */
class LockBusy extends Error {
  constructor(id: string) {
    super(`batch ${id} is being validated or finalized elsewhere`);
    this.name = 'LockBusy';
  }
}

const LOCK_TTL_MS = 60_000;
/** Aim for this many chunks per lane, so work spreads over workers and other batches get turns. */
const CHUNKS_PER_LANE = 8;
/** The chunk counter outlives any batch (24 h window). */
const CURSOR_TTL_MS = 48 * 3600_000;
const MAX_CHUNK_REQUESTS = 100;
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** How long a process trusts its last look at cancel/final before looking again. */
const STOP_CHECK_MS = 1000;
const PREFETCH = 16;
/** On shutdown, requests already at the backend get this long to finish before they are cut off. */
const SHUTDOWN_GRACE_MS = 20_000;

const ATTEMPTS = { validate: 10, chunk: 20, finalize: 20 };

const sec = (ms: number) => Math.floor(ms / 1000);
const encoder = new TextEncoder();
const NL = encoder.encode('\n');

/** Items loaded a few at a time ahead of the reader, in order. */
async function* prefetched<T>(items: T[], load: (item: T) => Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  const pending: Array<Promise<Uint8Array>> = [];
  let next = 0;
  const pull = () => {
    const p = load(items[next++]!);
    p.catch(() => {}); // handled when its turn comes; not an unhandled rejection meanwhile
    pending.push(p);
  };
  while (next < items.length && pending.length < PREFETCH) pull();
  while (pending.length) {
    const v = await pending.shift()!;
    if (next < items.length) pull();
    yield v;
  }
}

/** JSONL lines from a generator, as a byte stream read at the pace the store writes it. */
function jsonlStream(lines: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctrl) {
        const r = await lines.next();
        if (r.done) ctrl.close();
        else {
          ctrl.enqueue(r.value);
          ctrl.enqueue(NL);
        }
      },
      async cancel() {
        await lines.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

function chunkOf(chunks: number[], index: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Chunk boundaries: about CHUNKS_PER_LANE chunks per lane, none over MAX_CHUNK_REQUESTS requests or MAX_CHUNK_BYTES. */
export function planChunks(sizes: number[], concurrency: number): { chunks: number[]; lanes: number } {
  const total = sizes.length;
  const lanes = Math.max(1, Math.min(concurrency, total));
  const per = Math.max(1, Math.min(MAX_CHUNK_REQUESTS, Math.ceil(total / (lanes * CHUNKS_PER_LANE))));
  const chunks: number[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < total; i++) {
    const b = sizes[i]! + 1;
    if (i === 0 || count >= per || (bytes + b > MAX_CHUNK_BYTES && count > 0)) {
      chunks.push(i);
      count = 0;
      bytes = 0;
    }
    count++;
    bytes += b;
  }
  return { chunks, lanes: Math.min(lanes, chunks.length) };
}

function addUsage(u: BatchUsage, body: unknown): void {
  const usage = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (!usage || typeof usage !== 'object') return;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  // Chat Completions say prompt/completion, Responses say input/output.
  const input = num(usage.prompt_tokens ?? usage.input_tokens);
  const output = num(usage.completion_tokens ?? usage.output_tokens);
  u.input_tokens += input;
  u.output_tokens += output;
  u.total_tokens += num(usage.total_tokens) || input + output;
  const inDetails = (usage.prompt_tokens_details ?? usage.input_tokens_details) as Record<string, unknown> | undefined;
  const outDetails = (usage.completion_tokens_details ?? usage.output_tokens_details) as Record<string, unknown> | undefined;
  u.input_tokens_details.cached_tokens += num(inDetails?.cached_tokens);
  u.output_tokens_details.reasoning_tokens += num(outDetails?.reasoning_tokens);
}

export class BatchService {
  readonly store: BatchStore;
  private readonly files: FileStore;
  private readonly queue: JobQueue;
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Per batch: when this process last looked at cancel/final, and what it saw. */
  private readonly stopSeen = new Map<string, { at: number; stop: boolean }>();

  constructor(deps: BatchServiceDeps) {
    this.store = deps.store;
    this.files = deps.files;
    this.queue = deps.queue;
    this.config = deps.config;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
  }

  private get policy(): RetryPolicy {
    const b = this.config.batch;
    return { maxAttempts: b.maxAttempts, baseMs: b.retryBaseMs, maxMs: b.retryMaxMs };
  }

  /** How long a cancelled batch waits for its running requests before it is finalized regardless. */
  private get cancelGraceMs(): number {
    return this.config.upstream.timeoutMs + this.config.limits.requestParseBudgetMs + 60_000;
  }

  // ------------------------------------------------------------------ API

  async create(owner: string | null, input: CreateBatchInput): Promise<OpenAIBatch> {
    const file = await this.files.get(owner, input.input_file_id);
    if (!file) throw fileNotFound(input.input_file_id, 'input_file_id');
    if (file.purpose !== 'batch') {
      throw new DocinlineError('invalid_request', `File ${file.id} has purpose '${file.purpose}'; a batch input file must be uploaded with purpose 'batch'.`, {
        param: 'input_file_id',
      });
    }
    const nowMs = this.now();
    const created = sec(nowMs);
    const record: BatchRecord = {
      v: 1,
      id: newId(BATCH_ID_PREFIX, nowMs),
      owner,
      endpoint: input.endpoint,
      input_file_id: input.input_file_id,
      completion_window: input.completion_window,
      created_at: created,
      expires_at: created + COMPLETION_WINDOWS[input.completion_window]!,
      metadata: input.metadata,
      output_expires_after: input.output_expires_after,
    };
    const ns = await this.store.ns(owner);
    await this.store.putRecord(ns, record);
    const data = { ns, id: record.id };
    try {
      await this.queue.add('validate', data, { id: `validate-${record.id}`, attempts: ATTEMPTS.validate });
      await this.queue.add('finalize', { ...data, force: true }, { id: `expire-${record.id}`, delayMs: record.expires_at * 1000 - nowMs, attempts: ATTEMPTS.finalize });
    } catch (e) {
      // Never leave a batch that nothing will ever run.
      await this.store.blobs.delete(batchKeys.meta(ns, record.id)).catch(() => {});
      await this.store.blobs.delete(batchKeys.active(ns, record.id)).catch(() => {});
      throw e;
    }
    this.logger.info('batch created', { batch: record.id, endpoint: record.endpoint, input: record.input_file_id });
    return toBatchObject(record, { validated: null, cancel: null, finalizing: null, final: null }, null);
  }

  async get(owner: string | null, id: string): Promise<OpenAIBatch> {
    const b = await this.store.view(owner, id);
    if (!b) throw notFound(id);
    return b;
  }

  list(owner: string | null, q: { after?: string; limit: number }): Promise<{ data: OpenAIBatch[]; hasMore: boolean }> {
    return this.store.list(owner, q);
  }

  async cancel(owner: string | null, id: string): Promise<OpenAIBatch> {
    const ns = await this.store.ns(owner);
    const record = await this.store.record(ns, id);
    if (!record) throw notFound(id);
    const f = await this.store.facts(ns, id);
    const status = statusOf(f);
    if (isTerminal(status)) {
      throw new DocinlineError('invalid_request', `Cannot cancel a batch with status '${status}'.`, { status: 409 });
    }
    if (!f.cancel) {
      f.cancel = { cancelling_at: sec(this.now()) };
      await this.store.putFact(ns, id, 'cancel', f.cancel);
      this.stopSeen.delete(id);
    }
    const data = { ns, id };
    // Right away for a batch still validating; otherwise the last lane to stop queues it again. The delayed
    // one finalizes even if some lane never reports back (its worker is gone and so is its job).
    await this.queue.add('finalize', data, { id: `finalize-${id}`, attempts: ATTEMPTS.finalize });
    await this.queue.add('finalize', { ...data, force: true }, { id: `cancel-${id}`, delayMs: this.cancelGraceMs, attempts: ATTEMPTS.finalize });
    this.logger.info('batch cancelling', { batch: id });
    const live = !f.final && f.validated ? await this.store.progress(ns, id) : null;
    return toBatchObject(record, f, live);
  }

  // ------------------------------------------------------------------ work

  /** Runs batch jobs in this process until the returned consumer is closed. */
  startWorker(gw: Gateway, concurrency = this.config.batch.workerConcurrency): QueueConsumer {
    return this.queue.consume((job, signal) => this.handle(gw, job, signal), { concurrency });
  }

  async handle(gw: Gateway, job: QueueJob, signal: AbortSignal): Promise<void> {
    const ns = String(job.data.ns);
    const id = String(job.data.id);
    try {
      switch (job.name) {
        case 'validate':
          return await this.validate(ns, id);
        case 'chunk':
          return await this.runChunk(gw, ns, id, Number(job.data.lane), Number(job.data.chunk), job.data.sweep === true, signal);
        case 'finalize':
          return await this.finalize(ns, id, job.data.force === true);
        default:
          this.logger.warn('unknown batch job', { job: job.name, id: job.id });
      }
    } catch (e) {
      if (!(e instanceof LockBusy) && !(e instanceof RequeueJob)) {
        this.logger.warn('batch job failed (will be retried)', { job: job.name, batch: id, attempt: job.attempt, error: String((e as Error)?.message ?? e) });
      }
      throw e;
    }
  }

  /**
   * Queues the work of unfinished batches again: for the in-process queue, whose jobs died with the
   * previous process. Returns how many batches were resumed.
   */
  async recover(): Promise<number> {
    let n = 0;
    for await (const key of this.store.active()) {
      const a = parseActiveKey(key);
      if (!a) continue;
      const record = await this.store.record(a.ns, a.id);
      if (!record) {
        await this.store.blobs.delete(key);
        continue;
      }
      const f = await this.store.facts(a.ns, a.id);
      if (f.final) {
        await this.store.cleanUp(a.ns, a.id);
        continue;
      }
      n++;
      const data = { ns: a.ns, id: a.id };
      await this.queue.add('finalize', { ...data, force: true }, { id: `expire-${a.id}`, delayMs: record.expires_at * 1000 - this.now(), attempts: ATTEMPTS.finalize });
      if (f.cancel) await this.queue.add('finalize', { ...data, force: true }, { id: `cancel-${a.id}`, delayMs: this.cancelGraceMs, attempts: ATTEMPTS.finalize });
      if (!f.validated) {
        await this.queue.add('validate', data, { id: `validate-${a.id}`, attempts: ATTEMPTS.validate });
        continue;
      }
      // The previous process's chains and claims are gone: sweep, so that every chunk is covered.
      await this.startLanes(a.ns, a.id, f.validated, await this.store.lanesDone(a.ns, a.id), true);
      await this.queue.add('finalize', data, { id: `finalize-${a.id}`, attempts: ATTEMPTS.finalize });
    }
    if (n) this.logger.info('batches resumed', { count: n });
    return n;
  }

  private async startLanes(ns: string, id: string, v: ValidatedState, done: Set<number>, sweep = false): Promise<void> {
    for (let lane = 0; lane < v.lanes; lane++) {
      if (done.has(lane)) continue;
      await this.addChunkJob(ns, id, lane, lane, sweep);
    }
  }

  private addChunkJob(ns: string, id: string, lane: number, chunk: number, sweep: boolean): Promise<void> {
    // A claimed chunk belongs to one chain; sweep chains get their own ids so a leftover job of the
    // first pass can never swallow one of theirs.
    const jobId = sweep ? `sweep-${id}-${lane}-${chunk}` : `chunk-${id}-${chunk}`;
    return this.queue.add('chunk', { ns, id, lane, chunk, sweep }, { id: jobId, attempts: ATTEMPTS.chunk });
  }

  /** The chunk a lane runs after `chunk`: claimed from the shared counter, or its own next one when sweeping. */
  private async nextChunk(id: string, v: ValidatedState, chunk: number, sweep: boolean): Promise<number> {
    if (sweep) return chunk + v.lanes;
    if (chunk >= v.chunks.length) return chunk;
    // Chunks 0…lanes-1 start the lanes; the counter hands out the rest, each exactly once.
    return v.lanes - 1 + (await this.queue.increment(`cursor-${id}`, CURSOR_TTL_MS));
  }

  private async withLock<T>(id: string, f: () => Promise<T>): Promise<T> {
    const lock = await this.queue.tryLock(`batch-${id}`, LOCK_TTL_MS);
    if (!lock) throw new LockBusy(id);
    try {
      return await f();
    } finally {
      await lock.release();
    }
  }

  private async validate(ns: string, id: string): Promise<void> {
    await this.withLock(id, async () => {
      const record = await this.store.record(ns, id);
      if (!record) return;
      const f = await this.store.facts(ns, id);
      if (f.final) return;
      if (f.validated) {
        // Validated before, but the process stopped before the lanes were queued.
        await this.startLanes(ns, id, f.validated, await this.store.lanesDone(ns, id));
        return;
      }
      if (f.cancel || this.now() >= record.expires_at * 1000) {
        await this.queue.add('finalize', { ns, id }, { id: `finalize-${id}`, attempts: ATTEMPTS.finalize });
        return;
      }
      const maxLine = this.config.limits.maxBodyBytes;
      const v = new InputValidator(record.endpoint, maxLine, this.config.batch.maxRequests);
      const first = await this.files.open(record.owner, record.input_file_id);
      if (!first) {
        await this.fail(ns, record, [{ code: 'file_not_found', message: `The input file ${record.input_file_id} no longer exists.`, param: 'input_file_id', line: null }]);
        return;
      }
      for await (const l of readJsonlLines(first.body, maxLine)) v.add(l);
      if (v.failed) {
        await this.fail(ns, record, v.errors);
        return;
      }
      if (v.total === 0) {
        await this.fail(ns, record, [{ code: 'empty_file', message: 'The input file has no requests.', param: 'input_file_id', line: null }]);
        return;
      }
      // Second pass: the requests, cut into the chunks the lanes will run.
      const plan = planChunks(v.sizes, this.config.batch.concurrency);
      const again = await this.files.open(record.owner, record.input_file_id);
      if (!again) throw new Error(`batch ${id}: the input file vanished during validation`);
      let index = 0;
      let chunk = 0;
      let buf: string[] = [];
      const end = (c: number) => plan.chunks[c + 1] ?? v.total;
      for await (const l of readJsonlLines(again.body, maxLine)) {
        if (isBlank(l)) continue;
        buf.push(l.text!);
        index++;
        if (index === end(chunk)) {
          await this.store.putChunk(ns, id, chunk, buf.join('\n'));
          buf = [];
          chunk++;
        }
      }
      if (index !== v.total) throw new Error(`batch ${id}: the input file changed during validation`);
      const validated: ValidatedState = { in_progress_at: sec(this.now()), total: v.total, chunks: plan.chunks, lanes: plan.lanes, model: v.model };
      await this.store.putFact(ns, id, 'validated', validated);
      this.logger.info('batch in progress', { batch: id, requests: v.total, chunks: plan.chunks.length, lanes: plan.lanes });
      await this.startLanes(ns, id, validated, new Set());
    });
  }

  private async fail(ns: string, record: BatchRecord, errors: BatchErrorItem[]): Promise<void> {
    const final: FinalState = {
      status: 'failed',
      at: sec(this.now()),
      output_file_id: null,
      error_file_id: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      errors,
      usage: null,
    };
    await this.store.putFact(ns, record.id, 'final', final);
    await this.store.cleanUp(ns, record.id);
    this.logger.info('batch failed validation', { batch: record.id, errors: errors.length });
  }

  /** True once the batch is cancelled, finalized or past its window: no new request starts. */
  private async stopped(ns: string, record: BatchRecord): Promise<boolean> {
    const now = this.now();
    if (now >= record.expires_at * 1000) return true;
    const seen = this.stopSeen.get(record.id);
    if (seen && (seen.stop || now - seen.at < STOP_CHECK_MS)) return seen.stop;
    const stop = (await this.store.hasFact(ns, record.id, 'cancel')) || (await this.store.hasFact(ns, record.id, 'final'));
    this.stopSeen.set(record.id, { at: now, stop });
    if (this.stopSeen.size > 10_000) this.stopSeen.delete(this.stopSeen.keys().next().value!);
    return stop;
  }

  private async runChunk(gw: Gateway, ns: string, id: string, lane: number, first: number, sweep: boolean, signal: AbortSignal): Promise<void> {
    const record = await this.store.record(ns, id);
    if (!record) return;
    const v = await this.store.fact<ValidatedState>(ns, id, 'validated');
    if (!v) return;
    // Shutdown stops new requests at once; the ones in flight are cut only after a grace period.
    const hard = new AbortController();
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onShutdown = () => {
      grace = setTimeout(() => hard.abort(signal.reason), SHUTDOWN_GRACE_MS);
    };
    if (signal.aborted) onShutdown();
    else signal.addEventListener('abort', onShutdown, { once: true });
    try {
      await this.runChunkLines(gw, ns, id, lane, first, sweep, signal, hard.signal, record, v);
    } finally {
      signal.removeEventListener('abort', onShutdown);
      clearTimeout(grace);
    }
  }

  private async runChunkLines(
    gw: Gateway,
    ns: string,
    id: string,
    lane: number,
    first: number,
    sweep: boolean,
    signal: AbortSignal,
    abort: AbortSignal,
    record: BatchRecord,
    v: ValidatedState,
  ): Promise<void> {
    const ctx = {
      owner: record.owner,
      endpoint: record.endpoint,
      shutdown: signal,
      abort,
      stopped: () => this.stopped(ns, record),
      deadlineMs: record.expires_at * 1000,
      policy: this.policy,
      now: this.now,
    };
    let chunk = first;
    let worked = false;
    let halted = false;
    while (!halted && chunk < v.chunks.length) {
      if (worked) {
        // The rest of this lane is a new job at the back of the queue: other batches get a turn.
        await this.addChunkJob(ns, id, lane, chunk, sweep);
        return;
      }
      if (await ctx.stopped()) break;
      const start = v.chunks[chunk]!;
      const end = v.chunks[chunk + 1] ?? v.total;
      const done = await this.store.results(ns, id, chunk);
      if (done.size < end - start) {
        worked = true;
        const lines = await this.store.chunkLines(ns, id, chunk);
        for (let i = start; i < end; i++) {
          if (done.has(i)) continue;
          if (signal.aborted) throw new RequeueJob();
          if (await ctx.stopped()) {
            halted = true;
            break;
          }
          const req = JSON.parse(lines[i - start]!) as BatchLine;
          const r = await runLine(gw, req, ctx);
          if (!r) {
            if (signal.aborted) throw new RequeueJob();
            halted = true;
            break;
          }
          await this.store.putResult(ns, id, chunk, i, r.ok, r.line);
        }
      }
      if (!halted) chunk = await this.nextChunk(id, v, chunk, sweep);
    }
    await this.store.markLaneDone(ns, id, lane);
    const lanes = await this.store.lanesDone(ns, id);
    if (lanes.size >= v.lanes) await this.queue.add('finalize', { ns, id }, { id: `finalize-${id}`, attempts: ATTEMPTS.finalize });
  }

  private async finalize(ns: string, id: string, force: boolean): Promise<void> {
    await this.withLock(id, async () => {
      const record = await this.store.record(ns, id);
      if (!record) return;
      const f = await this.store.facts(ns, id);
      if (f.final) {
        await this.store.cleanUp(ns, id);
        return;
      }
      const expired = this.now() >= record.expires_at * 1000;
      const v = f.validated;
      if (!v) {
        if (f.cancel || expired) await this.writeFiles(ns, record, f, new Map(), f.cancel ? 'cancelled' : 'expired');
        return;
      }
      const lanes = await this.store.lanesDone(ns, id);
      if (lanes.size < v.lanes && !force) return; // the last lane to stop queues this again
      const results = await this.store.results(ns, id);
      const missing = v.total - results.size;
      const status = f.cancel ? 'cancelled' : missing === 0 ? 'completed' : expired ? 'expired' : null;
      if (!status) {
        if (lanes.size >= v.lanes) {
          // Every lane says it is done and yet requests have no result: run the lanes again.
          this.logger.warn('batch lanes finished with requests missing; sweeping', { batch: id, missing });
          await Promise.all([...lanes].map((l) => this.store.blobs.delete(batchKeys.lane(ns, id, l))));
          await this.startLanes(ns, id, v, new Set(), true);
        }
        return;
      }
      await this.writeFiles(ns, record, f, results, status);
    });
  }

  /** Output and error files from the per-request records, then final.json, then clean-up. */
  private async writeFiles(ns: string, record: BatchRecord, f: BatchFacts, results: Map<number, boolean>, status: FinalState['status']): Promise<void> {
    const id = record.id;
    // An earlier finalization that died before final.json may have left files behind.
    for (const fid of f.finalizing?.files ?? []) await this.files.delete(record.owner, fid).catch(() => {});
    const finalizing: FinalizingState = { finalizing_at: f.finalizing?.finalizing_at ?? sec(this.now()), files: [] };
    await this.store.putFact(ns, id, 'finalizing', finalizing);

    const v = f.validated;
    const total = v?.total ?? 0;
    const okIdx: number[] = [];
    const errIdx: number[] = [];
    for (let i = 0; i < total; i++) (results.get(i) === true ? okIdx : errIdx).push(i);
    const usage: BatchUsage = { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };
    const countUsage = record.endpoint !== '/v1/parse';
    const decoder = new TextDecoder();
    // The file store stamps created_at with its own clock; the expiry is relative to that.
    const expiresAt = record.output_expires_after ? sec(this.files.nowMs()) + record.output_expires_after.seconds : null;

    const chunkLines = new Map<number, Promise<string[]>>();
    const customId = async (i: number): Promise<string> => {
      const c = chunkOf(v!.chunks, i);
      let p = chunkLines.get(c);
      if (!p) {
        p = this.store.chunkLines(ns, id, c);
        chunkLines.set(c, p);
        for (const k of chunkLines.keys()) if (k < c - 1) chunkLines.delete(k);
      }
      const lines = await p;
      return (JSON.parse(lines[i - v!.chunks[c]!]!) as BatchLine).custom_id;
    };
    const read = async (i: number, ok: boolean): Promise<Uint8Array> => {
      const bytes = await this.store.readResult(ns, id, chunkOf(v!.chunks, i), i, ok);
      if (!bytes) throw new Error(`batch ${id}: result ${i} vanished during finalization`);
      return bytes;
    };

    let outputId: string | null = null;
    let errorId: string | null = null;
    if (okIdx.length) {
      const out = await this.files.create(record.owner, {
        filename: `${id}_output.jsonl`,
        purpose: 'batch_output',
        contentType: 'application/jsonl',
        expiresAt,
        body: jsonlStream(
          prefetched(okIdx, async (i) => {
            const bytes = await read(i, true);
            if (countUsage) {
              try {
                addUsage(usage, (JSON.parse(decoder.decode(bytes)) as { response?: { body?: unknown } }).response?.body);
              } catch {
                /* a body that is not JSON has no usage */
              }
            }
            return bytes;
          }),
        ),
      });
      outputId = out.id;
      finalizing.files.push(out.id);
      await this.store.putFact(ns, id, 'finalizing', finalizing);
    }
    if (errIdx.length) {
      const reason = status === 'expired' ? 'expired' : 'cancelled';
      const err = await this.files.create(record.owner, {
        filename: `${id}_error.jsonl`,
        purpose: 'batch_output',
        contentType: 'application/jsonl',
        expiresAt,
        body: jsonlStream(
          prefetched(errIdx, async (i) =>
            results.has(i) ? read(i, false) : encoder.encode(unrunLine(await customId(i), reason, this.now())),
          ),
        ),
      });
      errorId = err.id;
      finalizing.files.push(err.id);
      await this.store.putFact(ns, id, 'finalizing', finalizing);
    }
    const final: FinalState = {
      status,
      at: sec(this.now()),
      output_file_id: outputId,
      error_file_id: errorId,
      request_counts: { total, completed: okIdx.length, failed: errIdx.length },
      errors: null,
      usage: countUsage && okIdx.length ? usage : null,
    };
    await this.store.putFact(ns, id, 'final', final);
    this.stopSeen.delete(id);
    this.logger.info('batch finished', { batch: id, status, total, completed: okIdx.length, failed: errIdx.length });
    await this.store.cleanUp(ns, id);
  }
}

export function notFound(id: string): DocinlineError {
  return new DocinlineError('not_found', `No such Batch object: ${id}`);
}
