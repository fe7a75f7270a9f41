// The gateway's pure pieces on their own: address parsing and classification, data URLs and fragments,
// the LRU cache, model routing and SSE event cutting.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { cidrContains, classifyIp, formatIp, parseCidr, parseIp } from '../../src/fetch/address.js';
import { createFetchPolicy } from '../../src/fetch/policy.js';
import { decodeBase64, parseDataUrl } from '../../src/inline/dataurl.js';
import { parseInlineFragment } from '../../src/inline/fragment.js';
import { MemoryLruCache } from '../../src/cache/lru.js';
import { parseCacheKey } from '../../src/cache/key.js';
import { createRouter, relayEvents } from '../../src/server/upstream.js';
import { silentLogger } from '../../src/server/logger.js';
import { loadConfig } from '../../src/config.js';

describe('IP parsing', () => {
  const same: Array<[string, string]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['10.1', '10.0.0.1'],
    ['192.168.257', '192.168.1.1'],
    ['0', '0.0.0.0'],
    ['017700000001', '127.0.0.1'],
  ];
  for (const [input, want] of same) test(`${input} is ${want}`, () => assert.equal(formatIp(parseIp(input)!), want));

  test('IPv6 forms', () => {
    assert.equal(formatIp(parseIp('[::1]')!), '0:0:0:0:0:0:0:1');
    assert.equal(formatIp(parseIp('::ffff:127.0.0.1')!), '0:0:0:0:0:ffff:7f00:1');
    assert.equal(formatIp(parseIp('fe80::1%eth0')!), 'fe80:0:0:0:0:0:0:1');
    assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), null);
    assert.equal(parseIp('1::2::3'), null);
  });

  test('names are not IPs', () => {
    for (const n of ['example.com', 'localhost', '1.2.3.example', 'x1', '0x7g.1', '256.256.256.256', '1.2.3.4.5']) assert.equal(parseIp(n), null, n);
  });
});

describe('address classification', () => {
  const blocked: Record<string, string> = {
    '127.0.0.1': 'loopback',
    '127.255.255.254': 'loopback',
    '10.20.30.40': 'private',
    '172.31.255.255': 'private',
    '192.168.0.1': 'private',
    '169.254.169.254': 'metadata',
    '169.254.1.1': 'link-local',
    '100.64.0.1': 'cgnat',
    '100.127.255.255': 'cgnat',
    '0.0.0.0': 'unspecified',
    '224.0.0.251': 'multicast',
    '::1': 'loopback',
    '::': 'unspecified',
    '::ffff:10.0.0.1': 'private',
    '::ffff:169.254.169.254': 'metadata',
    '::127.0.0.1': 'loopback',
    '64:ff9b::a00:1': 'private',
    '2002:c0a8:0101::': 'private',
    'fe80::abcd': 'link-local',
    'fd12:3456::1': 'unique-local',
    'fd00:ec2::254': 'metadata',
    'ff02::1': 'multicast',
    '2001:db8::1': 'documentation',
  };
  for (const [ip, reason] of Object.entries(blocked)) test(`${ip} is ${reason}`, () => assert.equal(classifyIp(parseIp(ip)!), reason));

  test('public addresses pass', () => {
    for (const ip of ['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      assert.equal(classifyIp(parseIp(ip)!), null, ip);
    }
  });

  test('CIDRs, including IPv4 ranges matching mapped IPv6', () => {
    const r = parseCidr('10.0.0.0/8')!;
    assert.ok(cidrContains(r, parseIp('10.9.8.7')!));
    assert.ok(cidrContains(r, parseIp('::ffff:10.9.8.7')!));
    assert.ok(!cidrContains(r, parseIp('11.0.0.1')!));
    assert.ok(cidrContains(parseCidr('fd00::/8')!, parseIp('fd00:ec2::254')!));
    assert.equal(parseCidr('10.0.0.0/33'), null);
  });

  test('policy: allow-list by CIDR and by name', () => {
    const p = createFetchPolicy({ allow: ['127.0.0.2/32', 'files.internal', '*.corp.example'] });
    p.checkUrl('http://127.0.0.2/x');
    assert.throws(() => p.checkUrl('http://127.0.0.1/x'), /loopback/);
    p.checkAddress('files.internal', '10.0.0.1');
    p.checkAddress('a.corp.example', '10.0.0.1');
    assert.throws(() => p.checkAddress('corp.example.evil', '10.0.0.1'), /private/);
    assert.throws(() => p.checkUrl('javascript:alert(1)'), /Only http and https/);
    // Names judged without DNS (transports that cannot see addresses, e.g. a Worker's fetch).
    for (const n of ['localhost', 'x.localhost', 'metadata.google.internal', 'printer.local', 'router.lan']) assert.throws(() => p.checkName(n), /local or internal/, n);
    p.checkName('example.com');
    p.checkName('files.internal'); // allowed by name
  });
});

describe('data URLs', () => {
  test('the fragment never reaches the decoder (LiteLLM bug)', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n * 7 + (n % 3));
      const url = `data:application/pdf;base64,${bytes.toString('base64')}#transform=inline&pages=1-3`;
      const d = parseDataUrl(url, 1 << 20);
      assert.deepEqual(Buffer.from(d.bytes), bytes);
      assert.equal(d.fragment, 'transform=inline&pages=1-3');
    }
  });

  test('unpadded, URL-safe and wrapped base64 decode the same', () => {
    const bytes = randomBytes(1000);
    const std = bytes.toString('base64');
    assert.deepEqual(Buffer.from(decodeBase64(std.replace(/=+$/, ''))!), bytes);
    assert.deepEqual(Buffer.from(decodeBase64(bytes.toString('base64url'))!), bytes);
    assert.deepEqual(Buffer.from(decodeBase64(std.replace(/(.{76})/g, '$1\r\n'))!), bytes);
    assert.equal(decodeBase64('abc$'), null);
    assert.equal(decodeBase64('a'), null, 'one leftover character cannot be a byte');
  });

  test('percent-encoded payloads and size limits', () => {
    assert.equal(new TextDecoder().decode(parseDataUrl('data:text/plain,hello%20world#x', 100).bytes), 'hello world');
    assert.throws(() => parseDataUrl(`data:application/pdf;base64,${'A'.repeat(4000)}`, 1000), /limit/);
  });

  test('fragment options', () => {
    assert.equal(parseInlineFragment(''), null);
    assert.equal(parseInlineFragment('page=2'), null);
    assert.deepEqual(parseInlineFragment('transform=inline&pages=1-3,7&ocr=always&lang=eng+chi_tra&furniture=keep&markers=0')!.options, {
      pages: '1-3,7',
      ocr: 'always',
      languages: ['eng', 'chi_tra'],
      keepFurniture: true,
      pageMarkers: false,
    });
    assert.throws(() => parseInlineFragment('transform=inline&pages=abc'), /pages must look like/);
  });
});

describe('parse cache', () => {
  test('LRU evicts by entries and by bytes, least recently used first', async () => {
    const c = new MemoryLruCache<string>({ maxEntries: 3, maxBytes: 100, sizeOf: (s) => s.length });
    await c.set('a', 'x'.repeat(10));
    await c.set('b', 'x'.repeat(10));
    await c.set('c', 'x'.repeat(10));
    await c.get('a'); // a is now the most recent
    await c.set('d', 'x'.repeat(10));
    assert.equal(await c.get('b'), undefined);
    assert.ok(await c.get('a'));
    await c.set('big', 'x'.repeat(91));
    assert.equal(c.size, 1, 'bytes bound');
    assert.ok(c.totalBytes <= 100);
    await c.set('huge', 'x'.repeat(101));
    assert.equal(await c.get('huge'), undefined, 'larger than the whole cache is not stored');
  });

  test('keys differ by options and password, never contain the password', async () => {
    const sha = 'ab'.repeat(32);
    const a = await parseCacheKey(sha, { pages: '1' });
    const b = await parseCacheKey(sha, { pages: '2' });
    const p = await parseCacheKey(sha, { password: 'hunter2' });
    assert.notEqual(a, b);
    assert.ok(!p.includes('hunter2'));
    assert.notEqual(p, await parseCacheKey(sha, { password: 'hunter3' }));
  });
});

describe('routing', () => {
  test('exact names win over prefixes, longest prefix wins', () => {
    const cfg = loadConfig({
      DOCINLINE_MODEL_ROUTES: JSON.stringify({ 'deepseek*': 'http://a/v1', 'deepseek-r1*': { url: 'http://b/v1', textOnly: true }, 'deepseek-r1-exact': 'http://c/v1' }),
    });
    const r = createRouter(cfg.upstream);
    assert.equal(r.pick('deepseek-chat').url, 'http://a/v1');
    assert.equal(r.pick('deepseek-r1-distill').url, 'http://b/v1');
    assert.equal(r.pick('deepseek-r1-distill').textOnly, true);
    assert.equal(r.pick('deepseek-r1-exact').url, 'http://c/v1');
    assert.equal(r.pick('llama').url, cfg.upstream.url);
    assert.equal(r.pick(undefined).url, cfg.upstream.url);
    assert.ok(r.anyTextOnly);
  });

  test('invalid route config is refused with a clear message', () => {
    assert.throws(() => loadConfig({ DOCINLINE_MODEL_ROUTES: '{"a": "ftp://x"}' }), /DOCINLINE_MODEL_ROUTES/);
  });
});

describe('SSE relay', () => {
  const enc = new TextEncoder();
  async function relay(chunks: Array<string | Error>) {
    const src = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next === undefined) c.close();
        else if (next instanceof Error) c.error(next);
        else c.enqueue(enc.encode(next));
      },
    });
    const out = relayEvents(src, { api: 'chat', abort: () => {}, logger: silentLogger, requestId: 't' });
    const reads: string[] = [];
    const reader = out.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push(new TextDecoder().decode(value));
    }
    return reads;
  }

  test('events split across reads are joined; complete ones pass at once', async () => {
    const reads = await relay(['data: 1\n\ndata: 2', '2\n\n', 'data: 3\r\n\r\n']);
    assert.deepEqual(reads, ['data: 1\n\n', 'data: 22\n\n', 'data: 3\r\n\r\n']);
  });

  test('a failure mid-event drops the half event and ends with an error event', async () => {
    const reads = await relay(['data: 1\n\ndata: {"half', new Error('socket hang up')]);
    assert.equal(reads[0], 'data: 1\n\n');
    assert.match(reads[1]!, /^data: \{"error":\{"message":"The backend connection failed/);
    assert.equal(reads.length, 2);
  });
});
