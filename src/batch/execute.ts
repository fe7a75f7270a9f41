/**
 * Running one batch line: through the gateway's own inline-and-forward path (chat, Responses) or its
 * /v1/parse path, exactly as if the line had come in as a live request from the batch's owner, with
 * retries on 429/5xx/timeouts. The result is the line of the output (or error) file, in OpenAI's format.
 */
import { DocinlineError, toDocinlineError } from '../errors.js';
import type { Gateway } from '../server/gateway.js';
import { inlineAndForward } from '../server/routes/completions.js';
import { parseJson } from '../server/routes/parse.js';
import { newId } from '../storage/keys.js';
import type { BatchEndpoint } from './model.js';
import { isRetryableStatus, retryAfterMs, retryDelayMs, sleep, type RetryPolicy } from './retry.js';
import { wantsMarkdown, type BatchLine } from './validate.js';

export interface LineContext {
  owner: string | null;
  endpoint: BatchEndpoint;
  /** Aborts when this process starts shutting down: no further try, no more waiting for one. */
  shutdown: AbortSignal;
  /** Aborts the request in flight (shutdown took too long): the line is left without a result, for a later run. */
  abort: AbortSignal;
  /** Checked before each retry: a cancelled or expired batch starts nothing new. */
  stopped(): Promise<boolean>;
  /** Unix ms after which no retry is started (the batch's expiry). */
  deadlineMs: number;
  policy: RetryPolicy;
  random?: () => number;
  now?: () => number;
}

export interface LineResult {
  /** 2xx: the line goes to the output file; anything else to the error file. */
  ok: boolean;
  /** The output line (JSON, no line break). */
  line: string;
  status: number;
  attempts: number;
}

const encoder = new TextEncoder();
const BATCH_HEADERS = { 'user-agent': 'docinline-batch', accept: 'application/json' };

interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  body: unknown;
}

function bodyOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorAnswer(e: DocinlineError): Answer {
  const headers = new Headers(e.headers ?? {});
  return { status: e.status, headers, body: e.toJSON() };
}

async function attempt(gw: Gateway, req: BatchLine, ctx: LineContext, requestId: string, signal: AbortSignal): Promise<Answer> {
  let res: Response;
  if (ctx.endpoint === '/v1/parse') {
    res = await parseJson(gw, structuredClone(req.body), { owner: ctx.owner, signal, requestId, markdown: wantsMarkdown(req.url) });
  } else {
    res = await inlineAndForward(gw, ctx.endpoint === '/v1/chat/completions' ? 'chat' : 'responses', {
      raw: encoder.encode(JSON.stringify(req.body)),
      owner: ctx.owner,
      headers: new Headers(BATCH_HEADERS),
      signal,
      requestId,
    });
  }
  return { status: res.status, headers: res.headers, body: bodyOf(await res.text()) };
}

/**
 * Runs the line until it succeeds, fails for good, or runs out of tries; null when it was stopped
 * (shutdown, cancel, expiry) before it had a result worth keeping.
 */
export async function runLine(gw: Gateway, req: BatchLine, ctx: LineContext): Promise<LineResult | null> {
  const now = ctx.now ?? Date.now;
  const requestId = newId('batch_req_', now());
  const perTry = gw.config.upstream.timeoutMs + gw.config.limits.requestParseBudgetMs;
  let answer: Answer | null = null;
  let tries = 0;
  while (tries < ctx.policy.maxAttempts) {
    if (tries > 0 && (ctx.shutdown.aborted || (await ctx.stopped()))) return null;
    tries++;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DocinlineError('upstream_timeout', `The request did not finish within ${perTry} ms.`)),
      perTry,
    );
    const signal = AbortSignal.any([ctx.abort, timeout.signal]);
    try {
      answer = await attempt(gw, req, ctx, requestId, signal);
    } catch (e) {
      if (ctx.abort.aborted) return null;
      answer = errorAnswer(timeout.signal.aborted ? (timeout.signal.reason as DocinlineError) : toDocinlineError(e));
    } finally {
      clearTimeout(timer);
    }
    if (!isRetryableStatus(answer.status) || tries >= ctx.policy.maxAttempts) break;
    const wait = retryDelayMs(tries, retryAfterMs(answer.headers, now()), ctx.policy, ctx.random);
    // A retry that could only start after the batch expires is not started: the last answer stands.
    if (now() + wait >= ctx.deadlineMs) break;
    try {
      await sleep(wait, ctx.shutdown);
    } catch {
      return null;
    }
  }
  const a = answer!;
  const upstreamId = a.headers.get('x-upstream-request-id') ?? a.headers.get('x-request-id');
  const line = JSON.stringify({
    id: requestId,
    custom_id: req.custom_id,
    response: { status_code: a.status, request_id: upstreamId ?? requestId, body: a.body },
    error: null,
  });
  return { ok: a.status >= 200 && a.status < 300, line, status: a.status, attempts: tries };
}

/** The error-file line for a request the batch never ran (cancelled or expired first), as OpenAI writes it. */
export function unrunLine(customId: string, reason: 'cancelled' | 'expired', nowMs: number = Date.now()): string {
  const error =
    reason === 'expired'
      ? { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' }
      : { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' };
  return JSON.stringify({ id: newId('batch_req_', nowMs), custom_id: customId, response: null, error });
}
