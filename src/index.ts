/**
 * docinline's runtime-agnostic core: `parseDocument(bytes, options, runtime)`, the renderers, the
 * document model types and the typed errors. Node users usually want `docinline/node`, which wires the
 * runtime in.
 */
export { parseDocument } from './parse.js';
export { selectPages, parsePageRange } from './page-range.js';
export { detectType, type DetectedType } from './detect.js';
export { render, renderMarkdown, renderText, renderJson, toJsonDocument, renderTableMarkdown, renderHtmlTable, type RenderOptions, type JsonDocument, type JsonBlock } from './render/index.js';
export { layoutDocument, layoutPage } from './layout/index.js';
export { DocinlineError, isDocinlineError, toDocinlineError, type ErrorCode } from './errors.js';
export type * from './model/document.js';
export type { ParseOptions, ParseResult, ParseStats, OutputFormat, OcrMode, ResolvedParseOptions } from './model/options.js';
export { resolveParseOptions, DEFAULT_PARSE_OPTIONS } from './model/options.js';
export type { ParseRuntime, PdfDriver, ImageCodec, OcrEngine, PageRenderer, RasterImage } from './ports/parsing.js';
