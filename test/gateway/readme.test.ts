// The README's Gateway configuration table must match ENV_SCHEMA (src/config.ts): every gateway variable
// listed, with its real default.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ENV_SCHEMA } from '../../src/config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Gateway'), readme.indexOf('\n## ', readme.indexOf('## Gateway') + 5));
// The variables the gateway reads; storage, files and batch ones are documented in their own sections.
const GATEWAY = /^(PORT|HOST|DOCINLINE_(UPSTREAM_|MODEL_ROUTES|TEXT_ONLY|API_KEYS|MAX_|PARSE_TIMEOUT|REQUEST_PARSE|FETCH_|CACHE_|OCR|LOG_LEVEL))/;

test('every gateway variable is in the table with its default', () => {
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `([A-Z_]+)` \| (`[^`]*`|\(empty\)) \|/gm)) rows.set(m[1]!, m[2] === '(empty)' ? '' : m[2]!.slice(1, -1));
  assert.ok(rows.size > 10, 'table found');
  for (const [name, spec] of Object.entries(ENV_SCHEMA)) {
    if (!GATEWAY.test(name)) continue;
    assert.ok(rows.has(name), `${name} is missing from the README Gateway table`);
    assert.equal(rows.get(name), spec.default, `${name} default`);
  }
  for (const [name, def] of rows) {
    assert.ok(name in ENV_SCHEMA, `${name} is in the table but not in ENV_SCHEMA`);
    assert.equal(def, ENV_SCHEMA[name as keyof typeof ENV_SCHEMA].default, `${name} default`);
  }
});
