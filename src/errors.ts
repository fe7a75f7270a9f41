/**
 * Typed errors. Every failure the engine or gateway can report carries a stable `code`, the HTTP status
 * it maps to and an OpenAI error `type`, so the server turns any of them into
 * `{"error":{"message","type","param","code"}}` without guessing.
 */

export type ErrorCode =
  | 'unsupported_file_type'
  | 'invalid_document'
  | 'truncated_document'
  | 'empty_document'
  | 'password_required'
  | 'incorrect_password'
  | 'file_too_large'
  | 'request_too_large'
  | 'too_many_pages'
  | 'too_many_pixels'
  | 'invalid_page_range'
  | 'parse_timeout'
  | 'ocr_unavailable'
  | 'ocr_failed'
  | 'invalid_request'
  | 'invalid_api_key'
  | 'not_found'
  | 'fetch_failed'
  | 'fetch_blocked'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'rate_limited'
  | 'storage_unavailable'
  | 'server_overloaded'
  | 'shutting_down'
  | 'aborted'
  | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  unsupported_file_type: 400,
  invalid_document: 400,
  truncated_document: 400,
  empty_document: 400,
  password_required: 422,
  incorrect_password: 422,
  file_too_large: 413,
  request_too_large: 413,
  too_many_pages: 413,
  too_many_pixels: 413,
  invalid_page_range: 400,
  parse_timeout: 422,
  ocr_unavailable: 422,
  ocr_failed: 422,
  invalid_request: 400,
  invalid_api_key: 401,
  not_found: 404,
  fetch_failed: 400,
  fetch_blocked: 400,
  upstream_error: 502,
  upstream_timeout: 504,
  rate_limited: 429,
  storage_unavailable: 503,
  server_overloaded: 503,
  shutting_down: 503,
  aborted: 499,
  internal_error: 500,
};

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error';

function typeFor(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return status === 500 ? 'server_error' : 'api_error';
  return 'invalid_request_error';
}

export class DocinlineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;
  /** Which request field the error is about, e.g. "messages[1].content[2]". */
  param: string | null;
  /** Extra response headers (retry-after for 429s). */
  headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { param?: string | null; status?: number; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'DocinlineError';
    this.code = code;
    this.status = opts.status ?? STATUS[code];
    this.type = typeFor(this.status);
    this.param = opts.param ?? null;
    this.headers = opts.headers;
  }

  /** The same error, attributed to a request field. */
  at(param: string): this {
    this.param = param;
    return this;
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function isDocinlineError(e: unknown): e is DocinlineError {
  return e instanceof DocinlineError;
}

/** Wraps anything thrown into a DocinlineError without leaking internals in the message. */
export function toDocinlineError(e: unknown): DocinlineError {
  if (e instanceof DocinlineError) return e;
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new DocinlineError(e.name === 'TimeoutError' ? 'parse_timeout' : 'aborted', e.message || 'The operation was aborted', { cause: e });
  }
  return new DocinlineError('internal_error', 'Internal error', { cause: e });
}
