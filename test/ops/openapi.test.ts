// GET /openapi.json: a valid OpenAPI 3.1 document that lists every route the running server registers
// (and nothing it does not serve), with request schemas that accept and refuse what the server does.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { 'x-undocumented'?: boolean; security?: unknown[]; requestBody?: unknown; parameters?: Array<{ name: string; in: string; schema: object }> }>>;
  components: { schemas: Record<string, object> };
};

let up: FakeUpstream;
let gw: TestGateway;
let doc: Doc;

before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_API_KEYS: 'sk-openapi-test' });
  const res = await fetch(`${gw.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  doc = (await res.json()) as Doc;
});
after(async () => {
  await gw?.close();
  await up?.close();
});

const auth = { authorization: 'Bearer sk-openapi-test' };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const honoToOpenApi = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');

describe('/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    // Throws with the list of problems when the document breaks the OpenAPI schema or its rules.
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  test('describes every route the server registers, each with its own entry', () => {
    const registered = gw.app.routes.filter((r) => r.method !== 'ALL');
    assert.ok(registered.length >= 20, 'the app registers its routes');
    const missing: string[] = [];
    for (const r of registered) {
      const op = doc.paths[honoToOpenApi(r.path)]?.[r.method.toLowerCase()];
      if (!op) missing.push(`${r.method} ${r.path}`);
      else assert.equal(op['x-undocumented'], undefined, `${r.method} ${r.path} has no documentation entry in src/server/openapi.ts`);
    }
    assert.deepEqual(missing, []);
    // Every {param} in a path is declared as a path parameter.
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const method of METHODS) {
        if (!item[method]) continue;
        const declared = (item[method]!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        assert.deepEqual(declared.sort(), names.sort(), `${method} ${path} declares its path parameters`);
      }
    }
    for (const must of ['/v1/chat/completions', '/v1/responses', '/v1/parse', '/v1/files', '/v1/files/{id}', '/v1/batches', '/healthz', '/readyz', '/metrics', '/openapi.json', '/', '/docs']) {
      assert.ok(doc.paths[must], `${must} is documented`);
    }
    // With DOCINLINE_API_KEYS set, the /v1 operations declare the bearer scheme and the probes do not.
    assert.deepEqual(doc.paths['/v1/parse']!.post!.security, [{ bearerAuth: [] }]);
    assert.equal(doc.paths['/readyz']!.get!.security, undefined);
  });

  test('every documented operation is served (none answers with the unknown-route error)', async () => {
    let count = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        count++;
        const url =
          gw.url +
          path
            .replace('{path}', 'build/pdf.min.mjs')
            .replace('{file}', 'playground.js')
            .replace(/\{[^}]+\}/g, 'does-not-exist');
        const init: RequestInit = { method: method.toUpperCase(), headers: { ...auth } };
        if (method === 'post') {
          init.body = '{}';
          (init.headers as Record<string, string>)['content-type'] = 'application/json';
        }
        const res = await fetch(url, init);
        const text = await res.text();
        assert.ok(!/Unknown route/.test(text), `${method.toUpperCase()} ${path} is not served: ${res.status} ${text.slice(0, 200)}`);
      }
    }
    assert.ok(count >= 20);
  });

  test('request schemas accept and refuse what the server accepts and refuses', async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'https://docinline.invalid/openapi.json', ...doc } as object);
    const schema = (name: string) => {
      const v = ajv.getSchema(`https://docinline.invalid/openapi.json#/components/schemas/${name}`);
      assert.ok(v, `${name} is a component`);
      return v;
    };
    const parseReq = schema('ParseRequest');
    const pdf = readFileSync(new URL('../../fixtures/pdf/header-footer.pdf', import.meta.url)).toString('base64');
    const cases: Array<[object, boolean]> = [
      [{ file_data: `data:application/pdf;base64,${pdf}`, layout: true, ocr: 'never', keep_furniture: true, pages: '1-2' }, true],
      [{ file_data: `data:application/pdf;base64,${pdf}`, ocr: 'sometimes' }, false],
      [{ file_data: `data:application/pdf;base64,${pdf}`, keep_furniture: 'yes' }, false],
      [{ file_data: `data:application/pdf;base64,${pdf}`, layout: 'true' }, false],
      [{ file_data: '' }, false],
    ];
    for (const [body, valid] of cases) {
      const res = await fetch(`${gw.url}/v1/parse`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      await res.text();
      assert.equal(res.status === 200, valid, `server on ${JSON.stringify(body).slice(0, 120)}: ${res.status}`);
      assert.equal(parseReq(body), valid, `schema on ${JSON.stringify(body).slice(0, 120)}: ${JSON.stringify(parseReq.errors)}`);
    }
    assert.ok((doc.components.schemas.ParseResponse as { properties: Record<string, unknown> }).properties.layout, 'the layout answer is described');

    // Batches: a well-formed body is refused only because the file does not exist (404), a malformed one with 400.
    const batchReq = schema('BatchCreateRequest');
    const good = { input_file_id: 'file-doesnotexist', endpoint: '/v1/parse', completion_window: '24h' };
    for (const [body, valid] of [
      [good, true],
      [{ ...good, metadata: { team: 'ops' }, output_expires_after: { anchor: 'created_at', seconds: 7200 } }, true],
      [{ ...good, endpoint: '/v1/embeddings' }, false],
      [{ ...good, completion_window: '1h' }, false],
      [{ ...good, metadata: { k: 5 } }, false],
      [{ ...good, output_expires_after: { anchor: 'created_at', seconds: 60 } }, false],
      [{ endpoint: '/v1/parse', completion_window: '24h' }, false],
    ] as Array<[object, boolean]>) {
      const res = await fetch(`${gw.url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      await res.text();
      assert.equal(res.status, valid ? 404 : 400, `server on ${JSON.stringify(body)}`);
      assert.equal(batchReq(body), valid, `schema on ${JSON.stringify(body)}: ${JSON.stringify(batchReq.errors)}`);
    }

    // Query parameters: the Files list.
    const params = doc.paths['/v1/files']!.get!.parameters!;
    const param = (name: string) => ajv.compile(params.find((p) => p.name === name)!.schema);
    const limit = param('limit');
    const order = param('order');
    for (const [q, ok] of [
      ['limit=1', true],
      ['limit=10000', true],
      ['limit=0', false],
      ['limit=10001', false],
      ['limit=abc', false],
      ['order=asc', true],
      ['order=sideways', false],
    ] as const) {
      const res = await fetch(`${gw.url}/v1/files?${q}`, { headers: auth });
      await res.text();
      assert.equal(res.status === 200, ok, `server on ${q}: ${res.status}`);
      const [k, v] = q.split('=');
      assert.equal((k === 'limit' ? limit : order)(v), ok, `schema on ${q}`);
    }
  });
});
