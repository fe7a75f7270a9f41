/**
 * What `npx wrangler deploy` would upload: its compressed size against Cloudflare's limit, and the
 * Worker's sources type-checked against the Workers types (the root tsconfig leaves adapters/cloudflare
 * out because those types would change the core's).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleWorker, root } from './worker-harness.js';

/**
 * Workers Paid: 10 MB after compression (Free: 3 MB), per Cloudflare's limits page. Taken as 10^7 bytes,
 * the stricter reading of "MB".
 */
const PAID_PLAN_COMPRESSED_LIMIT = 10_000_000;

test('the Worker upload stays under the paid plan’s compressed size limit', { timeout: 300_000 }, async (t) => {
  const b = await bundleWorker();
  const mb = (n: number) => (n / 1e6).toFixed(2) + ' MB';
  t.diagnostic(`worker upload: ${b.files.length} modules, ${mb(b.rawBytes)} raw, ${mb(b.gzipBytes)} gzipped (${((100 * b.gzipBytes) / PAID_PLAN_COMPRESSED_LIMIT).toFixed(0)}% of 10 MB); wrangler: ${b.report}`);
  assert.ok(b.files.includes('index.js'), 'the script itself');
  assert.ok(b.files.some((f) => f.endsWith('.wasm')), 'tesseract’s wasm is a module of its own');
  assert.ok(b.files.some((f) => f.endsWith('eng.traineddata.gz')), 'the English model is bundled');
  assert.ok(b.files.filter((f) => f.endsWith('.bcmap')).length >= 160, 'pdf.js CMaps are bundled');
  assert.ok(b.gzipBytes < PAID_PLAN_COMPRESSED_LIMIT, `${mb(b.gzipBytes)} gzipped is over the limit`);
  // wrangler's own figure (KiB) must agree.
  const m = /gzip:\s*([\d.]+)\s*KiB/.exec(b.report);
  assert.ok(m, `wrangler reported no size: ${b.report}`);
  assert.ok(Number(m[1]) * 1024 < PAID_PLAN_COMPRESSED_LIMIT);
});

test('the Worker’s sources type-check against the Workers runtime types', { timeout: 300_000 }, () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'adapters/cloudflare/tsconfig.json')], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc -p adapters/cloudflare: ${(e as { stdout?: string }).stdout ?? e}`);
  }
});
