#!/usr/bin/env node
// Writes adapters/cloudflare/cmaps.ts: one Data-module import per pdf.js CMap (see that file).
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dir = join(dirname(require.resolve('pdfjs-dist/package.json')), 'cmaps');
const names = readdirSync(dir).filter((n) => n.endsWith('.bcmap')).sort();
const lines = [
  '/**',
  " * pdf.js' predefined CMaps (packed .bcmap), bundled as Data modules: a Worker has no files to read",
  ' * and must not fetch them, and without them CJK text that uses a predefined CMap is silently lost.',
  ' * Generated from pdfjs-dist/cmaps (the pdf.js version unpdf builds); regenerate when that changes:',
  ' *   node adapters/cloudflare/scripts/gen-cmaps.mjs',
  ' */',
  ...names.map((n, i) => `import c${i} from 'pdfjs-dist/cmaps/${n}';`),
  '',
  'export const CMAPS: Record<string, ArrayBuffer> = {',
  ...names.map((n, i) => `  ${JSON.stringify(n.replace(/\.bcmap$/, ''))}: c${i},`),
  '};',
  '',
];
writeFileSync(fileURLToPath(new URL('../cmaps.ts', import.meta.url)), lines.join('\n'));
console.log(`${names.length} CMaps`);
