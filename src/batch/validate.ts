/**
 * Checking a batch input file, one line at a time, the way OpenAI's `validating` step does: every line
 * must be `{"custom_id","method":"POST","url":<the batch's endpoint>,"body":{…}}`, custom_ids unique.
 * Problems are reported with their 1-based line number; any problem fails the whole batch.
 */
import { ParseRequest, describeIssues } from '../api/schemas.js';
import type { JsonlLine } from './jsonl.js';
import type { BatchEndpoint, BatchErrorItem } from './model.js';

export interface BatchLine {
  custom_id: string;
  method: 'POST';
  url: string;
  body: Record<string, unknown>;
}

/** Errors kept on the batch object; the rest are counted in the last one's message. */
export const MAX_REPORTED_ERRORS = 100;
const MAX_CUSTOM_ID = 512;

type Result = { ok: true; line: BatchLine } | { ok: false; error: BatchErrorItem };

function fail(line: number, code: string, message: string, param: string | null = null): Result {
  return { ok: false, error: { code, message: `Line ${line}: ${message}`, param, line } };
}

/** The endpoint a line's `url` names: its path must be the batch's endpoint; /v1/parse may add ?format=markdown|json. */
function urlMatches(url: string, endpoint: BatchEndpoint): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path !== endpoint) return false;
  if (q < 0) return true;
  if (endpoint !== '/v1/parse') return false;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const [k, v] of params) if (k !== 'format' || (v !== 'markdown' && v !== 'json')) return false;
  return true;
}

/** Whether a /v1/parse line asked for Markdown alone (`/v1/parse?format=markdown`). */
export function wantsMarkdown(url: string): boolean {
  const q = url.indexOf('?');
  return q >= 0 && new URLSearchParams(url.slice(q + 1)).get('format') === 'markdown';
}

/** One line of the input file (blank lines are skipped by the caller). */
export function validateLine(l: JsonlLine, endpoint: BatchEndpoint, maxLineBytes: number): Result {
  const n = l.number;
  if (l.problem === 'too_long') return fail(n, 'line_too_large', `the line is ${l.bytes} bytes; the limit is ${maxLineBytes} (DOCINLINE_MAX_BODY_BYTES).`);
  if (l.problem === 'invalid_utf8' || l.text === null) return fail(n, 'invalid_json_line', 'the line is not valid UTF-8.');
  let v: unknown;
  try {
    v = JSON.parse(l.text);
  } catch {
    return fail(n, 'invalid_json_line', 'the line is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(n, 'invalid_json_line', 'each line must be a JSON object.');
  const o = v as Record<string, unknown>;
  if (typeof o.custom_id !== 'string' || !o.custom_id) return fail(n, 'missing_required_parameter', "'custom_id' must be a non-empty string.", 'custom_id');
  if (o.custom_id.length > MAX_CUSTOM_ID) return fail(n, 'invalid_value', `'custom_id' is longer than ${MAX_CUSTOM_ID} characters.`, 'custom_id');
  if (o.method !== 'POST') return fail(n, 'invalid_value', `'method' must be "POST"${o.method === undefined ? '' : `, got ${JSON.stringify(o.method).slice(0, 40)}`}.`, 'method');
  if (typeof o.url !== 'string') return fail(n, 'missing_required_parameter', `'url' must be "${endpoint}", the batch's endpoint.`, 'url');
  if (!urlMatches(o.url, endpoint)) {
    return fail(n, 'mismatched_endpoint', `'url' is ${JSON.stringify(o.url.slice(0, 100))}, but this batch's endpoint is "${endpoint}".`, 'url');
  }
  const body = o.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(n, 'missing_required_parameter', "'body' must be a JSON object.", 'body');
  const b = body as Record<string, unknown>;
  if (b.stream === true) return fail(n, 'invalid_value', 'streaming is not supported in a batch (remove "stream": true).', 'body.stream');
  if (endpoint === '/v1/chat/completions' && !Array.isArray(b.messages)) return fail(n, 'missing_required_parameter', "'body.messages' must be an array.", 'body.messages');
  if (endpoint === '/v1/responses' && b.input === undefined) return fail(n, 'missing_required_parameter', "'body.input' is required.", 'body.input');
  if (endpoint === '/v1/parse') {
    const r = ParseRequest.safeParse(b);
    if (!r.success) {
      const d = describeIssues(r.error.issues);
      return fail(n, 'invalid_value', `'body' ${d.message}`, `body${d.path}`);
    }
  }
  return { ok: true, line: { custom_id: o.custom_id, method: 'POST', url: o.url, body: b } };
}

/** True for lines that hold nothing (skipped rather than refused, as editors leave them at the end). */
export function isBlank(l: JsonlLine): boolean {
  return l.text !== null && l.text.trim() === '';
}

/**
 * Collects the problems of a whole file: per-line errors, duplicate custom_ids and limits. Feed it every
 * line in order, then read `errors` (at most MAX_REPORTED_ERRORS, the last one saying how many more).
 */
export class InputValidator {
  readonly sizes: number[] = [];
  model: string | null = null;
  private readonly seen = new Set<string>();
  private readonly found: BatchErrorItem[] = [];
  private extra = 0;
  private over = false;

  constructor(
    private readonly endpoint: BatchEndpoint,
    private readonly maxLineBytes: number,
    private readonly maxRequests: number,
  ) {}

  get total(): number {
    return this.sizes.length;
  }

  add(l: JsonlLine): void {
    if (isBlank(l)) return;
    if (this.sizes.length >= this.maxRequests) {
      if (!this.over) {
        this.over = true;
        this.report({ code: 'too_many_requests', message: `Line ${l.number}: the file has more than ${this.maxRequests} requests, the limit per batch.`, param: null, line: l.number });
      }
      return;
    }
    const r = validateLine(l, this.endpoint, this.maxLineBytes);
    this.sizes.push(l.bytes);
    if (!r.ok) {
      this.report(r.error);
      return;
    }
    if (this.seen.has(r.line.custom_id)) {
      this.report({ code: 'duplicate_custom_id', message: `Line ${l.number}: custom_id ${JSON.stringify(r.line.custom_id.slice(0, 100))} is used by an earlier line; each must be unique.`, param: 'custom_id', line: l.number });
      return;
    }
    this.seen.add(r.line.custom_id);
    if (this.model === null && typeof r.line.body.model === 'string') this.model = r.line.body.model;
  }

  private report(e: BatchErrorItem): void {
    if (this.found.length < MAX_REPORTED_ERRORS) this.found.push(e);
    else this.extra++;
  }

  get errors(): BatchErrorItem[] {
    if (!this.extra) return this.found;
    const last = this.found[this.found.length - 1]!;
    return [...this.found.slice(0, -1), { ...last, message: `${last.message} (and ${this.extra} more errors not listed)` }];
  }

  get failed(): boolean {
    return this.found.length > 0;
  }
}
