// GET /metrics: valid Prometheus text, and every family moves when the thing it counts happens:
// requests by route and status, parses, pages, OCR pages, cache hits and misses, backend latency and
// errors, queue depth.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort } from './harness.js';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,|(?=\})))*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/;

interface Scrape {
  text: string;
  /** `name{a="1",b="2"}` (labels sorted) → value. */
  values: Map<string, number>;
  types: Map<string, string>;
  get(name: string, labels?: Record<string, string>): number;
}

function canonical(name: string, labels: Record<string, string>): string {
  const l = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',');
  return l ? `${name}{${l}}` : name;
}

function parse(text: string): Scrape {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      assert.ok(['counter', 'gauge', 'histogram'].includes(type!), line);
      types.set(name!, type!);
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a valid sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    const v = m[3] === '+Inf' ? Infinity : Number(m[3]);
    values.set(canonical(m[1]!, labels), v);
  }
  return { text, values, types, get: (name, labels = {}) => values.get(canonical(name, labels)) ?? 0 };
}

let up: FakeUpstream;
let gw: TestGateway;
let upHost: string;
let deadPort: number;

async function scrape(): Promise<Scrape> {
  const res = await fetch(`${gw.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const pdf = readFileSync(new URL('../../fixtures/pdf/header-footer.pdf', import.meta.url));
const png = readFileSync(new URL('../../fixtures/images/screenshot-light.png', import.meta.url));
const dataUrl = (b: Buffer, mime: string) => `data:${mime};base64,${b.toString('base64')}`;

async function parseDoc(body: object): Promise<Response> {
  return fetch(`${gw.url}/v1/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function postChat(body: object): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

before(async () => {
  up = await startFakeUpstream();
  upHost = new URL(up.url).host;
  deadPort = await freePort();
  gw = await startGateway({
    DOCINLINE_UPSTREAM_URL: up.url,
    DOCINLINE_MODEL_ROUTES: JSON.stringify({ 'gone*': `http://127.0.0.1:${deadPort}/v1` }),
  });
});
after(async () => {
  await gw?.close();
  await up?.close();
});

describe('/metrics', () => {
  test('is valid exposition text; histograms are cumulative and end at +Inf = count', async () => {
    await fetch(`${gw.url}/healthz`);
    const s = await scrape();
    for (const name of [
      'docinline_http_requests_total',
      'docinline_http_request_duration_seconds',
      'docinline_documents_parsed_total',
      'docinline_pages_parsed_total',
      'docinline_ocr_pages_total',
      'docinline_parse_cache_hits_total',
      'docinline_parse_cache_misses_total',
      'docinline_upstream_requests_total',
      'docinline_upstream_errors_total',
      'docinline_queue_jobs',
      'docinline_http_requests_in_flight',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(s.types.has(name), `${name} is declared`);
    }
    assert.equal(s.types.get('docinline_http_request_duration_seconds'), 'histogram');
    assert.ok(s.get('docinline_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }) >= 1);
    assert.ok(s.get('process_resident_memory_bytes') > 10 * 1024 * 1024);
    assert.equal(s.get('docinline_queue_jobs', { state: 'waiting' }), 0);
    assert.equal(s.get('docinline_queue_jobs', { state: 'active' }), 0);
    // Every histogram series: buckets never decrease, +Inf equals _count.
    const buckets = new Map<string, Array<[number, number]>>();
    for (const [k, v] of s.values) {
      const m = /^(.*)_bucket\{(.*)\}$/.exec(k);
      if (!m) continue;
      const le = /le="([^"]+)"/.exec(m[2]!)![1]!;
      const rest = m[2]!.replace(/,?le="[^"]+"/, '').replace(/^,/, '');
      const id = `${m[1]}{${rest}}`;
      if (!buckets.has(id)) buckets.set(id, []);
      buckets.get(id)!.push([le === '+Inf' ? Infinity : Number(le), v]);
    }
    assert.ok(buckets.size > 0);
    for (const [id, list] of buckets) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) assert.ok(list[i]![1] >= list[i - 1]![1], `${id} buckets are cumulative`);
      const count = s.values.get(id.replace(/\{(.*)\}$/, '_count{$1}').replace('_count{}', '_count'));
      assert.equal(list.at(-1)![0], Infinity);
      assert.equal(list.at(-1)![1], count, `${id}: +Inf bucket equals _count`);
    }
  });

  test('requests, parses, pages, cache hits and misses, backend calls and failures all move', async () => {
    const before = await scrape();

    const first = await parseDoc({ file_data: dataUrl(pdf, 'application/pdf') });
    assert.equal(first.status, 200);
    const firstBody = (await first.json()) as { pages: number; cached: boolean };
    assert.equal(firstBody.cached, false);
    const again = await parseDoc({ file_data: dataUrl(pdf, 'application/pdf') });
    assert.equal(((await again.json()) as { cached: boolean }).cached, true);

    const chat = await postChat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.status, 200);
    await chat.text();

    up.enqueue({ status: 500 });
    const failing = await postChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(failing.status, 502);
    await failing.text();

    const gone = await postChat({ model: 'gone-1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(gone.status, 502);
    await gone.text();

    assert.equal((await fetch(`${gw.url}/no/such/route`)).status, 404);
    assert.equal((await fetch(`${gw.url}/v1/files/file-does-not-exist`)).status, 404);

    const s = await scrape();
    const d = (name: string, labels: Record<string, string> = {}) => s.get(name, labels) - before.get(name, labels);

    assert.equal(d('docinline_http_requests_total', { method: 'POST', route: '/v1/parse', status: '200' }), 2);
    assert.equal(d('docinline_http_requests_total', { method: 'POST', route: '/v1/chat/completions', status: '200' }), 1);
    assert.equal(d('docinline_http_requests_total', { method: 'POST', route: '/v1/chat/completions', status: '502' }), 2);
    assert.equal(d('docinline_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1);
    assert.equal(d('docinline_http_requests_total', { method: 'GET', route: '/v1/files/:id', status: '404' }), 1, 'routes are patterns, not raw paths');
    assert.ok(![...s.values.keys()].some((k) => k.includes('file-does-not-exist')), 'no raw path in any label');
    assert.equal(d('docinline_http_request_duration_seconds_count', { method: 'POST', route: '/v1/parse' }), 2);

    assert.equal(d('docinline_documents_parsed_total', { kind: 'pdf' }), 1, 'the cache hit is not a parse');
    assert.equal(d('docinline_pages_parsed_total'), firstBody.pages);
    assert.equal(d('docinline_parse_cache_misses_total'), 1);
    assert.equal(d('docinline_parse_cache_hits_total'), 1);
    assert.equal(d('docinline_parse_duration_seconds_count'), 1);
    assert.equal(d('docinline_ocr_pages_total'), 0);

    assert.equal(d('docinline_upstream_requests_total', { upstream: upHost, status: '200' }), 1);
    assert.equal(d('docinline_upstream_requests_total', { upstream: upHost, status: '500' }), 1);
    assert.equal(d('docinline_upstream_errors_total', { upstream: upHost, kind: 'status' }), 1);
    assert.equal(d('docinline_upstream_errors_total', { upstream: `127.0.0.1:${deadPort}`, kind: 'connect' }), 1);
    assert.equal(d('docinline_upstream_requests_total', { upstream: `127.0.0.1:${deadPort}`, status: 'error' }), 1);
    assert.equal(d('docinline_upstream_response_seconds_count', { upstream: upHost }), 2);
  });

  test('a stream the backend breaks counts as a stream error; readiness probes are not backend traffic', async () => {
    const before = await scrape();
    up.enqueue({ failAfterChunks: 2 });
    const res = await postChat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await res.text().catch(() => '');
    await fetch(`${gw.url}/readyz`);
    const s = await scrape();
    assert.equal(s.get('docinline_upstream_errors_total', { upstream: upHost, kind: 'stream' }) - before.get('docinline_upstream_errors_total', { upstream: upHost, kind: 'stream' }), 1);
    const calls = (x: Scrape) => [...x.values].filter(([k]) => k.startsWith('docinline_upstream_requests_total{')).reduce((a, [, v]) => a + v, 0);
    assert.equal(calls(s) - calls(before), 1, 'only the chat request reached the backend metrics');
  });

  test('an image read by OCR counts its OCR page', async () => {
    const before = await scrape();
    const res = await parseDoc({ file_data: dataUrl(png, 'image/png') });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { stats: { ocrPages: number } };
    assert.equal(body.stats.ocrPages, 1);
    const s = await scrape();
    assert.equal(s.get('docinline_ocr_pages_total') - before.get('docinline_ocr_pages_total'), 1);
    assert.equal(s.get('docinline_documents_parsed_total', { kind: 'image' }) - before.get('docinline_documents_parsed_total', { kind: 'image' }), 1);
  });
});
