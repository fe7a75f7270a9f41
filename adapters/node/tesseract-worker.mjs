// The worker-thread script of the tesseract.js pool (adapters/node/ocr-tesseract.ts), used instead of
// tesseract.js' own. Plain JavaScript on purpose: worker threads do not get the TypeScript loader, and
// the same file serves the source tree and the built package.
//
// It is the stock worker with a different I/O adapter:
// - no network: tesseract.js falls back to a CDN when a language path is missing and, offline, that
//   failure takes the process down. Here `fetch` always rejects, so a missing language is a failed job.
// - languages from several folders: each `@tesseract.js-data/<lang>` package has its own folder but a
//   worker gets one `langPath`. The pool passes `docinline-tessdata:<base64url JSON {lang: file}>` and
//   this adapter maps `<that>/<lang>.traineddata.gz` onto the package file.
// - no cache writes (the stock adapter writes `<lang>.traineddata` into the working directory).
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';

const require = createRequire(import.meta.url);

function languageFile(path) {
  const m = /^docinline-tessdata:([A-Za-z0-9_-]*)\/([A-Za-z0-9_]+)\.traineddata(?:\.gz)?$/.exec(path);
  if (!m) throw new Error(`docinline: unexpected language data path ${JSON.stringify(String(path).slice(0, 80))}`);
  const files = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  const file = Object.prototype.hasOwnProperty.call(files, m[2]) ? files[m[2]] : undefined;
  if (!file) throw new Error(`docinline: OCR language "${m[2]}" is not installed`);
  return file;
}

let dispatch;
try {
  const worker = require('tesseract.js/src/worker-script/index.js');
  worker.setAdapter({
    getCore: require('tesseract.js/src/worker-script/node/getCore.js'),
    gunzip: require('tesseract.js/src/worker-script/node/gunzip.js'),
    fetch: async (url) => {
      throw new Error(`docinline: OCR never downloads (${String(url).slice(0, 100)})`);
    },
    readCache: async (path) => readFile(languageFile(path)),
    writeCache: async () => undefined,
    deleteCache: async () => undefined,
    checkCache: async () => false,
  });
  dispatch = (packet) => worker.dispatchHandlers(packet, (o) => parentPort.postMessage(o));
} catch (err) {
  // Answer every job with the load error instead of dying with an unhandled 'error' event.
  const message = `docinline: tesseract.js worker failed to load: ${err && err.message ? err.message : err}`;
  dispatch = (packet) => parentPort.postMessage({ jobId: packet.jobId, workerId: packet.workerId, action: packet.action, status: 'reject', data: message });
}

parentPort.on('message', (packet) => dispatch(packet));
