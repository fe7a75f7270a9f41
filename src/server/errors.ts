import { DocinlineError, toDocinlineError } from '../errors.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** An OpenAI-shaped error response: `{"error":{"message","type","param","code"}}` with the error's status. */
export function errorResponse(e: unknown, extraHeaders: Record<string, string> = {}): Response {
  const err = toDocinlineError(e);
  return new Response(JSON.stringify(err.toJSON()), {
    status: err.status,
    headers: { ...JSON_HEADERS, ...err.headers, ...extraHeaders },
  });
}

export function invalidRequest(message: string, param: string | null = null): DocinlineError {
  return new DocinlineError('invalid_request', message, { param });
}
