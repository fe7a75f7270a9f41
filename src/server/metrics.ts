/**
 * Prometheus metrics without a dependency: counters, gauges and histograms kept in plain maps and
 * written in the text exposition format (version 0.0.4) that every Prometheus-compatible scraper reads.
 * One registry per app, so two servers in one process (tests) never mix their numbers.
 *
 * Label values must come from bounded sets (route patterns, status codes, configured backends, error
 * codes): every distinct combination is a series kept for the life of the process.
 */
import type { CachedParse, DocumentParser } from '../cache/parser.js';
import { toDocinlineError } from '../errors.js';
import type { UpstreamResponse, UpstreamTransport } from './upstream.js';

type LabelValues = readonly string[];

/** Label values joined into one map key; \u0001 cannot occur in any of ours. */
const keyOf = (values: LabelValues) => values.join('\u0001');

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function labelText(names: readonly string[], values: LabelValues, extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Metric {
  readonly name: string;
  /** Updates values that are read at scrape time (gauges with a collector). */
  collect?(): Promise<void> | void;
  render(): string;
}

abstract class Base<V> implements Metric {
  protected readonly series = new Map<string, { values: LabelValues; v: V }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    protected readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected entry(values: LabelValues, init: () => V): { values: LabelValues; v: V } {
    const k = keyOf(values);
    let e = this.series.get(k);
    if (!e) {
      e = { values: [...values], v: init() };
      this.series.set(k, e);
    }
    return e;
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

export class Counter extends Base<{ n: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter');
    // A counter without labels exists from the start (0), so rate() works from the first scrape.
    if (!labelNames.length) this.entry([], () => ({ n: 0 }));
  }

  inc(values: LabelValues = [], by = 1): void {
    if (!(by >= 0)) return;
    this.entry(values, () => ({ n: 0 })).v.n += by;
  }

  /** The series for these label values, to keep and increment without looking it up each time. */
  labels(values: LabelValues): { inc(by?: number): void } {
    const v = this.entry(values, () => ({ n: 0 })).v;
    return {
      inc(by = 1) {
        if (by >= 0) v.n += by;
      },
    };
  }

  /** The current value (tests, logs). */
  get(values: LabelValues = []): number {
    return this.series.get(keyOf(values))?.v.n ?? 0;
  }

  render(): string {
    let out = this.header();
    for (const { values, v } of this.series.values()) out += `${this.name}${labelText(this.labelNames, values)} ${formatValue(v.n)}\n`;
    return out;
  }
}

export class Gauge extends Base<{ n: number }> {
  private collector?: (g: Gauge) => Promise<void> | void;

  constructor(name: string, help: string, labelNames: readonly string[] = [], collect?: (g: Gauge) => Promise<void> | void) {
    super(name, help, labelNames, 'gauge');
    this.collector = collect;
  }

  set(values: LabelValues, n: number): void {
    this.entry(values, () => ({ n: 0 })).v.n = n;
  }

  inc(values: LabelValues = [], by = 1): void {
    this.entry(values, () => ({ n: 0 })).v.n += by;
  }

  dec(values: LabelValues = [], by = 1): void {
    this.inc(values, -by);
  }

  get(values: LabelValues = []): number {
    return this.series.get(keyOf(values))?.v.n ?? 0;
  }

  /** Read the value at scrape time (queue depth, memory); replaces any earlier collector. */
  onCollect(fn: (g: Gauge) => Promise<void> | void): void {
    this.collector = fn;
  }

  async collect(): Promise<void> {
    await this.collector?.(this);
  }

  render(): string {
    if (!this.series.size) return '';
    let out = this.header();
    for (const { values, v } of this.series.values()) out += `${this.name}${labelText(this.labelNames, values)} ${formatValue(v.n)}\n`;
    return out;
  }
}

export class Histogram extends Base<{ counts: number[]; sum: number; count: number }> {
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_SECONDS) {
    super(name, help, labelNames, 'histogram');
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(values: LabelValues, x: number): void {
    if (!Number.isFinite(x)) return;
    this.add(this.series_(values), x);
  }

  /** The series for these label values, to keep and observe into without looking it up each time. */
  labels(values: LabelValues): { observe(x: number): void } {
    const e = this.series_(values);
    return {
      observe: (x) => {
        if (Number.isFinite(x)) this.add(e, x);
      },
    };
  }

  private series_(values: LabelValues): { counts: number[]; sum: number; count: number } {
    return this.entry(values, () => ({ counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 })).v;
  }

  private add(e: { counts: number[]; sum: number; count: number }, x: number): void {
    // Stored per bucket (not cumulative); render() adds them up.
    const b = this.buckets;
    let i = 0;
    while (i < b.length && x > b[i]!) i++;
    if (i < b.length) e.counts[i]!++;
    e.sum += x;
    e.count++;
  }

  /** Observations so far for these labels (tests). */
  count(values: LabelValues = []): number {
    return this.series.get(keyOf(values))?.v.count ?? 0;
  }

  render(): string {
    if (!this.series.size) return '';
    let out = this.header();
    for (const { values, v } of this.series.values()) {
      let cum = 0;
      this.buckets.forEach((le, i) => {
        cum += v.counts[i]!;
        out += `${this.name}_bucket${labelText(this.labelNames, values, ['le', formatValue(le)])} ${cum}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, values, ['le', '+Inf'])} ${v.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, values)} ${formatValue(v.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, values)} ${v.count}\n`;
    }
    return out;
  }
}

/** Latency buckets in seconds, from a cached parse (ms) to a long reasoning answer (minutes). */
export const DEFAULT_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class Registry {
  private readonly metrics: Metric[] = [];
  private readonly names = new Set<string>();

  register<M extends Metric>(m: M): M {
    if (this.names.has(m.name)) throw new Error(`metric ${m.name} is registered twice`);
    this.names.add(m.name);
    this.metrics.push(m);
    return m;
  }

  counter(name: string, help: string, labelNames?: readonly string[]): Counter {
    return this.register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames?: readonly string[], collect?: (g: Gauge) => Promise<void> | void): Gauge {
    return this.register(new Gauge(name, help, labelNames, collect));
  }

  histogram(name: string, help: string, labelNames?: readonly string[], buckets?: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, labelNames, buckets));
  }

  /** The exposition text. A collector that fails leaves its metric out rather than failing the scrape. */
  async render(): Promise<string> {
    const failed = new Set<Metric>();
    await Promise.all(
      this.metrics.map(async (m) => {
        try {
          await m.collect?.();
        } catch {
          failed.add(m);
        }
      }),
    );
    return this.metrics
      .filter((m) => !failed.has(m))
      .map((m) => m.render())
      .join('');
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The gateway's own metrics; runtimes may register more on `registry` (process memory, connections). */
export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter;
  httpDuration: Histogram;
  documents: Counter;
  pages: Counter;
  ocrPages: Counter;
  parseErrors: Counter;
  parseDuration: Histogram;
  cacheHits: Counter;
  cacheMisses: Counter;
  upstreamRequests: Counter;
  upstreamDuration: Histogram;
  upstreamErrors: Counter;
  queueJobs: Gauge;
}

export function createMetrics(): GatewayMetrics {
  const r = new Registry();
  return {
    registry: r,
    httpRequests: r.counter('docinline_http_requests_total', 'HTTP requests by method, route pattern and status.', ['method', 'route', 'status']),
    httpDuration: r.histogram(
      'docinline_http_request_duration_seconds',
      'Time until the response starts (for streams: until the first byte of the backend answer is relayed).',
      ['method', 'route'],
    ),
    documents: r.counter('docinline_documents_parsed_total', 'Documents parsed (cache hits not included), by kind.', ['kind']),
    pages: r.counter('docinline_pages_parsed_total', 'Pages parsed (cache hits not included).'),
    ocrPages: r.counter('docinline_ocr_pages_total', 'Pages read with OCR.'),
    parseErrors: r.counter('docinline_parse_errors_total', 'Documents that could not be parsed, by error code.', ['code']),
    parseDuration: r.histogram('docinline_parse_duration_seconds', 'Time to parse one document (cache hits not included).'),
    cacheHits: r.counter('docinline_parse_cache_hits_total', 'Parse results served from the cache (or from an identical parse already running).'),
    cacheMisses: r.counter('docinline_parse_cache_misses_total', 'Documents that had to be parsed.'),
    upstreamRequests: r.counter('docinline_upstream_requests_total', 'Requests to the backend by backend host and HTTP status ("error" when no answer came).', [
      'upstream',
      'status',
    ]),
    upstreamDuration: r.histogram('docinline_upstream_response_seconds', 'Time until the backend answered with headers.', ['upstream']),
    upstreamErrors: r.counter(
      'docinline_upstream_errors_total',
      'Backend failures by kind: connect (no answer), timeout, status (5xx), stream (failed while sending its answer).',
      ['upstream', 'kind'],
    ),
    queueJobs: r.gauge('docinline_queue_jobs', 'Batch queue depth by job state (read at scrape time).', ['state']),
  };
}

/** Counts parses, pages, OCR pages, cache hits and misses, and parse time around the cached parser. */
export function observeParser(parser: DocumentParser, m: GatewayMetrics): DocumentParser {
  return {
    async parse(input, options): Promise<CachedParse> {
      const started = performance.now();
      let r: CachedParse;
      try {
        r = await parser.parse(input, options);
      } catch (e) {
        m.parseErrors.inc([toDocinlineError(e).code]);
        throw e;
      }
      if (r.cached) {
        m.cacheHits.inc();
      } else {
        m.cacheMisses.inc();
        const s = r.result.stats;
        m.documents.inc([r.result.document.kind]);
        m.pages.inc([], s.pages);
        m.ocrPages.inc([], s.ocrPages);
        m.parseDuration.observe([], (performance.now() - started) / 1000);
      }
      return r;
    },
  };
}

/** Host of a backend URL, remembered (a backend is called with a handful of distinct URLs). */
function hostCache(): (url: string) => string {
  const seen = new Map<string, string>();
  return (url) => {
    let h = seen.get(url);
    if (h === undefined) {
      try {
        h = new URL(url).host;
      } catch {
        h = 'invalid';
      }
      if (seen.size < 1000) seen.set(url, h);
    }
    return h;
  };
}

/**
 * Backend latency (to headers), statuses and failures, measured around the transport so every caller
 * (live requests, batch lines, readiness probes) is counted. A stream that breaks after its headers is
 * counted when its body fails.
 */
export function observeTransport(transport: UpstreamTransport, m: GatewayMetrics): UpstreamTransport {
  const hostOf = hostCache();
  return async (url, init) => {
    const upstream = hostOf(url);
    const started = performance.now();
    let res: UpstreamResponse;
    try {
      res = await transport(url, init);
    } catch (e) {
      const reason = init.signal.aborted ? toDocinlineError(init.signal.reason).code : null;
      // Our own client going away is not the backend's failure.
      if (reason !== 'aborted') {
        const code = String((e as { code?: string })?.code ?? (e as Error)?.name ?? '');
        const kind = reason === 'upstream_timeout' || /timeout/i.test(code) ? 'timeout' : 'connect';
        m.upstreamErrors.inc([upstream, kind]);
        m.upstreamRequests.inc([upstream, 'error']);
      }
      throw e;
    }
    m.upstreamDuration.observe([upstream], (performance.now() - started) / 1000);
    m.upstreamRequests.inc([upstream, String(res.status)]);
    if (res.status >= 500) m.upstreamErrors.inc([upstream, 'status']);
    return new ObservedResponse(res, m, upstream, init.signal);
  };
}

/** The backend's answer, counting a body that fails while it is read (one object per answer). */
class ObservedResponse implements UpstreamResponse {
  readonly status: number;
  readonly headers: UpstreamResponse['headers'];

  constructor(
    private readonly res: UpstreamResponse,
    private readonly m: GatewayMetrics,
    private readonly upstream: string,
    private readonly signal: Parameters<UpstreamTransport>[1]['signal'],
  ) {
    this.status = res.status;
    this.headers = res.headers;
  }

  private failed(e: unknown): never {
    const reason = this.signal.aborted ? toDocinlineError(this.signal.reason).code : null;
    if (reason !== 'aborted') this.m.upstreamErrors.inc([this.upstream, reason === 'upstream_timeout' ? 'timeout' : 'stream']);
    throw e;
  }

  bytes(): Promise<Uint8Array> {
    return this.res.bytes().catch((e) => this.failed(e));
  }

  // A plain iterator wrapper rather than an async generator: this sits on every relayed chunk.
  chunks(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => {
        const it = this.res.chunks()[Symbol.asyncIterator]();
        return {
          next: () => it.next().catch((e) => this.failed(e)),
          return: (v?: unknown) => (it.return ? it.return(v) : Promise.resolve({ done: true as const, value: undefined })),
        };
      },
    };
  }
}
