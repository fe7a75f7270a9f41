import { DocinlineError, isDocinlineError } from '../errors.js';
import type { FetchPolicy } from './policy.js';
import { blocked } from './policy.js';

/**
 * One HTTP request without following redirects. A transport that resolves host names (Node) must check
 * every address with the policy it was built with and connect only to a checked address, so a DNS
 * answer cannot change between the check and the connection.
 */
export interface HttpTransport {
  request(url: URL, init: { headers: Record<string, string>; signal: AbortSignal }): Promise<Response>;
  /**
   * False for transports that cannot see resolved addresses (a Worker's fetch): names are then trusted
   * to the platform, which does not route to private networks.
   */
  readonly checksResolvedAddresses: boolean;
}

/** A transport over the runtime's own fetch (Workers, Deno, Bun); literal IPs are still vetted. */
export function webTransport(fetchFn: typeof fetch = fetch): HttpTransport {
  return {
    checksResolvedAddresses: false,
    request: (url, init) => fetchFn(url, { method: 'GET', headers: init.headers, signal: init.signal, redirect: 'manual' }),
  };
}

export interface FetchedDocument {
  bytes: Uint8Array;
  contentType: string | null;
  /** From Content-Disposition or the last path segment of the final URL. */
  filename: string | null;
  /** URL after redirects. */
  url: string;
}

export interface DocumentFetcher {
  fetch(url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedDocument>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function shownUrl(u: URL): string {
  // Never echo credentials or query strings (signed URLs) into error messages.
  return `${u.protocol}//${u.host}${u.pathname.length > 60 ? u.pathname.slice(0, 57) + '...' : u.pathname}`;
}

function fmtBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Finds a DocinlineError the transport threw from inside its connect path (wrapped by fetch). */
function findCause(e: unknown): DocinlineError | null {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (isDocinlineError(cur)) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Reads a body to the end, refusing as soon as it passes `maxBytes` (the rest is never downloaded).
 */
export async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number, what: string): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new DocinlineError('file_too_large', `${what} is larger than the limit of ${fmtBytes(maxBytes)}.`);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function filenameFrom(res: Response, url: URL): string | null {
  const cd = res.headers.get('content-disposition');
  if (cd) {
    const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(cd);
    if (star) {
      try {
        return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
      } catch {
        /* fall through to the plain parameter */
      }
    }
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(cd);
    if (plain) return (plain[2] ?? plain[1]!).trim();
  }
  const seg = url.pathname.split('/').filter(Boolean).pop();
  if (!seg) return null;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/**
 * Downloads documents by URL under the policy: every redirect hop is vetted again (scheme, literal IP,
 * and through the transport the resolved address), hops are bounded, the size is enforced while the
 * body streams and the whole download has a deadline.
 */
export function createDocumentFetcher(deps: { policy: FetchPolicy; transport: HttpTransport; timeoutMs: number; maxRedirects: number; userAgent?: string }): DocumentFetcher {
  const { policy, transport } = deps;
  return {
    async fetch(input, opts) {
      const vet = (u: string | URL): URL => {
        const checked = policy.checkUrl(u);
        if (!transport.checksResolvedAddresses) policy.checkName(checked.hostname);
        return checked;
      };
      let url = vet(input);
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new DocinlineError('fetch_failed', `Timed out after ${deps.timeoutMs} ms fetching ${shownUrl(url)}.`)), deps.timeoutMs);
      const onAbort = () => timeout.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.signal?.aborted) onAbort();
      const signal = timeout.signal;
      try {
        for (let hop = 0; ; hop++) {
          let res: Response;
          try {
            res = await transport.request(url, {
              headers: { 'user-agent': deps.userAgent ?? 'docinline', accept: '*/*', 'accept-encoding': 'identity' },
              signal,
            });
          } catch (e) {
            const inner = findCause(e) ?? findCause(signal.reason);
            if (inner) throw inner;
            if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DocinlineError('aborted', 'The request was aborted.');
            throw new DocinlineError('fetch_failed', `Could not fetch ${shownUrl(url)}: the server could not be reached.`, { cause: e });
          }
          if (REDIRECTS.has(res.status)) {
            await res.body?.cancel().catch(() => {});
            const loc = res.headers.get('location');
            if (!loc) throw new DocinlineError('fetch_failed', `${shownUrl(url)} answered ${res.status} without a Location.`);
            if (hop >= deps.maxRedirects) throw blocked(`Too many redirects fetching ${shownUrl(url)} (the limit is ${deps.maxRedirects}).`);
            let next: URL;
            try {
              next = new URL(loc, url);
            } catch {
              throw new DocinlineError('fetch_failed', `${shownUrl(url)} redirected to an invalid URL.`);
            }
            url = vet(next);
            continue;
          }
          if (res.status < 200 || res.status >= 300) {
            await res.body?.cancel().catch(() => {});
            throw new DocinlineError('fetch_failed', `Fetching ${shownUrl(url)} failed: the server answered HTTP ${res.status}.`);
          }
          const declared = Number(res.headers.get('content-length'));
          if (Number.isFinite(declared) && declared > opts.maxBytes) {
            await res.body?.cancel().catch(() => {});
            throw new DocinlineError('file_too_large', `The document at ${shownUrl(url)} is ${fmtBytes(declared)}; the limit is ${fmtBytes(opts.maxBytes)}.`);
          }
          let bytes: Uint8Array;
          try {
            bytes = await readLimited(res.body, opts.maxBytes, `The document at ${shownUrl(url)}`);
          } catch (e) {
            if (isDocinlineError(e)) throw e;
            if (signal.aborted && isDocinlineError(signal.reason)) throw signal.reason;
            throw new DocinlineError('fetch_failed', `The download from ${shownUrl(url)} was interrupted.`, { cause: e });
          }
          return { bytes, contentType: res.headers.get('content-type'), filename: filenameFrom(res, url), url: url.href };
        }
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
