/**
 * AWS Lambda entry points for the docinline app (payload format 2.0):
 *
 *   handler           API Gateway HTTP APIs and function URLs in BUFFERED mode: the whole response in
 *                     one result (a `stream: true` completion arrives as one SSE body).
 *   streamingHandler  function URLs with InvokeMode RESPONSE_STREAM: headers first, then the body as it
 *                     is produced, so `stream: true` answers arrive token by token.
 *
 * `handler` also takes EventBridge "Scheduled Event"s: an hourly schedule deletes expired files (the
 * Node server does that on a timer, which a frozen function cannot keep).
 *
 * `streamingHandler` is wrapped with the runtime's `awslambda.streamifyResponse`, which exists only
 * inside Lambda's Node runtime; elsewhere (tests, a custom runtime) `createStreamingHandler` takes an
 * implementation of the same two calls.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { DocinlineError } from '../../src/errors.js';
import { errorResponse } from '../../src/server/errors.js';
import { createLambdaApp, type LambdaApp } from './app.js';
import { isHttpEventV2, MAX_BUFFERED_RESPONSE_BYTES, splitHeaders, toRequest, toResult, type HttpEventV2, type HttpResultV2, type HttpStreamPrelude } from './events.js';

/** The part of the Lambda Node runtime's `awslambda` global used here. */
export interface AwsLambdaStreaming {
  streamifyResponse<H extends (event: any, responseStream: Writable, context: any) => Promise<void>>(handler: H): H;
  HttpResponseStream: { from(stream: Writable, prelude: HttpStreamPrelude): Writable };
}

let appPromise: Promise<LambdaApp> | null = null;

/** The app of this execution environment, built on the first invocation. */
export function getApp(): Promise<LambdaApp> {
  appPromise ??= createLambdaApp().catch((e) => {
    appPromise = null;
    throw e;
  });
  return appPromise;
}

/** For tests and embedding: use this app instead of one built from process.env. */
export function setApp(app: LambdaApp | null): void {
  appPromise = app ? Promise.resolve(app) : null;
}

function notHttp(): Response {
  return errorResponse(new DocinlineError('invalid_request', 'This function answers HTTP events (API Gateway HTTP API or a function URL, payload format 2.0).'));
}

function isScheduledEvent(e: unknown): boolean {
  const ev = e as { source?: string; 'detail-type'?: string };
  return !!ev && ev['detail-type'] === 'Scheduled Event' && (ev.source === 'aws.events' || ev.source === 'aws.scheduler');
}

export async function handler(event: unknown, _context?: unknown): Promise<HttpResultV2> {
  if (isScheduledEvent(event)) {
    const { files, logger } = await getApp();
    const expired = files ? await files.sweepExpired() : 0;
    if (expired) logger.info('files swept', { expired });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expired }), isBase64Encoded: false };
  }
  if (!isHttpEventV2(event)) return toResult(notHttp());
  const { app } = await getApp();
  const result = await toResult(await app.fetch(toRequest(event)));
  if (Buffer.byteLength(result.body) > MAX_BUFFERED_RESPONSE_BYTES) {
    return toResult(
      errorResponse(
        new DocinlineError('request_too_large', 'The response is larger than a buffered Lambda response may be (6 MB); use the streaming function URL, or ask for less (pages, format=markdown).', { status: 413 }),
      ),
    );
  }
  return result;
}

/** The streaming handler's body, given the runtime's HttpResponseStream. */
export function createStreamHandler(aws: Pick<AwsLambdaStreaming, 'HttpResponseStream'>) {
  return async (event: unknown, responseStream: Writable, _context?: unknown): Promise<void> => {
    // The client going away ends the stream: stop the work behind it (the backend request included).
    const ac = new AbortController();
    const onGone = () => {
      if (!responseStream.writableFinished) ac.abort(new DocinlineError('aborted', 'The client closed the connection.'));
    };
    responseStream.once('close', onGone);
    responseStream.once('error', onGone);
    let res: Response;
    try {
      res = isHttpEventV2(event) ? await (await getApp()).app.fetch(toRequest(event as HttpEventV2, ac.signal)) : notHttp();
    } catch (e) {
      res = errorResponse(e);
    }
    const { headers, cookies } = splitHeaders(res);
    const prelude: HttpStreamPrelude = { statusCode: res.status, headers };
    if (cookies.length) prelude.cookies = cookies;
    const out = aws.HttpResponseStream.from(responseStream, prelude);
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          if (ac.signal.aborted) break;
          if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
        }
      } else {
        // The prelude goes out with the first write.
        out.write(new Uint8Array(0));
      }
    } catch {
      // The body failed mid-stream (backend cut off): end what was sent; the client sees a short stream.
    } finally {
      responseStream.off('close', onGone);
      responseStream.off('error', onGone);
      if (!out.writableEnded) out.end();
    }
    if (!out.writableFinished && !out.destroyed) await once(out, 'finish').catch(() => {});
  };
}

/** `createStreamHandler` wrapped with streamifyResponse, as the runtime expects. */
export function createStreamingHandler(aws: AwsLambdaStreaming) {
  return aws.streamifyResponse(createStreamHandler(aws));
}

// The AWS SDK (its invoke store) creates an empty `awslambda` object wherever it runs, so look for the call.
const runtimeStreaming = (globalThis as { awslambda?: Partial<AwsLambdaStreaming> }).awslambda;

/** Present only inside Lambda's Node runtime (which defines `awslambda`). */
export const streamingHandler =
  typeof runtimeStreaming?.streamifyResponse === 'function' && runtimeStreaming.HttpResponseStream ? createStreamingHandler(runtimeStreaming as AwsLambdaStreaming) : undefined;
