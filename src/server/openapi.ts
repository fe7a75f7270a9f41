/**
 * GET /openapi.json: an OpenAPI 3.1 document built from the app's registered routes and the zod
 * schemas in src/api/ that validate their requests, so it cannot drift from what the server accepts.
 * A route registered without an entry here still appears (flagged `x-undocumented`), and the ops tests
 * fail on it: a new endpoint cannot go unnoticed.
 */
import { z } from 'zod';
import { BatchCreateRequest, BatchList, BatchListQuery, BatchObject } from '../api/batches.js';
import { FileDeleted, FileList, FileListQuery, FileObject, FileUploadForm } from '../api/files.js';
import { ChatCompletion, Health, ModelList, Readiness, ReadinessQuery, ResponseObject, UiSettings } from '../api/ops.js';
import { ChatCompletionRequest, ErrorBody, ParseRequest, ParseResponse, ResponsesRequest } from '../api/schemas.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface ResponseDoc {
  description: string;
  /** A JSON body described by a registered schema. */
  json?: z.ZodType;
  /** Other media types, with a schema or a plain description. */
  content?: Record<string, { schema?: Record<string, unknown> }>;
  headers?: Record<string, string>;
}

export interface OperationDoc {
  method: Method;
  /** Hono's pattern, e.g. /v1/files/:id. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  query?: z.ZodObject;
  json?: z.ZodType;
  multipart?: z.ZodType;
  responses: Record<string, ResponseDoc>;
}

const SSE = { 'text/event-stream': { schema: { type: 'string', description: 'Server-sent events, relayed as the backend sends them.' } } };
const STATS_HEADERS = {
  'x-request-id': 'The request id (also in the logs and sent to the backend).',
  'x-docinline-documents': 'Documents inlined.',
  'x-docinline-pages': 'Pages parsed for them.',
  'x-docinline-cache-hits': 'Documents served from the parse cache.',
  'x-docinline-parse-ms': 'Time spent getting and parsing the documents.',
};

const FILE_ID = { name: 'id', description: 'A file id (file-…).' };

/** Every route the service can register. Paths and methods are checked against the app's routes. */
export const OPERATIONS: OperationDoc[] = [
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'OpenAI-compatible',
    summary: 'Chat Completions with documents inlined',
    description:
      '`file` parts, and `image_url` parts whose URL ends with `#transform=inline` (every image part when the backend is text-only), are replaced by the document\'s Markdown; the request is then forwarded to the backend chosen by `model`, streaming included.',
    json: ChatCompletionRequest,
    responses: {
      '200': { description: 'The backend answer (JSON, or SSE with `stream: true`).', json: ChatCompletion, content: SSE, headers: STATS_HEADERS },
    },
  },
  {
    method: 'post',
    path: '/v1/responses',
    tag: 'OpenAI-compatible',
    summary: 'Responses with documents inlined',
    description: '`input_file` parts, and `input_image` parts whose URL ends with `#transform=inline`, are replaced by the document\'s Markdown.',
    json: ResponsesRequest,
    responses: { '200': { description: 'The backend answer (JSON, or SSE with `stream: true`).', json: ResponseObject, content: SSE, headers: STATS_HEADERS } },
  },
  {
    method: 'get',
    path: '/v1/models',
    tag: 'OpenAI-compatible',
    summary: "The backend's models",
    responses: { '200': { description: "The default backend's model list.", json: ModelList } },
  },
  {
    method: 'post',
    path: '/v1/parse',
    tag: 'Parsing',
    summary: 'Parse a document without calling a model',
    description:
      'JSON with exactly one of `url`, `file_data` (data URL or base64) or `file_id`, or multipart/form-data with the document as `file` and the options as fields. `?format=markdown` (or `Accept: text/markdown`) answers with the Markdown alone.',
    query: z.object({ format: z.enum(['json', 'markdown']).optional().meta({ description: '`markdown`: the Markdown alone, as text/markdown.' }) }),
    json: ParseRequest,
    multipart: ParseRequest,
    responses: {
      '200': {
        description: 'The parse result.',
        json: ParseResponse,
        content: { 'text/markdown': { schema: { type: 'string' } } },
        headers: STATS_HEADERS,
      },
    },
  },
  {
    method: 'post',
    path: '/v1/files',
    tag: 'Files',
    summary: 'Upload a file',
    multipart: FileUploadForm,
    responses: { '200': { description: 'The stored file.', json: FileObject } },
  },
  {
    method: 'get',
    path: '/v1/files',
    tag: 'Files',
    summary: "List the caller's files",
    query: FileListQuery,
    responses: { '200': { description: 'A page of files.', json: FileList } },
  },
  { method: 'get', path: '/v1/files/:id', tag: 'Files', summary: 'A file\'s metadata', responses: { '200': { description: 'The file.', json: FileObject } } },
  {
    method: 'get',
    path: '/v1/files/:id/content',
    tag: 'Files',
    summary: "A file's bytes",
    responses: { '200': { description: 'The bytes, as a download.', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } } },
  },
  { method: 'delete', path: '/v1/files/:id', tag: 'Files', summary: 'Delete a file', responses: { '200': { description: 'Deleted.', json: FileDeleted } } },
  {
    method: 'post',
    path: '/v1/batches',
    tag: 'Batches',
    summary: 'Create a batch',
    json: BatchCreateRequest,
    responses: { '200': { description: 'The new batch.', json: BatchObject } },
  },
  {
    method: 'get',
    path: '/v1/batches',
    tag: 'Batches',
    summary: "List the caller's batches",
    query: BatchListQuery,
    responses: { '200': { description: 'A page of batches.', json: BatchList } },
  },
  { method: 'get', path: '/v1/batches/:id', tag: 'Batches', summary: 'A batch', responses: { '200': { description: 'The batch.', json: BatchObject } } },
  {
    method: 'post',
    path: '/v1/batches/:id/cancel',
    tag: 'Batches',
    summary: 'Cancel a batch',
    responses: { '200': { description: 'The batch, cancelling.', json: BatchObject } },
  },
  { method: 'get', path: '/health', tag: 'Operations', summary: 'Liveness (kept for older probes; same as /healthz)', responses: { '200': { description: 'Up.', json: Health } } },
  { method: 'get', path: '/healthz', tag: 'Operations', summary: 'Liveness: the process is up', responses: { '200': { description: 'Up.', json: Health } } },
  {
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    summary: 'Readiness: storage, queue and backends reachable, each reported',
    query: ReadinessQuery,
    responses: { '200': { description: 'Ready.', json: Readiness }, '503': { description: 'Not ready (or shutting down).', json: Readiness } },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    responses: { '200': { description: 'Text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } },
  },
  { method: 'get', path: '/', tag: 'Playground', summary: 'The playground page', responses: { '200': { description: 'HTML.', content: { 'text/html': {} } } } },
  { method: 'get', path: '/docs', tag: 'Playground', summary: 'This API, as a page', responses: { '200': { description: 'HTML.', content: { 'text/html': {} } } } },
  {
    method: 'get',
    path: '/ui/config.json',
    tag: 'Playground',
    summary: "The playground's settings",
    responses: { '200': { description: 'Settings.', json: UiSettings } },
  },
  {
    method: 'get',
    path: '/ui/:file',
    tag: 'Playground',
    summary: "The playground's scripts and styles",
    responses: { '200': { description: 'A static asset.', content: { 'text/javascript': {}, 'text/css': {} } }, '404': { description: 'No such asset.', json: ErrorBody } },
  },
  {
    method: 'get',
    path: '/ui/pdfjs/*',
    tag: 'Playground',
    summary: "pdf.js' browser build (the playground draws PDF pages with it)",
    description: 'Served from the installed pdfjs-dist package when the runtime provides it.',
    responses: { '200': { description: 'A pdf.js file.', content: { 'application/octet-stream': {} } }, '404': { description: 'Not available.', json: ErrorBody } },
  },
];

export interface RouteInfo {
  method: string;
  path: string;
}

const key = (method: string, path: string) => `${method.toLowerCase()} ${path}`;

/** Hono's `:id` and `*` → OpenAPI's `{id}` and `{path}`. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const p = path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        const name = seg.slice(1).replace(/\{.*\}$/, '').replace(/\?$/, '');
        params.push(name);
        return `{${name}}`;
      }
      if (seg === '*') {
        params.push('path');
        return '{path}';
      }
      return seg;
    })
    .join('/');
  return { path: p, params };
}

/** The routes an app serves: methods other than Hono's middleware marker, deduplicated. */
export function servedRoutes(routes: readonly RouteInfo[]): RouteInfo[] {
  const seen = new Set<string>();
  const out: RouteInfo[] = [];
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const k = key(r.method, r.path);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ method: r.method.toLowerCase(), path: r.path });
  }
  return out;
}

/** Tag order on the docs page. */
const TAGS = ['OpenAI-compatible', 'Parsing', 'Files', 'Batches', 'Operations', 'Playground', 'Other'];

const componentRef = (id: string) => `#/components/schemas/${id}`;

function idOf(schema: z.ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('every schema used in the OpenAPI document needs meta({ id })');
  return id;
}

function refTo(schema: z.ZodType): Record<string, unknown> {
  return { $ref: componentRef(idOf(schema)) };
}

/** Every registered schema as a component, then only those the operations reach. */
function components(used: Set<string>): Record<string, unknown> {
  const all = z.toJSONSchema(z.globalRegistry, { uri: componentRef, io: 'input', unrepresentable: 'any' }).schemas as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  const visit = (id: string) => {
    if (out[id] || !all[id]) return;
    const { $schema: _s, $id: _i, ...schema } = all[id]!;
    out[id] = schema;
    JSON.stringify(schema, (k, v) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) visit(v.slice('#/components/schemas/'.length));
      return v;
    });
  };
  for (const id of [...used].sort()) visit(id);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function parameterSchema(s: z.ZodType): Record<string, unknown> {
  const { $schema: _s, description: _d, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export interface OpenApiOptions {
  title?: string;
  version: string;
  /** When API keys are required, /v1 operations carry the bearer scheme. */
  auth: boolean;
}

export function buildOpenApi(routes: readonly RouteInfo[], opts: OpenApiOptions): Record<string, unknown> {
  const catalog = new Map(OPERATIONS.map((o) => [key(o.method, o.path), o]));
  const used = new Set<string>(['Error']);
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'An OpenAI-shaped error.', content: { 'application/json': { schema: { $ref: componentRef('Error') } } } };

  for (const r of servedRoutes(routes)) {
    const doc = catalog.get(key(r.method, r.path));
    const { path, params } = openApiPath(r.path);
    const op: Record<string, unknown> = {
      operationId: `${r.method}${path === '/' ? 'Root' : path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: doc?.summary ?? 'Undocumented route',
      tags: [doc?.tag ?? 'Other'],
    };
    if (!doc) op['x-undocumented'] = true;
    if (doc?.description) op.description = doc.description;
    const parameters: Record<string, unknown>[] = params.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(name === 'id' && r.path.startsWith('/v1/files') ? { description: FILE_ID.description } : {}),
    }));
    if (doc?.query) {
      for (const [name, s] of Object.entries(doc.query.shape) as [string, z.ZodType][]) {
        const description = s.meta()?.description ?? (s as { description?: string }).description;
        parameters.push({ name, in: 'query', required: !s.safeParse(undefined).success, ...(description ? { description } : {}), schema: parameterSchema(s) });
      }
    }
    if (parameters.length) op.parameters = parameters;
    if (doc?.json || doc?.multipart) {
      const content: Record<string, unknown> = {};
      if (doc.json) {
        used.add(idOf(doc.json));
        content['application/json'] = { schema: refTo(doc.json) };
      }
      if (doc.multipart) {
        used.add(idOf(doc.multipart));
        content['multipart/form-data'] = { schema: refTo(doc.multipart) };
      }
      op.requestBody = { required: true, content };
    }
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(doc?.responses ?? { '200': { description: 'OK' } })) {
      const content: Record<string, unknown> = {};
      if (res.json) {
        used.add(idOf(res.json));
        content['application/json'] = { schema: refTo(res.json) };
      }
      Object.assign(content, res.content ?? {});
      responses[status] = {
        description: res.description,
        ...(Object.keys(content).length ? { content } : {}),
        ...(res.headers
          ? { headers: Object.fromEntries(Object.entries(res.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }
          : {}),
      };
    }
    responses.default = error;
    op.responses = responses;
    if (opts.auth && r.path.startsWith('/v1/')) op.security = [{ bearerAuth: [] }];
    (paths[path] ??= {})[r.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: opts.title ?? 'docinline',
      version: opts.version,
      description:
        'OpenAI-compatible gateway that inlines PDFs and screenshots as layout-aware Markdown for text-only LLMs. Point an OpenAI SDK at `<this server>/v1`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: TAGS.map((name) => ({ name })),
    paths,
    components: {
      schemas: components(used),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of DOCINLINE_API_KEYS (or the X-Api-Key header).' } },
    },
  };
}
