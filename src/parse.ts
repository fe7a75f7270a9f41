import type { ParseOptions, ParseResult } from './model/options.js';
import type { ParseRuntime } from './ports/parsing.js';
import { DocinlineError } from './errors.js';

/**
 * The engine's one entry point: bytes of a PDF or image in, document model and Markdown out.
 * STUB: replaced by the parsing-engine work (issue 2).
 */
export async function parseDocument(bytes: Uint8Array, options: ParseOptions, runtime: ParseRuntime): Promise<ParseResult> {
  void bytes; void options; void runtime;
  throw new DocinlineError('internal_error', 'parseDocument is not implemented yet');
}
