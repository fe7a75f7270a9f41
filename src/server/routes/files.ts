import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { DocinlineError, toDocinlineError } from '../../errors.js';
import { FileStore, PendingUpload, UPLOAD_PURPOSES, notFound, toFileObject } from '../../files/store.js';
import { multipartBoundary, readMultipart, readTextPart } from '../../files/multipart.js';
import { tooLarge } from '../../storage/streams.js';
import { FileListQuery, FilePurpose, MAX_FILE_LIST_LIMIT } from '../../api/files.js';

/**
 * OpenAI's Files API (`/v1/files`), field for field, so `client.files.*` of the official SDKs works
 * unchanged. Every lookup goes through the caller's owner namespace: another key's file is a 404.
 */

export interface FilesRoutesOptions {
  maxFileBytes: number;
  /** Shortest `expires_after.seconds` accepted (OpenAI: 3600). */
  minExpirySeconds: number;
}

const MAX_EXPIRY_SECONDS = 30 * 24 * 3600;
/** OpenAI: "files with purpose=batch expire after 30 days" unless told otherwise. */
const BATCH_DEFAULT_EXPIRY_SECONDS = 30 * 24 * 3600;
/** Room for the multipart framing and the small fields around the file. */
const MULTIPART_OVERHEAD = 1024 * 1024;
const MAX_LIST_LIMIT = MAX_FILE_LIST_LIMIT;

function invalid(message: string, param: string | null = null): DocinlineError {
  return new DocinlineError('invalid_request', message, { param });
}

function checkPurpose(purpose: string | undefined): string {
  if (purpose === undefined || purpose === '') throw invalid("Missing required parameter: 'purpose'.", 'purpose');
  if (!FilePurpose.safeParse(purpose).success) {
    throw invalid(`'${purpose.slice(0, 100)}' is not one of ${JSON.stringify(UPLOAD_PURPOSES)} - 'purpose'`, 'purpose');
  }
  return purpose;
}

/** Only the name is kept: no directories (old browsers sent full paths), no control characters. */
function cleanFilename(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 512);
  return clean || 'file';
}

function expirySeconds(
  anchor: string | undefined,
  seconds: string | undefined,
  minSeconds: number,
): number | null {
  if (anchor === undefined && seconds === undefined) return null;
  if (anchor !== 'created_at') {
    throw invalid(`expires_after.anchor must be 'created_at'${anchor === undefined ? '' : `, got '${anchor.slice(0, 50)}'`}`, 'expires_after.anchor');
  }
  const n = Number(seconds);
  if (seconds === undefined || seconds.trim() === '' || !Number.isInteger(n) || n < minSeconds || n > MAX_EXPIRY_SECONDS) {
    throw invalid(`expires_after.seconds must be an integer between ${minSeconds} and ${MAX_EXPIRY_SECONDS}`, 'expires_after.seconds');
  }
  return n;
}

/** Counts the whole request body so that fields the API ignores cannot stream forever either. */
function boundedBody(body: ReadableStream<Uint8Array>, maxBytes: number, maxFileBytes: number): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) throw tooLarge(maxFileBytes, 'file');
        controller.enqueue(chunk);
      },
    }),
  );
}

/** RFC 5987 ext-value: encodeURIComponent leaves a few characters the grammar does not allow. */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*!]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function errorResponse(c: Context<AppEnv>, err: unknown): Response {
  const e = toDocinlineError(err);
  return c.json(e.toJSON(), e.status as 400, e.headers);
}

export function filesRoutes(store: FileStore, opts: FilesRoutesOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ownerOf = (c: Context<AppEnv>): string | null => c.get('owner') ?? null;

  app.onError((err, c) => errorResponse(c, err));

  app.post('/', async (c) => {
    const owner = ownerOf(c);
    const boundary = multipartBoundary(c.req.header('content-type'));
    if (!boundary) {
      throw invalid("Expected a multipart/form-data body with a 'file' part and a 'purpose' field.", 'file');
    }
    const limit = opts.maxFileBytes + MULTIPART_OVERHEAD;
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) throw tooLarge(opts.maxFileBytes, 'file');
    const raw = c.req.raw.body;
    if (!raw) throw invalid("Missing required parameter: 'file'.", 'file');
    const signal = c.req.raw.signal;

    let upload: PendingUpload | null = null;
    let filename = 'file';
    let purpose: string | undefined;
    let anchor: string | undefined;
    let seconds: string | undefined;
    try {
      for await (const part of readMultipart(boundedBody(raw, limit, opts.maxFileBytes), boundary)) {
        switch (part.name) {
          case 'file': {
            if (upload) throw invalid("Only one 'file' part is allowed.", 'file');
            if (part.filename === null) throw invalid("The 'file' field must be a file upload (with a filename).", 'file');
            // A bad purpose sent before the file fails before any byte is stored.
            if (purpose !== undefined) checkPurpose(purpose);
            filename = cleanFilename(part.filename);
            upload = await store.startUpload(owner);
            await upload.write(part.body, { maxBytes: opts.maxFileBytes, contentType: part.contentType, signal });
            break;
          }
          case 'purpose':
            purpose = (await readTextPart(part, 1024)).trim();
            break;
          case 'expires_after[anchor]':
            anchor = (await readTextPart(part, 1024)).trim();
            break;
          case 'expires_after[seconds]':
            seconds = (await readTextPart(part, 1024)).trim();
            break;
          case 'expires_after': {
            // Some clients send the object as one JSON field.
            const text = await readTextPart(part, 1024);
            let v: unknown;
            try {
              v = JSON.parse(text);
            } catch {
              throw invalid('expires_after must be an object {"anchor":"created_at","seconds":N}', 'expires_after');
            }
            const o = (v ?? {}) as { anchor?: unknown; seconds?: unknown };
            anchor = o.anchor === undefined ? undefined : String(o.anchor);
            seconds = o.seconds === undefined ? undefined : String(o.seconds);
            break;
          }
          default:
          // Unknown fields are skipped (the reader discards their bytes).
        }
      }
      if (!upload) throw invalid("Missing required parameter: 'file'.", 'file');
      const p = checkPurpose(purpose);
      let ttl = expirySeconds(anchor, seconds, opts.minExpirySeconds);
      if (ttl === null && p === 'batch') ttl = BATCH_DEFAULT_EXPIRY_SECONDS;
      const createdAt = Math.floor(store.nowMs() / 1000);
      const record = await upload.commit({ filename, purpose: p, expiresAt: ttl === null ? null : createdAt + ttl });
      return c.json(toFileObject(record));
    } catch (e) {
      await upload?.discard();
      if (signal.aborted && !(e instanceof DocinlineError && e.code === 'file_too_large')) {
        throw new DocinlineError('aborted', 'The client closed the connection during the upload', { cause: e });
      }
      // Whatever of the body is still on its way is drained by the Node adapter after the response;
      // `Connection: close` here would reset the socket under a client still sending, and it would
      // miss the error.
      const err = toDocinlineError(e);
      if (err.code === 'file_too_large') err.param ??= 'file';
      throw err;
    }
  });

  app.get('/', async (c) => {
    const r = FileListQuery.safeParse(c.req.query());
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw invalid(issue.message, issue.path.length ? String(issue.path[0]) : null);
    }
    const q = r.data;
    const page = await store.list(ownerOf(c), { purpose: q.purpose || undefined, limit: q.limit ?? MAX_LIST_LIMIT, after: q.after || undefined, order: q.order ?? 'desc' });
    const data = page.data.map(toFileObject);
    return c.json({
      object: 'list' as const,
      data,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
      has_more: page.hasMore,
    });
  });

  app.get('/:id', async (c) => {
    const rec = await store.require(ownerOf(c), c.req.param('id'));
    return c.json(toFileObject(rec));
  });

  app.get('/:id/content', async (c) => {
    const id = c.req.param('id');
    const f = await store.open(ownerOf(c), id);
    if (!f) throw notFound(id);
    // Always a download: the bytes are user content and must not render as HTML on our origin.
    return new Response(f.body, {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(f.record.bytes),
        'content-disposition': `attachment; filename*=UTF-8''${rfc5987(f.record.filename)}`,
        'x-content-type-options': 'nosniff',
        'x-request-id': c.get('requestId'),
      },
    });
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    const rec = await store.delete(ownerOf(c), id);
    if (!rec) throw notFound(id);
    return c.json({ id: rec.id, object: 'file' as const, deleted: true });
  });

  return app;
}
