/**
 * Lambda HTTP events to Web Requests and Web Responses back, for the payload format 2.0 that both API
 * Gateway HTTP APIs and Lambda function URLs send. Only the fields docinline reads are typed.
 */

export interface HttpEventV2 {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[];
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: {
    domainName?: string;
    http: { method: string; sourceIp?: string; path?: string };
    requestId?: string;
  };
}

export interface HttpResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** What a streaming response starts with (awslambda.HttpResponseStream.from's prelude). */
export interface HttpStreamPrelude {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
}

/** A buffered Lambda response may carry at most 6 MB (the invocation payload limit), base64 included. */
export const MAX_BUFFERED_RESPONSE_BYTES = 6 * 1024 * 1024 - 4096;

export function isHttpEventV2(e: unknown): e is HttpEventV2 {
  const ev = e as HttpEventV2;
  return !!ev && typeof ev.rawPath === 'string' && typeof ev.requestContext?.http?.method === 'string';
}

export function toRequest(event: HttpEventV2, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const host = event.requestContext.domainName ?? headers.get('host') ?? 'lambda.invalid';
  const qs = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const method = event.requestContext.http.method.toUpperCase();
  const init: RequestInit = { method, headers };
  if (signal) init.signal = signal;
  if (event.body !== undefined && event.body !== null && method !== 'GET' && method !== 'HEAD') {
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    init.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    headers.set('content-length', String(bytes.byteLength));
  }
  return new Request(`https://${host}${event.rawPath}${qs}`, init);
}

/** Text that survives the JSON envelope as it is; anything else goes base64. */
export function isTextual(contentType: string | null): boolean {
  if (!contentType) return true;
  const ct = contentType.toLowerCase();
  return ct.startsWith('text/') || /json|xml|javascript|x-www-form-urlencoded|event-stream|yaml/.test(ct);
}

/** Headers of a Response as Lambda wants them: one string per name, cookies apart. */
export function splitHeaders(res: Response): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies = res.headers.getSetCookie();
  res.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return { headers, cookies };
}

export async function toResult(res: Response): Promise<HttpResultV2> {
  const { headers, cookies } = splitHeaders(res);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const textual = isTextual(res.headers.get('content-type')) && !res.headers.get('content-encoding');
  const body = textual ? Buffer.from(bytes).toString('utf8') : Buffer.from(bytes).toString('base64');
  const out: HttpResultV2 = { statusCode: res.status, headers, body, isBase64Encoded: !textual };
  if (cookies.length) out.cookies = cookies;
  return out;
}
