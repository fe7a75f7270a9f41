/**
 * Node networking for the gateway: the document-fetch transport (DNS answers vetted by the fetch
 * policy, the connection pinned to the vetted addresses) and the keep-alive client used to call the
 * backend.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { FetchPolicy, HttpTransport } from '../../src/fetch/index.js';
import type { HeaderView, UpstreamResponse, UpstreamTransport } from '../../src/server/upstream.js';

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;
export type Resolver = (hostname: string, cb: (err: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, cb) => dnsLookup(hostname, { all: true, verbatim: true }, cb);

/**
 * The document-fetch transport. Host names are resolved inside the socket's own `lookup` hook, every
 * address is checked with the policy and only checked addresses are handed to the socket: there is no
 * second resolution a rebinding DNS server could answer differently. IP literals never reach `lookup`
 * (Node connects directly), which is why the core checks them before calling the transport.
 */
export function createNodeTransport(policy: FetchPolicy, opts: { resolver?: Resolver } = {}): HttpTransport & { close(): Promise<void> } {
  const resolve = opts.resolver ?? systemResolver;
  const lookup = (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    // "localhost." and "localhost" are the same name; resolvers disagree on the dotted form.
    resolve(hostname.replace(/\.$/, ''), (err, addresses) => {
      if (err) return callback(err, '');
      let usable = addresses.filter((a) => !options.family || a.family === options.family);
      if (!usable.length) usable = addresses;
      if (!usable.length) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '');
      try {
        for (const a of usable) policy.checkAddress(hostname, a.address);
      } catch (e) {
        return callback(e as Error, '');
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
  const agent = new Agent({
    connect: { lookup: lookup as never, timeout: 10_000 },
    keepAliveTimeout: 4_000,
    connections: 16,
  });
  return {
    checksResolvedAddresses: true,
    request: (url, init) =>
      undiciFetch(url, { method: 'GET', headers: init.headers, signal: init.signal, redirect: 'manual', dispatcher: agent }) as unknown as Promise<Response>,
    close: () => agent.close(),
  };
}

/**
 * The backend client on `undici.request` (several times cheaper per call than WHATWG fetch) over a
 * keep-alive pool with no connection cap, so 500 concurrent streams do not queue behind each other.
 */
export function createUpstreamTransport(opts: { connectTimeoutMs?: number } = {}): { transport: UpstreamTransport; close(): Promise<void> } {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
    // Headers/body timeouts are enforced by the gateway itself (DOCINLINE_UPSTREAM_TIMEOUT_MS); reasoning
    // models may think for minutes between chunks.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // Backend URLs are a handful of strings (base URL + route): parse each once, not per request.
  const targets = new Map<string, { origin: string; path: string }>();
  const target = (url: string) => {
    let t = targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { origin: u.origin, path: u.pathname + u.search };
      if (targets.size < 1000) targets.set(url, t);
    }
    return t;
  };
  const transport: UpstreamTransport = async (url, init) => {
    const { origin, path } = target(url);
    const r = await agent.request({ origin, path, method: init.method, headers: init.headers, body: init.body, signal: init.signal as never });
    return new NodeUpstreamResponse(r);
  };
  return { transport, close: () => agent.close() };
}

const one = (v: string | string[] | undefined) => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);

/** undici's answer as the gateway reads it: one object per answer, its methods on the prototype. */
class NodeUpstreamResponse implements UpstreamResponse, HeaderView {
  readonly status: number;
  private readonly h: Record<string, string | string[] | undefined>;
  private readonly body: Dispatcher.ResponseData['body'];

  constructor(r: Dispatcher.ResponseData) {
    this.status = r.statusCode;
    this.h = r.headers;
    this.body = r.body;
  }

  get headers(): HeaderView {
    return this;
  }

  get(name: string): string | null {
    return one(this.h[name.toLowerCase()]);
  }

  forEach(cb: (value: string, name: string) => void): void {
    for (const k in this.h) {
      const v = one(this.h[k]);
      if (v !== null) cb(v, k);
    }
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.body.arrayBuffer());
  }

  chunks(): AsyncIterable<Uint8Array> {
    return this.body;
  }
}
