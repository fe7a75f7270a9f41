/**
 * pdfjs-dist's legacy build carries core-js polyfills that REPLACE a few builtins process-wide when it is
 * imported (its main module and its worker half): JSON.stringify (for JSON.rawJSON; 20-100x slower, a
 * 20 KB document takes milliseconds), JSON.parse, Array.prototype.push (~10x slower, for every push in
 * the process: pdf.js' own and the layout stages') and Function.prototype.toString. pdf.js does not
 * need the replacements.
 *
 * This is the one module that deals with it, for every entry (CLI, library, server, Lambda): it keeps
 * the originals when it is evaluated, so it must be imported before anything that loads pdf.js, and
 * `restoreBuiltins()` puts them back. `adapters/node/pdf.ts` calls it after loading pdf.js and after
 * loading the worker half; entries that load pdf.js some other way call it themselves.
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
 * Loads pdf.js' worker half now (in its threads, or in this thread: see pdf.ts), so that the first
 * parse starts at once, and restores the builtins its polyfills replaced here.
 */
export async function preloadPdfWorker(): Promise<void> {
  // Imported here, not at the top: this module must be evaluated before pdf.js is.
  const { warmPdfWorker } = await import('./pdf.js');
  // The pdf.js threads are unref'd (idle threads must not keep a process alive), so while they load
  // nothing else may hold the event loop: a caller awaiting this at top level (startServer in a script)
  // would otherwise exit with "unfinished top-level await".
  const hold = setInterval(() => {}, 1 << 30);
  try {
    await warmPdfWorker();
  } finally {
    clearInterval(hold);
  }
  restoreBuiltins();
}
