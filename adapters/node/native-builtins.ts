/**
 * pdf.js' legacy build bundles core-js, which on Node 20 replaces the native Array.prototype.push with a
 * JavaScript version (over an edge case of array lengths above 2^32) that is ~10x slower, for every push
 * in the process: pdf.js' own and the layout stages'. This module is imported before pdf.js so it sees
 * the native function, and puts it back once pdf.js (and its worker half) have loaded. Our arrays never
 * approach 2^32 elements, so the native behaviour is the right one.
 */
const SHARED = '__core-js_shared__';
const pristine = !(SHARED in globalThis);
const nativePush = Array.prototype.push;

export function restoreNativeBuiltins(): void {
  if (pristine && Array.prototype.push !== nativePush) {
    Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, configurable: true, enumerable: false });
  }
}
