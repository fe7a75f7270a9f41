import { DocinlineError } from '../errors.js';
import { readLimited } from '../fetch/fetcher.js';

function mib(n: number): string {
  return `${(n / 1048576).toFixed(n < 1048576 ? 2 : 1)} MiB`;
}

/** 413 for a body over DOCINLINE_MAX_BODY_BYTES. The rest is never read, so the connection must close. */
export function bodyTooLarge(maxBytes: number, declared?: number): DocinlineError {
  const what = declared !== undefined ? `is ${mib(declared)}` : 'is larger than the limit';
  return new DocinlineError('request_too_large', `The request body ${what}; the limit is ${mib(maxBytes)} (DOCINLINE_MAX_BODY_BYTES).`, {
    headers: { connection: 'close' },
  });
}

/**
 * Reads a request body, refusing with 413 as soon as it passes `maxBytes`: from Content-Length before
 * reading anything, or while streaming when the client sends it chunked.
 */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw bodyTooLarge(maxBytes, Number(declared));
  try {
    return await readLimited(req.body, maxBytes, 'The request body');
  } catch (e) {
    if (e instanceof DocinlineError && e.code === 'file_too_large') {
      throw bodyTooLarge(maxBytes);
    }
    if (e instanceof DocinlineError) throw e;
    throw new DocinlineError('aborted', 'The request body could not be read (the client went away?).', { cause: e });
  }
}

const decoder = new TextDecoder();

/** The body as JSON; 400 with a clear message when it is not a JSON object. */
export function parseJsonObject(bytes: Uint8Array | string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(typeof bytes === 'string' ? bytes : decoder.decode(bytes));
  } catch {
    throw new DocinlineError('invalid_request', 'The request body is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DocinlineError('invalid_request', 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}
