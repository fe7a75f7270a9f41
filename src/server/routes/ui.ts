import { Hono, type Context } from 'hono';
import { DocinlineError } from '../../errors.js';
import type { StaticFiles } from '../../ports/assets.js';
import { UI_ASSETS, type UiAsset } from '../../ui/assets.js';
import type { AppEnv } from '../context.js';
import { errorResponse } from '../errors.js';

/**
 * The playground (/), the API docs page (/docs), their scripts and styles (/ui/*), and pdf.js' browser
 * build (/ui/pdfjs/*) when the runtime provides it. Everything is served from this origin: the pages
 * work offline and the Content-Security-Policy allows no other script source.
 */
export interface UiRoutesOptions {
  auth: boolean;
  maxFileBytes: number;
  pdfjs?: StaticFiles;
}

/**
 * Scripts only from here (pdf.js compiles its WebAssembly decoders); the playground may read a pasted
 * URL itself (connect/img) to draw its pages when that server allows it.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data: http: https:",
  "font-src 'self' data: blob:",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

function serveAsset(c: Context<AppEnv>, a: UiAsset, extra: Record<string, string> = {}): Response {
  if (c.req.header('if-none-match') === a.etag) return new Response(null, { status: 304, headers: { etag: a.etag, ...extra } });
  return new Response(a.body, { headers: { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...extra } });
}

const TYPES: Record<string, string> = {
  mjs: 'text/javascript; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  wasm: 'application/wasm',
  bcmap: 'application/octet-stream',
  pfb: 'application/octet-stream',
  ttf: 'font/ttf',
  icc: 'application/vnd.iccprofile',
};

const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function uiRoutes(o: UiRoutesOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const page = (name: string) => (c: Context<AppEnv>) => serveAsset(c, UI_ASSETS[name]!, PAGE_HEADERS);

  app.get('/', page('playground.html'));
  app.get('/docs', page('docs.html'));
  app.get('/ui/config.json', (c) =>
    c.json({ auth: o.auth, maxFileBytes: o.maxFileBytes, pageImages: !!o.pdfjs }, 200, { 'cache-control': 'no-store' }),
  );
  app.get('/ui/pdfjs/*', async (c) => {
    const path = c.req.path.slice('/ui/pdfjs/'.length);
    const f = o.pdfjs && SAFE_PATH.test(path) ? await o.pdfjs.get(path) : null;
    if (!f) return errorResponse(new DocinlineError('not_found', `No such file: ${c.req.path}`));
    const ext = path.slice(path.lastIndexOf('.') + 1);
    return new Response(f.body, {
      headers: {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        ...(f.size !== undefined ? { 'content-length': String(f.size) } : {}),
        // The installed pdf.js changes only with an upgrade (and a restart).
        'cache-control': 'public, max-age=86400',
        'x-content-type-options': 'nosniff',
      },
    });
  });
  app.get('/ui/:file', (c) => {
    const name = c.req.param('file');
    const a = name.endsWith('.html') ? undefined : UI_ASSETS[name];
    if (!a) return errorResponse(new DocinlineError('not_found', `No such file: ${c.req.path}`));
    return serveAsset(c, a);
  });
  return app;
}
