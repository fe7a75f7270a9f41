/**
 * The package's Node entry: the engine with the Node runtime wired in.
 *   import { parseDocument } from 'docinline/node';
 *   const { markdown } = await parseDocument(await readFile('a.pdf'));
 */
// First: records the builtins pdf.js' polyfills replace, before any module loads pdf.js (see builtins.ts).
import './builtins.js';
import type { ParseOptions, ParseResult } from '../../src/model/options.js';
import type { ParseRuntime } from '../../src/ports/parsing.js';
import { parseDocument as parseWith } from '../../src/parse.js';
import { createNodeRuntime } from './runtime.js';

let defaultRuntime: ParseRuntime | undefined;

/** The runtime used when none is passed: created on first use and shared. */
export function getDefaultRuntime(): ParseRuntime {
  return (defaultRuntime ??= createNodeRuntime());
}

/** Parses a PDF or image. Node Buffers are accepted (they are Uint8Arrays). */
export function parseDocument(bytes: Uint8Array | ArrayBuffer, options: ParseOptions = {}, runtime?: ParseRuntime): Promise<ParseResult> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return parseWith(data, options, runtime ?? getDefaultRuntime());
}

export { createNodeRuntime, type NodeRuntimeOptions } from './runtime.js';
export { createNodePdfDriver } from './pdf.js';
export * from '../../src/index.js';
