// Structured logs, read from the real stdout of `docinline serve`: one JSON line per request carrying the
// id that is returned as X-Request-Id and sent to the backend, and never any document text, prompt or key,
// even when requests fail.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { spawnServe, type ServeProcess } from './harness.js';

const CLIENT_KEY = 'sk-client-canary-4411';
const UPSTREAM_KEY = 'sk-upstream-canary-9922';
const WRONG_KEY = 'sk-wrong-canary-7777';
const QUESTION = 'What does CANARY-QUESTION-5150 say?';
// Sentences of fixtures/pdf/header-footer.pdf.
const DOCUMENT_TEXT = ['introduces the report', 'ACME Corporation', 'continues with the results'];

const pdf = readFileSync(new URL('../../fixtures/pdf/header-footer.pdf', import.meta.url));
const pdfUrl = `data:application/pdf;base64,${pdf.toString('base64')}`;

let up: FakeUpstream;
let srv: ServeProcess;
let output = '';
/** x-request-id of every /v1 response, in order. */
const responses: Array<{ id: string | null; status: number; path: string }> = [];

async function call(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  const key = init.key === undefined ? CLIENT_KEY : init.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(srv.url + path, { ...init, headers });
  await res.clone().text();
  responses.push({ id: res.headers.get('x-request-id'), status: res.status, path });
  return res;
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

before(async () => {
  up = await startFakeUpstream();
  srv = await spawnServe({
    DOCINLINE_UPSTREAM_URL: up.url,
    DOCINLINE_UPSTREAM_API_KEY: UPSTREAM_KEY,
    DOCINLINE_API_KEYS: `${CLIENT_KEY},sk-other`,
    // The most talkative level: nothing may leak even there.
    DOCINLINE_LOG_LEVEL: 'debug',
  });

  assert.equal((await call('/v1/parse', json({ file_data: pdfUrl }))).status, 200);
  const chat = await call(
    '/v1/chat/completions',
    json({ model: 'm', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }, { type: 'file', file: { file_data: pdfUrl, filename: 'report.pdf' } }] }] }),
  );
  assert.equal(chat.status, 200);
  // A backend that echoes the prompt in its errors.
  up.enqueue({ status: 400, errorBody: { error: { message: `bad prompt: ${QUESTION}`, type: 'invalid_request_error', param: null, code: null } } });
  assert.equal((await call('/v1/chat/completions', json({ model: 'm', messages: [{ role: 'user', content: QUESTION }] }))).status, 400);
  up.enqueue({ status: 500, errorBody: `internal: ${QUESTION}` });
  assert.equal((await call('/v1/chat/completions', json({ model: 'm', messages: [{ role: 'user', content: QUESTION }] }))).status, 502);
  assert.equal((await call('/v1/parse', { ...json({ file_data: 'data:application/pdf;base64,JVBERi0xLjQKYnJva2Vu' }) })).status, 400);
  assert.equal((await call('/v1/models', { key: WRONG_KEY })).status, 401);
  assert.equal((await call('/v1/models', { headers: { 'x-request-id': 'client-trace-123' } })).status, 200);

  const code = await srv.stop();
  assert.equal(code, 0, srv.stderr());
  output = srv.stdout() + srv.stderr();
});
after(async () => {
  await srv?.stop();
  await up?.close();
});

describe('request logs', () => {
  test('one JSON line per /v1 request, with the id the client got back', () => {
    const lines = srv
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string; time: string; requestId?: string; status?: number; path?: string; ms?: number });
    assert.ok(lines.length > 0);
    for (const l of lines) {
      assert.ok(l.time && l.level && l.msg, 'every line has time, level and msg');
    }
    const requests = lines.filter((l) => l.msg === 'request');
    assert.equal(requests.length, responses.length, 'exactly one line per request');
    for (const r of responses) {
      assert.match(r.id ?? '', /^[A-Za-z0-9._:-]+$/, `${r.path} returned an X-Request-Id`);
      const line = requests.find((l) => l.requestId === r.id);
      assert.ok(line, `a log line for ${r.id}`);
      assert.equal(line.status, r.status);
      assert.equal(line.path, r.path);
      assert.equal(typeof line.ms, 'number');
    }
    assert.equal(new Set(responses.map((r) => r.id)).size, responses.length, 'ids are unique');
    assert.ok(responses.some((r) => r.id === 'client-trace-123'), "a client's own X-Request-Id is kept");
  });

  test('the request id is forwarded to the backend', () => {
    const chatIds = responses.filter((r) => r.path === '/v1/chat/completions').map((r) => r.id);
    const upstreamIds = up.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.headers['x-request-id']);
    assert.deepEqual(upstreamIds, chatIds);
    const models = up.requests.filter((q) => q.path === '/v1/models' && q.headers['x-request-id'] !== 'readyz');
    assert.ok(models.some((q) => q.headers['x-request-id'] === 'client-trace-123'));
  });

  test('no document text, prompt, answer, file name or key appears in the output', () => {
    // The backend did receive the document and the question, so they were there to leak.
    const sent = up.requests.find((q) => q.body?.stream === true)!;
    assert.match(JSON.stringify(sent.body), /introduces the report/);
    assert.equal(sent.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    // …and neither does the answer, nor the uploaded file's name.
    for (const secret of [...DOCUMENT_TEXT, 'CANARY-QUESTION-5150', CLIENT_KEY, UPSTREAM_KEY, WRONG_KEY, 'JVBERi0', 'from the fake backend', 'report.pdf']) {
      assert.ok(!output.includes(secret), `the logs contain "${secret}"`);
    }
  });
});
