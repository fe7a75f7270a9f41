// URL fetching through the running gateway: private, loopback, link-local, CGNAT and metadata addresses in
// every spelling, hostile DNS answers and redirect tricks are refused; an internal server that would
// answer records that it was never reached. Size and time limits hold while the body streams.
import { strict as assert } from 'node:assert';
import type { LookupAddress } from 'node:dns';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI, { APIError } from 'openai';
import { DocinlineError } from '../../src/errors.js';
import { createDocumentFetcher, webTransport } from '../../src/fetch/fetcher.js';
import { createFetchPolicy } from '../../src/fetch/policy.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const pdf = readFileSync(new URL('../../fixtures/gateway/invoice.pdf', import.meta.url));

let up: FakeUpstream;
let gw: TestGateway;
let secret: Server; // "internal" service on 127.0.0.1: must never be reached
let secretHits = 0;
let S = 0;
let edge: Server; // allowed server on 127.0.0.2: serves documents and redirects
let E = '';
let bigBytesSent = 0;
let bigClosedEarly: Promise<boolean>;

// A hostile DNS for names under .test; everything else goes to the system resolver.
const DNS: Record<string, LookupAddress[]> = {
  'rebind.test': [{ address: '10.0.0.5', family: 4 }],
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'meta.test': [{ address: '169.254.169.254', family: 4 }],
  'v6loop.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'docs.test': [{ address: '127.0.0.2', family: 4 }],
};

function listen(s: Server, host: string): Promise<number> {
  return new Promise((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));
}

// Started at load time: the test names below carry their ports.
secret = createServer((_req, res) => {
  secretHits++;
  res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
});
S = await listen(secret, '127.0.0.1');
let resolveBig!: (v: boolean) => void;
bigClosedEarly = new Promise((r) => (resolveBig = r));
edge = createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  if (u.pathname === '/doc.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
  if (u.pathname === '/to') return void res.writeHead(Number(u.searchParams.get('status') ?? 302), { location: u.searchParams.get('u')! }).end();
  if (u.pathname.startsWith('/chain/')) {
    const n = Number(u.pathname.slice(7));
    return void res.writeHead(302, { location: n > 0 ? `/chain/${n - 1}` : '/doc.pdf' }).end();
  }
  if (u.pathname === '/big') {
    // 8 MiB, chunked, no content-length: only counting while streaming can stop it.
    res.writeHead(200, { 'content-type': 'application/pdf' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let i = 0;
    const pump = () => {
      while (i < 128) {
        i++;
        bigBytesSent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => resolveBig(!res.writableFinished));
    return pump();
  }
  if (u.pathname === '/declared-big') return void res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end();
  if (u.pathname === '/slow') return void res.writeHead(200, { 'content-type': 'application/pdf' }).write('%PDF-1.4\n');
  res.writeHead(404).end();
});
E = `http://127.0.0.2:${await listen(edge, '127.0.0.2')}`;
before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway(
    {
      DOCINLINE_UPSTREAM_URL: up.url,
      DOCINLINE_FETCH_ALLOW: '127.0.0.2/32',
      DOCINLINE_FETCH_MAX_REDIRECTS: '3',
      DOCINLINE_FETCH_TIMEOUT_MS: '600',
      DOCINLINE_MAX_FILE_BYTES: String(1024 * 1024),
    },
    {
      resolver: (host, cb) => {
        const fake = DNS[host.toLowerCase()];
        if (fake) return void setImmediate(() => cb(null, fake));
        import('node:dns').then((dns) => dns.lookup(host, { all: true }, (err, a) => cb(err, a)));
      },
    },
  );
});

after(async () => {
  await gw?.close();
  await up?.close();
  await new Promise((r) => secret?.close(r));
  edge?.closeAllConnections();
  await new Promise((r) => edge?.close(r));
});

async function parseUrl(url: string): Promise<{ status: number; error?: { code: string; message: string; param: string | null } }> {
  const res = await fetch(`${gw.baseURL}/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
  const body = (await res.json()) as { error?: { code: string; message: string; param: string | null } };
  return { status: res.status, error: body.error };
}

const BLOCKED_URLS = (): string[] => [
  `http://127.0.0.1:${S}/doc.pdf`,
  `http://localhost:${S}/doc.pdf`,
  `http://localhost.:${S}/doc.pdf`,
  `http://2130706433:${S}/doc.pdf`, // decimal
  `http://0x7f000001:${S}/doc.pdf`, // hex
  `http://0177.0.0.1:${S}/doc.pdf`, // octal
  `http://0x7f.0.0.1:${S}/doc.pdf`, // mixed
  `http://127.1:${S}/doc.pdf`, // short form
  `http://0.0.0.0:${S}/doc.pdf`,
  `http://[::1]:${S}/doc.pdf`,
  `http://[::]:${S}/doc.pdf`,
  `http://[::ffff:127.0.0.1]:${S}/doc.pdf`, // IPv4-mapped
  `http://[::ffff:7f00:1]:${S}/doc.pdf`, // IPv4-mapped, hex
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${S}/doc.pdf`,
  `http://[64:ff9b::7f00:1]:${S}/doc.pdf`, // NAT64 of loopback
  `http://[2002:7f00:1::]:${S}/doc.pdf`, // 6to4 of loopback
  `http://user:pw@127.0.0.1:${S}/doc.pdf`,
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://100.100.100.200/latest/meta-data/',
  'http://10.0.0.1/x.pdf',
  'http://172.16.5.4/x.pdf',
  'http://192.168.1.1/x.pdf',
  'http://100.64.0.1/x.pdf', // CGNAT
  'http://[fe80::1]/x.pdf', // link-local
  'http://[fc00::1]/x.pdf', // unique local
  'http://224.0.0.1/x.pdf', // multicast
  'http://255.255.255.255/x.pdf',
  `http://rebind.test:${S}/doc.pdf`, // DNS → private
  `http://mixed.test:${S}/doc.pdf`, // one public and one loopback answer
  'http://meta.test/latest/meta-data/', // DNS → metadata
  `http://v6loop.test:${S}/doc.pdf`, // DNS → ::1
  `http://mapped.test:${S}/doc.pdf`, // DNS → ::ffff:127.0.0.1
  'file:///etc/passwd',
  'ftp://example.com/x.pdf',
  `gopher://127.0.0.1:${S}/_GET`,
];

const REDIRECT_TRICKS = (): Array<[string, string]> => [
  ['302 to loopback', `http://127.0.0.1:${S}/doc.pdf`],
  ['301 to localhost', `http://localhost:${S}/doc.pdf`],
  ['307 to an IPv4-mapped IPv6 literal', `http://[::ffff:127.0.0.1]:${S}/doc.pdf`],
  ['308 to the metadata service', 'http://169.254.169.254/latest/meta-data/'],
  ['302 to a decimal IP', `http://2130706433:${S}/doc.pdf`],
  ['302 to file://', 'file:///etc/passwd'],
  ['302 protocol-relative to loopback', `//127.0.0.1:${S}/doc.pdf`],
  ['302 to a name that resolves to a private address', `http://rebind.test:${S}/doc.pdf`],
];

describe('SSRF: refused addresses', () => {
  test('at least 20 addresses and redirect tricks are covered', () => {
    assert.ok(BLOCKED_URLS().length + REDIRECT_TRICKS().length >= 20);
  });

  for (const url of BLOCKED_URLS()) {
    test(`refuses ${url}`, async () => {
      const r = await parseUrl(url);
      assert.equal(r.status, 400, JSON.stringify(r));
      assert.equal(r.error?.code, 'fetch_blocked', r.error?.message);
      assert.equal(r.error?.param, 'url');
      assert.equal(secretHits, 0, 'the internal server was reached');
    });
  }

  const statuses = [302, 301, 307, 308, 302, 302, 302, 302];
  REDIRECT_TRICKS().forEach(([name, target], i) => {
    test(`refuses a redirect: ${name}`, async () => {
      const r = await parseUrl(`${E}/to?status=${statuses[i]}&u=${encodeURIComponent(target)}`);
      assert.equal(r.status, 400, JSON.stringify(r));
      assert.equal(r.error?.code, 'fetch_blocked', r.error?.message);
      assert.equal(secretHits, 0, 'the internal server was reached');
    });
  });

  test('too many redirects', async () => {
    const r = await parseUrl(`${E}/chain/5`);
    assert.equal(r.status, 400);
    assert.equal(r.error?.code, 'fetch_blocked');
    assert.match(r.error!.message, /Too many redirects/);
  });

  test('error messages do not echo resolved addresses', async () => {
    const r = await parseUrl(`http://rebind.test:${S}/doc.pdf`);
    assert.doesNotMatch(r.error!.message, /10\.0\.0\.5/);
  });

  test('the chat API refuses too, naming the part', async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'k', maxRetries: 0 });
    await assert.rejects(
      client.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `http://169.254.169.254/latest/meta-data/#transform=inline` } }] }],
      }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'fetch_blocked' && e.param === 'messages[0].content[0]',
    );
    assert.equal(up.requests.length, 0);
  });
});

describe('SSRF: a fetch-based transport (runtimes without DNS access)', () => {
  test('refuses literal private addresses and local names before any request', async () => {
    const fetcher = createDocumentFetcher({ policy: createFetchPolicy({ allow: ['127.0.0.2/32'] }), transport: webTransport(), timeoutMs: 2000, maxRedirects: 3 });
    for (const url of [`http://127.0.0.1:${S}/doc.pdf`, `http://localhost:${S}/doc.pdf`, `http://[::1]:${S}/doc.pdf`, 'http://metadata.google.internal/computeMetadata/v1/']) {
      await assert.rejects(fetcher.fetch(url, { maxBytes: 1 << 20 }), (e: unknown) => e instanceof DocinlineError && e.code === 'fetch_blocked', url);
    }
    await assert.rejects(fetcher.fetch(`${E}/to?u=${encodeURIComponent(`http://localhost:${S}/doc.pdf`)}`, { maxBytes: 1 << 20 }), (e: unknown) => e instanceof DocinlineError && e.code === 'fetch_blocked');
    const ok = await fetcher.fetch(`${E}/doc.pdf`, { maxBytes: 1 << 20 });
    assert.equal(ok.bytes.byteLength, pdf.byteLength);
    assert.equal(secretHits, 0);
  });
});

describe('SSRF: what is allowed still works', () => {
  test('an allow-listed address', async () => {
    assert.equal((await parseUrl(`${E}/doc.pdf`)).status, 200);
  });
  test('redirects within allowed hosts, up to the limit', async () => {
    assert.equal((await parseUrl(`${E}/chain/2`)).status, 200);
    assert.equal((await parseUrl(`${E}/to?u=${encodeURIComponent(`${E}/doc.pdf`)}`)).status, 200);
  });
  test('a name resolving to an allow-listed address', async () => {
    const port = new URL(E).port;
    assert.equal((await parseUrl(`http://docs.test:${port}/doc.pdf`)).status, 200);
  });
});

describe('fetch limits', () => {
  test('a body larger than DOCINLINE_MAX_FILE_BYTES is refused while streaming', async () => {
    const r = await parseUrl(`${E}/big`);
    assert.equal(r.status, 413);
    assert.equal(r.error?.code, 'file_too_large');
    assert.equal(await bigClosedEarly, true, 'the download was cut before the end');
    assert.ok(bigBytesSent < 8 * 1024 * 1024);
  });
  test('a declared Content-Length over the limit is refused before reading', async () => {
    const r = await parseUrl(`${E}/declared-big`);
    assert.equal(r.status, 413);
  });
  test('a server that stalls hits the fetch timeout', async () => {
    const t0 = performance.now();
    const r = await parseUrl(`${E}/slow`);
    assert.equal(r.status, 400);
    assert.equal(r.error?.code, 'fetch_failed');
    assert.match(r.error!.message, /Timed out/);
    assert.ok(performance.now() - t0 < 3000);
  });
  test('an HTTP error from the document server', async () => {
    const r = await parseUrl(`${E}/missing.pdf`);
    assert.equal(r.status, 400);
    assert.equal(r.error?.code, 'fetch_failed');
    assert.match(r.error!.message, /HTTP 404/);
  });
});
