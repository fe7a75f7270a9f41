import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multipartBoundary, readMultipart, readTextPart } from '../../src/files/multipart.js';
import { DocinlineError } from '../../src/errors.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A body delivered in the given chunk sizes (cycled), to hit every split of boundary and headers. */
function streamOf(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let off = 0;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= bytes.length) return c.close();
      const n = sizes[i++ % sizes.length]!;
      // copy, so the parser cannot rely on chunks sharing one buffer
      c.enqueue(bytes.slice(off, off + n));
      off += n;
    },
  });
}

function concat(parts: (string | Uint8Array)[]): Uint8Array {
  const arrs = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

async function collect(body: ReadableStream<Uint8Array>, boundary: string) {
  const out: { name: string; filename: string | null; contentType: string | null; data: Uint8Array }[] = [];
  for await (const part of readMultipart(body, boundary)) {
    const chunks: Uint8Array[] = [];
    for await (const c of part.body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
    out.push({ name: part.name, filename: part.filename, contentType: part.contentType, data: concat(chunks) });
  }
  return out;
}

const B = '----docinlineTestBoundary7MA4YWxkTrZu0gW';

// File content built to look like the delimiter without being it: CRLF, dashes, a boundary missing
// its last character, and a boundary not preceded by CRLF.
const tricky = concat([
  'line one\r\nline two\r\n',
  `\r\n--${B.slice(0, -1)}X\r\n`,
  `x--${B}`,
  '\r\n-\r\n--\r\n\r',
  new Uint8Array([0, 255, 13, 10, 45, 45, 13]),
]);

const body = concat([
  'preamble to ignore\r\n',
  `--${B}\r\n`,
  'Content-Disposition: form-data; name="purpose"\r\n\r\n',
  'user_data',
  `\r\n--${B}\r\n`,
  `Content-Disposition: form-data; name="file"; filename="r\u00e9sum\u00e9 %22q%22.pdf"\r\n`,
  'Content-Type: application/pdf\r\n\r\n',
  tricky,
  `\r\n--${B}\r\n`,
  'Content-Disposition: form-data; name="empty"\r\n\r\n',
  `\r\n--${B}--\r\n`,
  'epilogue',
]);

test('parses fields and a file at every chunk split', async () => {
  for (const sizes of [[1], [2], [3], [7], [13], [B.length], [B.length + 3], [64], [1, 100], [body.length]]) {
    const parts = await collect(streamOf(body, sizes), B);
    assert.equal(parts.length, 3, `sizes ${sizes}`);
    assert.equal(parts[0]!.name, 'purpose');
    assert.equal(parts[0]!.filename, null);
    assert.equal(dec.decode(parts[0]!.data), 'user_data');
    assert.equal(parts[1]!.name, 'file');
    assert.equal(parts[1]!.filename, 'r\u00e9sum\u00e9 "q".pdf');
    assert.equal(parts[1]!.contentType, 'application/pdf');
    assert.deepEqual(parts[1]!.data, tricky, `file bytes with sizes ${sizes}`);
    assert.equal(parts[2]!.name, 'empty');
    assert.equal(parts[2]!.data.length, 0);
  }
});

test('large random file survives intact with odd chunking', async () => {
  const data = new Uint8Array(3 * 1024 * 1024 + 17);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(i + 65536, data.length)));
  // plant delimiter prefixes all over the file
  const near = enc.encode(`\r\n--${B.slice(0, 20)}`);
  for (let i = 1000; i + near.length < data.length; i += 99_991) data.set(near, i);
  const b = concat([`--${B}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n\r\n`, data, `\r\n--${B}--`]);
  const parts = await collect(streamOf(b, [65536, 1, 4093]), B);
  assert.equal(parts.length, 1);
  assert.equal(parts[0]!.data.length, data.length);
  assert.deepEqual(parts[0]!.data, data);
});

test('unread parts are skipped when moving on', async () => {
  const names: string[] = [];
  let purpose = '';
  for await (const part of readMultipart(streamOf(body, [5]), B)) {
    names.push(part.name);
    if (part.name === 'empty') purpose = await readTextPart(part);
  }
  assert.deepEqual(names, ['purpose', 'file', 'empty']);
  assert.equal(purpose, '');
});

test('filename* (RFC 5987) wins over filename', async () => {
  const b = concat([
    `--${B}\r\nContent-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nabc\r\n--${B}--\r\n`,
  ]);
  const parts = await collect(streamOf(b, [9]), B);
  assert.equal(parts[0]!.filename, '\u20ac rates.txt');
});

async function expectMalformed(b: Uint8Array, re: RegExp) {
  await assert.rejects(collect(streamOf(b, [11]), B), (e: unknown) => {
    assert.ok(e instanceof DocinlineError, String(e));
    assert.equal(e.code, 'invalid_request');
    assert.match(e.message, re);
    return true;
  });
}

test('malformed bodies are rejected with a clear error', async () => {
  await expectMalformed(enc.encode('no boundary here at all'), /no boundary/);
  await expectMalformed(enc.encode(`--${B}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc`), /unexpected end/);
  await expectMalformed(enc.encode(`--${B}\r\nContent-Disposition: form-data; name="file"\r\n`), /unexpected end|headers/);
  await expectMalformed(enc.encode(`--${B}\r\nContent-Type: text/plain\r\n\r\nabc\r\n--${B}--`), /without a name/);
  await expectMalformed(enc.encode(`--${B}\r\nContent-Disposition: attachment; name="x"\r\n\r\nabc\r\n--${B}--`), /not form-data/);
  await expectMalformed(enc.encode(`--${B}XYZ\r\n`), /CRLF/);
  await expectMalformed(concat([`--${B}\r\nX-Pad: `, 'a'.repeat(20_000), '\r\n\r\n']), /headers too large/);
  const many = concat([...Array.from({ length: 70 }, (_, i) => `--${B}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`), `--${B}--`]);
  await expectMalformed(many, /more than 64 parts/);
});

test('text fields are bounded', async () => {
  const b = concat([`--${B}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n`, 'x'.repeat(5000), `\r\n--${B}--`]);
  await assert.rejects(
    (async () => {
      for await (const part of readMultipart(streamOf(b, [100]), B)) await readTextPart(part, 1024);
    })(),
    /too long/,
  );
});

test('a failing source stream fails the part being read', async () => {
  let sent = false;
  const src = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(enc.encode(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nsome bytes`));
      } else c.error(new Error('connection reset'));
    },
  });
  await assert.rejects(collect(src, B), /connection reset/);
});

test('boundary from Content-Type', () => {
  assert.equal(multipartBoundary('multipart/form-data; boundary=abc'), 'abc');
  assert.equal(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b;c"'), 'a b;c');
  assert.equal(multipartBoundary('application/json'), null);
  assert.equal(multipartBoundary('multipart/form-data'), null);
  assert.equal(multipartBoundary(undefined), null);
});
