// Runs the CLI as a user would: `node bin/docinline.mjs parse ...` (bin runs the compiled dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, buildCliIfStale, root } from '../helpers/built-cli.js';

const fixtures = join(root, 'fixtures/pdf');
let tmp: string;

before(() => {
  const cli = buildCliIfStale();
  assert.ok(existsSync(cli), 'the build produced dist/adapters/node/cli.js');
  tmp = mkdtempSync(join(tmpdir(), 'docinline-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }
function run(args: string[], input?: Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}
const noStack = (s: string) => assert.doesNotMatch(s, /^\s+at .+\(.*:\d+:\d+\)$/m, 'no stack trace');

test('parse FILE prints Markdown with page markers to stdout', async () => {
  const r = await run(['parse', join(fixtures, 'two-column.pdf')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^<!-- page 1 -->$/m);
  assert.match(r.stdout, /^## A Study of Two Columns$/m);
  assert.ok(r.stdout.indexOf('Alpha two') < r.stdout.indexOf('Beta one'));
});

test('--format json -o FILE writes the JSON model; --format text gives plain text', async () => {
  const out = join(tmp, 'hf.json');
  const r = await run(['parse', join(fixtures, 'header-footer.pdf'), '--format', 'json', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const j = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(j.pages.length, 3);
  assert.ok(j.pages[0].blocks.some((b: { furniture?: boolean; type: string }) => b.furniture && b.type === 'page-header'));
  const t = await run(['parse', join(fixtures, 'header-footer.pdf'), '--format', 'text', '--no-page-markers', '--pages', '2-3']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout.trim().split('\n')[0], 'Section 2');
});

test('--keep-furniture and --no-page-markers change the Markdown', async () => {
  const r = await run(['parse', join(fixtures, 'header-footer.pdf'), '--keep-furniture', '--no-page-markers']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/ACME Corporation Quarterly Report/g)?.length, 3);
  assert.doesNotMatch(r.stdout, /<!-- page/);
});

test('INPUT "-" reads stdin', async () => {
  const r = await run(['parse', '-', '--no-page-markers'], readFileSync(join(fixtures, 'hyphenated.pdf')));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /a long example word/);
});

test('an http URL is fetched and parsed; a 404 is a clear error', async () => {
  const server: Server = createServer((req, res) => {
    if (req.url === '/doc.pdf') { res.writeHead(200, { 'content-type': 'application/pdf' }); res.end(readFileSync(join(fixtures, 'cjk.pdf'))); }
    else { res.writeHead(404); res.end('nope'); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const ok = await run(['parse', `http://127.0.0.1:${port}/doc.pdf`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /中文测试文本/);
    const bad = await run(['parse', `http://127.0.0.1:${port}/missing.pdf`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /HTTP 404/);
    noStack(bad.stderr);
  } finally {
    server.close();
  }
});

test('errors are one clear line each, without stack traces, and exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [['parse', join(tmp, 'missing.pdf')], /no such file/],
    [['parse', join(fixtures, 'encrypted.pdf')], /password.*\(password_required\)/],
    [['parse', join(fixtures, 'encrypted.pdf'), '--password', 'nope'], /\(incorrect_password\)/],
    [['parse', join(fixtures, 'truncated.pdf')], /truncated.*\(truncated_document\)/],
    [['parse', join(fixtures, 'not-a-pdf.pdf')], /\(unsupported_file_type\)/],
    [['parse', join(fixtures, 'two-column.pdf'), '--pages', '5'], /out of range.*\(invalid_page_range\)/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    noStack(r.stderr);
  }
  const ok = await run(['parse', join(fixtures, 'encrypted.pdf'), '--password', 'secret', '--no-page-markers']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Section 1/);
});

test('bad usage exits 2 with the usage text', async () => {
  for (const args of [['parse'], ['parse', 'x.pdf', '--format', 'xml'], ['parse', 'x.pdf', '--ocr', 'sometimes'], ['parse', 'x.pdf', '--pages', '3-1'], ['parse', 'x.pdf', '--bogus']]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /Usage:/);
  }
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.match(unknown.stderr, /^\s+parse\s/m);
  const help = await run(['parse', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--concurrency/);
});

test('many inputs with --out: one file per document, failures reported, the rest converted, exit 1', async () => {
  const inDir = join(tmp, 'in');
  mkdirSync(join(inDir, 'sub'), { recursive: true });
  for (const f of ['two-column.pdf', 'header-footer.pdf', 'not-a-pdf.pdf']) copyFileSync(join(fixtures, f), join(inDir, f));
  copyFileSync(join(fixtures, 'cjk.pdf'), join(inDir, 'sub', 'cjk.pdf'));
  copyFileSync(join(fixtures, 'truncated.pdf'), join(inDir, 'sub', 'truncated.pdf'));
  const out = join(tmp, 'out');
  const r = await run(['parse', inDir, join(fixtures, 'hyphenated.pdf'), '--out', out, '--concurrency', '2']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['cjk.md', 'header-footer.md', 'hyphenated.md', 'two-column.md']);
  assert.match(readFileSync(join(out, 'cjk.md'), 'utf8'), /中文测试文本/);
  assert.match(r.stderr, /not-a-pdf\.pdf: .*unsupported_file_type/);
  assert.match(r.stderr, /truncated\.pdf: .*truncated_document/);
  assert.match(r.stderr, /^6 files, 6 pages, 2 failed in [\d.]+ s \([\d.]+ pages\/s\)/m);
  noStack(r.stderr);
  // All good: exit 0, and --format json writes .json files.
  const ok = await run(['parse', join(fixtures, 'two-column.pdf'), join(fixtures, 'rotated.pdf'), '--out', join(tmp, 'out2'), '--format', 'json', '-j', '1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(readdirSync(join(tmp, 'out2')).sort(), ['rotated.json', 'two-column.json']);
  assert.doesNotMatch(ok.stderr, /\r|\x1b\[/, 'no progress bar when stderr is not a terminal');
});
