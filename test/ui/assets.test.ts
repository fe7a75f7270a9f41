// The pages as served: the embedded copies are current with the source files, the HTML carries a
// Content-Security-Policy that allows nothing from elsewhere, caching works, pdf.js is served from the
// installation and nothing outside its browser files can be read through that route.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startGateway({ DOCINLINE_UPSTREAM_URL: 'http://127.0.0.1:9/v1' });
});
after(async () => {
  await gw?.close();
});

describe('playground assets', () => {
  test('src/ui/assets.ts is generated from the current page sources', () => {
    const r = spawnSync(process.execPath, ['src/ui/generate.mjs', '--check'], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('pages come with a strict CSP and validators; scripts and styles are the source files', async () => {
    const res = await fetch(`${gw.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.equal(html, readFileSync(new URL('../../src/ui/playground.html', import.meta.url), 'utf8'));
    assert.ok(!/https?:\/\/(?!example\.org)/.test(html), 'no absolute URL to load anything from');
    const etag = res.headers.get('etag')!;
    assert.ok(etag);
    assert.equal((await fetch(`${gw.url}/`, { headers: { 'if-none-match': etag } })).status, 304);

    for (const name of ['playground.js', 'playground.css', 'docs.js', 'docs.css']) {
      const r = await fetch(`${gw.url}/ui/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(await r.text(), readFileSync(new URL(`../../src/ui/${name}`, import.meta.url), 'utf8'));
    }
    assert.equal((await fetch(`${gw.url}/ui/nope.js`)).status, 404);
    assert.equal((await fetch(`${gw.url}/ui/playground.html`)).status, 404, 'pages only at their own paths (with their CSP)');
  });

  test("pdf.js' browser build is served from the installed package, and only its browser files", async () => {
    const pkg = new URL('../../node_modules/pdfjs-dist/', import.meta.url);
    const r = await fetch(`${gw.url}/ui/pdfjs/build/pdf.min.mjs`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(Buffer.from(await r.arrayBuffer()).compare(readFileSync(new URL('build/pdf.min.mjs', pkg))), 0);
    const wasm = await fetch(`${gw.url}/ui/pdfjs/wasm/openjpeg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    await wasm.arrayBuffer();
    for (const bad of ['package.json', 'build/pdf.mjs', 'legacy/build/pdf.mjs', '..%2Fpackage.json', 'cmaps/..%2F..%2Fpackage.json', '.%2E/.%2E/package.json', 'build/%2e%2e/package.json']) {
      const res = await fetch(`${gw.url}/ui/pdfjs/${bad}`);
      assert.equal(res.status, 404, bad);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
    }
    const cfg = (await (await fetch(`${gw.url}/ui/config.json`)).json()) as { auth: boolean; pageImages: boolean; maxFileBytes: number };
    assert.deepEqual(cfg, { auth: false, pageImages: true, maxFileBytes: gw.config.limits.maxFileBytes });
  });

  test('DOCINLINE_UI=false serves neither the playground nor the docs page', async () => {
    const off = await startGateway({ DOCINLINE_UPSTREAM_URL: 'http://127.0.0.1:9/v1', DOCINLINE_UI: 'false' });
    try {
      assert.equal((await fetch(`${off.url}/`)).status, 404);
      assert.equal((await fetch(`${off.url}/docs`)).status, 404);
      assert.equal((await fetch(`${off.url}/ui/playground.js`)).status, 404);
      assert.equal((await fetch(`${off.url}/openapi.json`)).status, 200, 'the API description stays');
    } finally {
      await off.close();
    }
  });
});
