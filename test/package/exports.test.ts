// The package as a Node user sees it: `import { parseDocument } from 'docinline'` resolves to the Node
// entry (runtime wired in), `docinline/core` to the runtime-agnostic core. Runs against dist/, which the
// test command builds first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test("import 'docinline' parses a PDF without passing a runtime", async () => {
  const { parseDocument } = await import('docinline');
  const bytes = new Uint8Array(readFileSync(new URL('../../fixtures/pdf/cjk.pdf', import.meta.url)));
  const r = await parseDocument(bytes);
  assert.match(r.markdown, /中文测试文本/);
  assert.equal(r.stats.pages, 1);
});

test("'docinline/core' exposes the runtime-agnostic engine", async () => {
  const core = await import('docinline/core');
  assert.equal(typeof core.parseDocument, 'function');
  // the core needs a runtime: calling it without one must fail with a typed error, not a TypeError deep inside
  await assert.rejects(() => (core.parseDocument as any)(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]), {}), (e: any) => typeof e.code === 'string');
});
