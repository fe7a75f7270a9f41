/**
 * pdfjs-dist's legacy build carries core-js polyfills that REPLACE a few builtins process-wide when it is
 * imported (main module and worker): JSON.stringify (for JSON.rawJSON; 30-100x slower, a 20 KB document
 * takes milliseconds), JSON.parse, Array.prototype.push and Function.prototype.toString. pdf.js does not
 * need the replacements. This module keeps the originals when it is evaluated, so it must be imported
 * before anything that loads pdf.js; `restoreBuiltins()` puts them back.
 */
const saved: Array<[object, PropertyKey, PropertyDescriptor]> = [];
for (const [owner, key] of [
  [JSON, 'stringify'],
  [JSON, 'parse'],
  [Array.prototype, 'push'],
  [Function.prototype, 'toString'],
] as const) {
  const d = Object.getOwnPropertyDescriptor(owner, key);
  if (d) saved.push([owner, key, d]);
}

/** Puts back every builtin that was replaced since this module loaded; returns how many. */
export function restoreBuiltins(): number {
  let n = 0;
  for (const [owner, key, d] of saved) {
    const now = Object.getOwnPropertyDescriptor(owner, key);
    if (now?.value !== d.value) {
      Object.defineProperty(owner, key, d);
      n++;
    }
  }
  return n;
}

/**
 * Loads pdf.js' worker module now (pdf.js then runs it in-process from `globalThis.pdfjsWorker` instead
 * of importing it at the first parse), so that its polyfills land before `restoreBuiltins()`.
 */
export async function preloadPdfWorker(): Promise<void> {
  await import('pdfjs-dist/legacy/build/pdf.worker.mjs' as string);
}
