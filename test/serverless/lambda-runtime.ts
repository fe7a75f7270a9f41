/**
 * The two calls of AWS Lambda's Node runtime that response streaming uses, as its runtime interface
 * client implements them (`awslambda.streamifyResponse` marks the handler; `HttpResponseStream.from`
 * sets the integration content type and writes the JSON prelude and an 8-byte NUL delimiter before the
 * first body byte), and the function URL front end's side: splitting prelude from body again. This is
 * the platform, not docinline: outside Lambda nothing else provides it.
 */
import { Writable } from 'node:stream';
import type { AwsLambdaStreaming } from '../../adapters/lambda/handler.js';
import type { HttpStreamPrelude } from '../../adapters/lambda/events.js';

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LEN = 8;

/** The runtime's response stream: a Writable that records what was written and when. */
export class ResponseStream extends Writable {
  contentType: string | null = null;
  readonly writes: { at: number; bytes: Buffer }[] = [];
  _onBeforeFirstWrite: ((write: (b: string | Uint8Array) => void) => void) | null = null;
  private started = false;

  setContentType(ct: string): void {
    this.contentType = ct;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (!this.started) {
      this.started = true;
      this._onBeforeFirstWrite?.((b) => this.writes.push({ at: Date.now(), bytes: Buffer.from(b) }));
    }
    this.writes.push({ at: Date.now(), bytes: Buffer.from(chunk) });
    cb();
  }

  /** What the function URL front end makes of the stream: the prelude, and the body chunks after it. */
  parse(): { prelude: HttpStreamPrelude; body: Buffer; chunks: { at: number; bytes: Buffer }[] } {
    if (this.contentType !== PRELUDE_CONTENT_TYPE) throw new Error(`stream content type ${this.contentType}: no HTTP prelude`);
    const all = Buffer.concat(this.writes.map((w) => w.bytes));
    const end = all.indexOf(Buffer.alloc(DELIMITER_LEN));
    if (end < 0) throw new Error('no prelude delimiter');
    const prelude = JSON.parse(all.subarray(0, end).toString('utf8')) as HttpStreamPrelude;
    // The first two writes are the prelude and the delimiter.
    const chunks = this.writes.slice(2).filter((w) => w.bytes.length);
    return { prelude, body: all.subarray(end + DELIMITER_LEN), chunks };
  }
}

export const awslambda: AwsLambdaStreaming = {
  streamifyResponse(handler) {
    (handler as unknown as Record<symbol, string>)[HANDLER_STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: {
    from(stream, prelude) {
      const s = stream as ResponseStream;
      s.setContentType(PRELUDE_CONTENT_TYPE);
      const metadata = JSON.stringify(prelude);
      s._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(new Uint8Array(DELIMITER_LEN));
      };
      return s;
    },
  },
};

export function isStreamingHandler(h: unknown): boolean {
  return (h as Record<symbol, unknown>)?.[HANDLER_STREAMING] === 'response';
}
