/**
 * The Lambda package as adapters/lambda/Dockerfile lays it out (/var/task: package.json, node_modules,
 * dist/ from tsc, the OCR thread script), assembled in a temp folder from this checkout's compiled
 * output and invoked in a separate Node process the way the runtime loads a handler: compiled JS only,
 * no tsx, no source tree beside it. What runs there: a PDF parse and an image OCR'd by the Node OCR pool.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
let task: string;

before(() => {
  // `npm test` compiles to dist/ before running the suites; when run alone, compile first.
  if (!existsSync(join(root, 'dist/adapters/lambda/handler.js'))) {
    throw new Error('dist/adapters/lambda/handler.js is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  }
  task = mkdtempSync(join(tmpdir(), 'docinline-lambda-task-'));
  cpSync(join(root, 'package.json'), join(task, 'package.json'));
  cpSync(join(root, 'dist'), join(task, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('.d.ts') && !src.includes('.tsbuildinfo') });
  symlinkSync(join(root, 'node_modules'), join(task, 'node_modules'), 'dir');
  mkdirSync(join(task, 'adapters/node'), { recursive: true });
  cpSync(join(root, 'adapters/node/tesseract-worker.mjs'), join(task, 'adapters/node/tesseract-worker.mjs'));
  // What the runtime does with the handler setting: import the module, call the export.
  writeFileSync(
    join(task, 'invoke.mjs'),
    `const m = await import('./dist/adapters/lambda/handler.js');
const r = await m.handler(JSON.parse(process.env.EVENT));
await (await m.getApp()).close();
process.stdout.write(JSON.stringify(r));
`,
  );
});

after(() => {
  if (task) rmSync(task, { recursive: true, force: true });
});

/** Loads the handler module from the package and answers one HTTP API v2 event, in its own process. */
function invoke(event: object): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(task, 'invoke.mjs')],
      {
        cwd: task,
        timeout: 120_000,
        maxBuffer: 32 << 20,
        env: { PATH: process.env.PATH, EVENT: JSON.stringify(event), DOCINLINE_UPSTREAM_URL: 'http://127.0.0.1:9/v1', DOCINLINE_LOG_LEVEL: 'silent', DOCINLINE_OCR_WORKERS: '1' },
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout));
      },
    );
  });
}

function parseEvent(file: string): object {
  const bytes = readFileSync(join(root, 'fixtures', file));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/v1/parse',
    rawQueryString: 'format=markdown',
    headers: { 'content-type': 'application/json', host: 'abc.lambda-url.eu-west-1.on.aws' },
    requestContext: { domainName: 'abc.lambda-url.eu-west-1.on.aws', http: { method: 'POST', path: '/v1/parse', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7' }, requestId: 'r1', stage: '$default' },
    body: JSON.stringify({ file_data: `data:application/octet-stream;base64,${bytes.toString('base64')}` }),
    isBase64Encoded: false,
  };
}

test('the packaged handler parses a PDF and OCRs an image from compiled code alone', { timeout: 240_000 }, async () => {
  const pdf = await invoke(parseEvent('gateway/memo.pdf'));
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.match(pdf.body, /## Internal Memo/);
  const png = await invoke(parseEvent('images/table.png'));
  assert.equal(png.statusCode, 200, png.body);
  assert.match(png.body, /Alice Moreau/);
  assert.match(png.body, /<!-- page 1 \(ocr\) -->/);
});
