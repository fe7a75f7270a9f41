import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/parse.js';
import { renderJson } from '../../src/render/index.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import { DocinlineError, type ErrorCode } from '../../src/errors.js';

// The engine alone: no OCR parts, so scanned pages and images report what is missing.
const runtime = createNodeRuntime({ ocrDefaults: false });
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/pdf/${name}`, import.meta.url)));
const parse = (name: string, opts = {}) => parseDocument(fixture(name), { pageMarkers: false, ...opts }, runtime);

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DocinlineError, `not a DocinlineError: ${String(e)}`);
    assert.equal(e.code, code, `code ${e.code}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('two columns come out column by column, title first and the full-width note last', async () => {
  const { markdown, document } = await parse('two-column.pdf');
  const at = (s: string) => markdown.indexOf(s);
  for (const s of ['A Study of Two Columns', 'Alpha one', 'Alpha two', 'Beta one', 'Beta two', 'A closing note']) assert.ok(at(s) >= 0, `missing ${s}`);
  assert.ok(at('A Study of Two Columns') < at('Alpha one'));
  assert.ok(at('reaches its end, where alpha closes') > at('Alpha one'), 'left column lines are joined in order');
  assert.ok(at('Alpha two') < at('Beta one'), 'the whole left column comes before the right one');
  assert.ok(at('Beta two') < at('A closing note'));
  assert.match(markdown, /^## A Study of Two Columns$/m);
  assert.equal(document.metadata.title, 'Two columns');
  assert.equal(document.metadata.author, 'docinline');
});

test('running headers and footers are dropped from Markdown, kept on request, and flagged in JSON', async () => {
  const r = await parse('header-footer.pdf');
  assert.doesNotMatch(r.markdown, /ACME Corporation|Confidential|Page \d of 3/);
  assert.match(r.markdown, /^## Section 2$/m);
  const kept = await parse('header-footer.pdf', { keepFurniture: true });
  assert.equal(kept.markdown.match(/ACME Corporation Quarterly Report/g)?.length, 3);
  assert.equal(kept.markdown.match(/Page \d of 3/g)?.length, 3);
  const json = JSON.parse(renderJson(r.document));
  for (const p of json.pages) {
    const furniture = p.blocks.filter((b: { furniture?: boolean }) => b.furniture);
    assert.ok(furniture.some((b: { type: string }) => b.type === 'page-header'));
    assert.ok(furniture.some((b: { text: string }) => /^Page \d of 3$/.test(b.text)));
  }
  assert.equal(r.stats.pages, 3);
});

test('page markers are on by default and page ranges select pages', async () => {
  const r = await parseDocument(fixture('header-footer.pdf'), { pages: '2-3' }, runtime);
  assert.equal(r.document.pages.length, 2);
  assert.equal(r.document.pageCount, 3);
  assert.match(r.markdown, /^<!-- page 2 -->$/m);
  assert.doesNotMatch(r.markdown, /Section 1/);
});

test('a /Rotate page reads upright and sideways text is read bottom to top', async () => {
  const r = await parse('rotated.pdf');
  const [p1, p2] = r.document.pages;
  assert.equal(p1.rotation, 90);
  assert.ok(p1.width > p1.height, 'the rotated page is landscape');
  assert.equal(p1.blocks[0].text, 'Rotated Page Heading');
  assert.match(p1.blocks[1].text, /^This page is stored sideways and shown upright by its rotate entry/);
  assert.equal(p2.blocks.map((b) => b.text).join(' '), 'Sideways text reads from bottom to top and this second line sits to its right');
});

test('CJK text in a predefined-CMap font is kept (CMaps load offline)', async () => {
  const r = await parse('cjk.pdf');
  assert.match(r.markdown, /中文测试文本/);
  assert.match(r.markdown, /这是第二行。/);
  assert.doesNotMatch(r.markdown, /```/);
});

test('a numbered list with a nested bullet list renders as Markdown lists', async () => {
  const r = await parse('numbered-list.pdf');
  assert.match(r.markdown, /^1\. Download the package archive\n2\. Unpack it into a new folder\n    - on Linux use tar\n    - on Windows use the zip tool\n3\. Run the installer and restart$/m);
});

test('words hyphenated at line ends are joined; real compounds keep the hyphen', async () => {
  const r = await parse('hyphenated.pdf');
  assert.match(r.markdown, /a long example word/);
  assert.match(r.markdown, /Self-Contained/);
  assert.doesNotMatch(r.markdown, /exam- ?ple/);
});

test('an encrypted PDF needs its password; the right one opens it', async () => {
  await rejectsWith(parse('encrypted.pdf'), 'password_required', /password/);
  await rejectsWith(parse('encrypted.pdf', { password: 'wrong' }), 'incorrect_password');
  const r = await parse('encrypted.pdf', { password: 'secret' });
  assert.match(r.markdown, /Section 1/);
});

test('a PDF with only an owner password opens with the empty password', async () => {
  const r = await parse('owner-password-only.pdf');
  assert.match(r.markdown, /Section 3/);
});

test('broken and wrong inputs fail with typed errors', async () => {
  await rejectsWith(parse('truncated.pdf'), 'truncated_document', /truncated/);
  await rejectsWith(parse('zero-pages.pdf'), 'empty_document', /no pages/);
  await rejectsWith(parse('not-a-pdf.pdf'), 'unsupported_file_type', /HTML/);
  await rejectsWith(parseDocument(new Uint8Array(0), {}, runtime), 'empty_document');
  await rejectsWith(parseDocument(new TextEncoder().encode('%PDF-1.7\ngarbage garbage garbage\n%%EOF\n'), {}, runtime), 'invalid_document');
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  await rejectsWith(parseDocument(png, {}, runtime), 'ocr_unavailable', /image \(PNG\)/);
});

test('limits: bytes, pages, page ranges and the time budget', async () => {
  await rejectsWith(parse('two-column.pdf', { maxBytes: 100 }), 'file_too_large');
  await rejectsWith(parse('header-footer.pdf', { maxPages: 2 }), 'too_many_pages');
  assert.equal((await parse('header-footer.pdf', { maxPages: 2, pages: '1,3' })).document.pages.length, 2);
  await rejectsWith(parse('header-footer.pdf', { pages: '3-1' }), 'invalid_page_range');
  await rejectsWith(parse('header-footer.pdf', { pages: '9' }), 'invalid_page_range', /out of range/);
  await rejectsWith(parse('header-footer.pdf', { timeoutMs: 1 }), 'parse_timeout');
  const ac = new AbortController();
  ac.abort();
  await rejectsWith(parse('header-footer.pdf', { signal: ac.signal }), 'aborted');
});

test('the input bytes are not consumed: the same buffer parses twice', async () => {
  const bytes = fixture('two-column.pdf');
  const a = await parseDocument(bytes, {}, runtime);
  const b = await parseDocument(bytes, {}, runtime);
  assert.equal(bytes.byteLength > 0, true);
  assert.equal(a.markdown, b.markdown);
});

test('a Node Buffer and a Uint8Array view into a larger buffer parse like a plain Uint8Array', async () => {
  const file = new URL('../../fixtures/pdf/two-column.pdf', import.meta.url);
  const plain = await parseDocument(fixture('two-column.pdf'), {}, runtime);
  const buf = readFileSync(file);
  assert.ok(Buffer.isBuffer(buf));
  const fromBuffer = await parseDocument(buf, {}, runtime);
  assert.equal(fromBuffer.markdown, plain.markdown);
  // Buffers from a pool and sliced network reads are views with an offset into a bigger ArrayBuffer.
  const big = new Uint8Array(buf.byteLength + 300);
  big.set(buf, 100);
  const view = big.subarray(100, 100 + buf.byteLength);
  assert.equal((await parseDocument(view, {}, runtime)).markdown, plain.markdown);
  assert.equal((await parseDocument(Buffer.from(big.buffer, 100, buf.byteLength), {}, runtime)).markdown, plain.markdown);
  assert.equal(buf.byteLength > 0 && view[0], 0x25, 'the caller\'s bytes are left as they were');
});

after(async () => {
  await runtime.ocr?.close();
});
