import type { DocumentModel } from '../model/document.js';
import type { OutputFormat } from '../model/options.js';
import type { RenderOptions } from './options.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';
import { renderJson } from './json.js';

export type { RenderOptions } from './options.js';
export { renderMarkdown, renderPageMarkdown, renderBlockMarkdown, escapeMarkdown } from './markdown.js';
export { renderText } from './text.js';
export { renderJson, toJsonDocument, type JsonDocument, type JsonBlock } from './json.js';
export { renderTableMarkdown, renderHtmlTable, renderPipeTable, renderTableText, hasSpans } from './table.js';

/** Renders the model in one of the CLI/API output formats. */
export function render(doc: DocumentModel, format: OutputFormat, opts: RenderOptions = {}): string {
  if (format === 'json') return renderJson(doc) + '\n';
  if (format === 'text') return renderText(doc, opts);
  return renderMarkdown(doc, opts);
}
