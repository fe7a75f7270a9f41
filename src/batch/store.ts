/**
 * Batch state in the BlobStore: records, write-once facts, per-request results and the derived API
 * object. Shared by every instance and worker that uses the same store.
 */
import type { BlobStore } from '../ports/storage.js';
import { idFromMetaKey, isSafeId, ownerNamespace } from '../storage/keys.js';
import { getJson, putJson } from '../storage/records.js';
import { readAll } from '../storage/streams.js';
import { BATCH_ID_PREFIX, batchKeys, parseResultKey, type StateName } from './keys.js';
import { toBatchObject, type BatchFacts, type BatchRecord, type FinalState, type OpenAIBatch } from './model.js';

const STATES: StateName[] = ['validated', 'cancel', 'finalizing', 'final'];
const READ_CONCURRENCY = 16;
/** Live counts list every stored result; clients polling often are answered from a count this recent. */
const PROGRESS_TTL_MS = 1000;

function isRecord(x: unknown, id: string): x is BatchRecord {
  const r = x as BatchRecord | null;
  return !!r && r.v === 1 && r.id === id && typeof r.endpoint === 'string';
}

export class BatchStore {
  private readonly recent = new Map<string, { at: number; counts: Promise<{ completed: number; failed: number }> }>();

  constructor(readonly blobs: BlobStore) {}

  ns(owner: string | null): Promise<string> {
    return ownerNamespace(owner);
  }

  async putRecord(ns: string, r: BatchRecord): Promise<void> {
    // Active marker first: a batch must never exist without being found by a restarted queue.
    await this.blobs.put(batchKeys.active(ns, r.id), '');
    await putJson(this.blobs, batchKeys.meta(ns, r.id), r);
  }

  async record(ns: string, id: string): Promise<BatchRecord | null> {
    if (!isSafeId(id, BATCH_ID_PREFIX)) return null;
    const r = await getJson<unknown>(this.blobs, batchKeys.meta(ns, id));
    return isRecord(r, id) ? r : null;
  }

  /** The facts that exist, with one listing and a read per fact. */
  async facts(ns: string, id: string): Promise<BatchFacts> {
    const f: BatchFacts = { validated: null, cancel: null, finalizing: null, final: null };
    const present: StateName[] = [];
    const prefix = batchKeys.statePrefix(ns, id);
    for await (const key of this.blobs.list(prefix)) {
      const name = key.slice(prefix.length).replace(/\.json$/, '') as StateName;
      if (STATES.includes(name)) present.push(name);
    }
    await Promise.all(
      present.map(async (name) => {
        (f as unknown as Record<string, unknown>)[name] = await getJson(this.blobs, batchKeys.state(ns, id, name));
      }),
    );
    return f;
  }

  async fact<T>(ns: string, id: string, name: StateName): Promise<T | null> {
    return getJson<T>(this.blobs, batchKeys.state(ns, id, name));
  }

  async hasFact(ns: string, id: string, name: StateName): Promise<boolean> {
    return (await this.blobs.head(batchKeys.state(ns, id, name))) !== null;
  }

  async putFact(ns: string, id: string, name: StateName, value: unknown): Promise<void> {
    await putJson(this.blobs, batchKeys.state(ns, id, name), value);
  }

  /** index → succeeded, over every result written so far (a success wins over an earlier failure). */
  async results(ns: string, id: string, chunk?: number): Promise<Map<number, boolean>> {
    const out = new Map<number, boolean>();
    const prefix = chunk === undefined ? batchKeys.resultsPrefix(ns, id) : batchKeys.chunkResultsPrefix(ns, id, chunk);
    for await (const key of this.blobs.list(prefix)) {
      const r = parseResultKey(key);
      if (r) out.set(r.index, out.get(r.index) === true || r.ok);
    }
    return out;
  }

  async progress(ns: string, id: string): Promise<{ completed: number; failed: number }> {
    let completed = 0;
    let failed = 0;
    for (const ok of (await this.results(ns, id)).values()) ok ? completed++ : failed++;
    return { completed, failed };
  }

  async putResult(ns: string, id: string, chunk: number, index: number, ok: boolean, line: string): Promise<void> {
    await this.blobs.put(batchKeys.result(ns, id, chunk, index, ok), line, { contentType: 'application/json' });
  }

  async readResult(ns: string, id: string, chunk: number, index: number, ok: boolean): Promise<Uint8Array | null> {
    const obj = await this.blobs.get(batchKeys.result(ns, id, chunk, index, ok));
    return obj ? readAll(obj.body) : null;
  }

  async putChunk(ns: string, id: string, chunk: number, text: string): Promise<void> {
    await this.blobs.put(batchKeys.chunk(ns, id, chunk), text, { contentType: 'application/jsonl' });
  }

  /** The chunk's lines (validated JSON text, one request each). */
  async chunkLines(ns: string, id: string, chunk: number): Promise<string[]> {
    const obj = await this.blobs.get(batchKeys.chunk(ns, id, chunk));
    if (!obj) throw new Error(`batch ${id}: input chunk ${chunk} is missing`);
    const text = new TextDecoder().decode(await readAll(obj.body));
    return text ? text.split('\n') : [];
  }

  async markLaneDone(ns: string, id: string, lane: number): Promise<void> {
    await this.blobs.put(batchKeys.lane(ns, id, lane), '');
  }

  async lanesDone(ns: string, id: string): Promise<Set<number>> {
    const prefix = batchKeys.lanesPrefix(ns, id);
    const out = new Set<number>();
    for await (const key of this.blobs.list(prefix)) out.add(Number(key.slice(prefix.length)));
    return out;
  }

  /** Everything under work/ and the active marker: what is left once final.json exists. */
  async cleanUp(ns: string, id: string): Promise<void> {
    const keys: string[] = [];
    for await (const key of this.blobs.list(batchKeys.workPrefix(ns, id))) keys.push(key);
    for (let i = 0; i < keys.length; i += READ_CONCURRENCY) {
      await Promise.all(keys.slice(i, i + READ_CONCURRENCY).map((k) => this.blobs.delete(k)));
    }
    await this.blobs.delete(batchKeys.active(ns, id));
  }

  async *active(): AsyncIterable<string> {
    yield* this.blobs.list(batchKeys.activePrefix);
  }

  /** The API object, or null when this owner has no such batch. */
  async view(owner: string | null, id: string): Promise<OpenAIBatch | null> {
    const ns = await this.ns(owner);
    const r = await this.record(ns, id);
    if (!r) return null;
    return this.viewOf(ns, r);
  }

  async viewOf(ns: string, r: BatchRecord): Promise<OpenAIBatch> {
    const f = await this.facts(ns, r.id);
    const live = !f.final && f.validated ? await this.recentProgress(ns, r.id) : null;
    return toBatchObject(r, f, live);
  }

  /** progress(), shared by the requests of the last PROGRESS_TTL_MS. */
  recentProgress(ns: string, id: string): Promise<{ completed: number; failed: number }> {
    const now = Date.now();
    const hit = this.recent.get(id);
    if (hit && now - hit.at < PROGRESS_TTL_MS) return hit.counts;
    const counts = this.progress(ns, id);
    this.recent.set(id, { at: now, counts });
    counts.catch(() => this.recent.delete(id));
    if (this.recent.size > 1000) for (const [k, v] of this.recent) if (now - v.at >= PROGRESS_TTL_MS) this.recent.delete(k);
    return counts;
  }

  /** Newest first, like OpenAI's list; `after` is the last id of the previous page. */
  async list(owner: string | null, q: { after?: string; limit: number }): Promise<{ data: OpenAIBatch[]; hasMore: boolean }> {
    const ns = await this.ns(owner);
    const ids: string[] = [];
    for await (const key of this.blobs.list(batchKeys.metaPrefix(ns))) {
      const id = idFromMetaKey(key);
      if (id && (!q.after || id < q.after)) ids.push(id);
    }
    ids.reverse();
    const page = ids.slice(0, q.limit);
    const data = (
      await Promise.all(
        page.map(async (id) => {
          const r = await this.record(ns, id);
          return r ? this.viewOf(ns, r) : null;
        }),
      )
    ).filter((b): b is OpenAIBatch => b !== null);
    return { data, hasMore: ids.length > q.limit };
  }

  async final(ns: string, id: string): Promise<FinalState | null> {
    return getJson<FinalState>(this.blobs, batchKeys.state(ns, id, 'final'));
  }
}
