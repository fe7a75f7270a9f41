/**
 * pdf.js' browser build for the playground, read from the installed pdfjs-dist (the same version the
 * engine uses), limited to the files a browser needs.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StaticFiles } from '../../src/ports/assets.js';

const require = createRequire(import.meta.url);

/** What the browser loads: the two modules and the data folders pdf.js fetches from. */
const ALLOWED = /^(build\/pdf(\.worker)?\.min\.mjs|cmaps\/[A-Za-z0-9._-]+\.bcmap|standard_fonts\/[A-Za-z0-9._-]+|wasm\/[A-Za-z0-9._-]+\.(wasm|js)|iccs\/[A-Za-z0-9._-]+\.icc)$/;

export function pdfjsBrowserFiles(): StaticFiles | undefined {
  let root: string;
  try {
    root = dirname(require.resolve('pdfjs-dist/package.json'));
  } catch {
    return undefined;
  }
  return {
    async get(path) {
      if (!ALLOWED.test(path)) return null;
      try {
        const body = await readFile(join(root, path));
        return { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), size: body.byteLength };
      } catch {
        return null;
      }
    },
  };
}
