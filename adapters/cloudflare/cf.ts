/**
 * Workers platform types, imported rather than declared globally: the core (src/) is type-checked
 * against the standard library, and the Workers globals would change its types under it. Where a
 * binding hands out Web types (Request, Response, streams), a small local interface in the standard
 * library's types is used instead, so the two sets never meet.
 */
export type {
  DurableObjectNamespace,
  DurableObjectState,
  DurableObjectStub,
  ExecutionContext,
  ExportedHandler,
  Fetcher,
  KVNamespace,
  Message,
  MessageBatch,
  Queue,
  R2Bucket,
  R2ListOptions,
  R2MultipartUpload,
  R2Object,
  R2ObjectBody,
  R2Objects,
  R2PutOptions,
  R2UploadedPart,
  ScheduledController,
} from '@cloudflare/workers-types/latest/index.ts';

/** A service binding, as the parse delegation uses it. */
export interface ServiceBinding {
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

/** The Cache API's default cache. */
export interface EdgeCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

/** The Coordinator Durable Object's RPC surface (adapters/cloudflare/coordinator.ts). */
export interface CoordinatorStub {
  acquire(token: string, ttlMs: number): Promise<boolean>;
  release(token: string): Promise<void>;
  increment(ttlMs: number): Promise<number>;
}

export interface CoordinatorNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): CoordinatorStub;
}

/** What the Worker's handlers receive as their context. */
export interface WorkerContext {
  waitUntil(p: Promise<unknown>): void;
}
