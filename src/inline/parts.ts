import type { z } from 'zod';
import { ChatFilePart, ChatImageUrlPart, ResponsesInputFile, ResponsesInputImage, describeIssues } from '../api/schemas.js';
import { DocinlineError } from '../errors.js';
import type { ParseOptions } from '../model/options.js';
import { isDataUrl, splitFragment } from './dataurl.js';
import { optionsFromFragment, parseInlineFragment } from './fragment.js';

/**
 * Finding the parts of a request that become documents. Each one is reported with where it is
 * (`param`, e.g. "messages[1].content[2]"), where its bytes come from and how to put text in its place;
 * nothing is fetched or decoded here.
 */

export type DocumentSource =
  | { kind: 'url'; url: string }
  /** A data: URL (fragment included; the decoder stops at it) or bare base64. */
  | { kind: 'data'; value: string }
  | { kind: 'file_id'; id: string };

export interface DocumentRef {
  param: string;
  source: DocumentSource;
  filename?: string;
  options: ParseOptions;
  /** Replaces the part with a text part holding `text`. */
  replace(text: string): void;
}

type Json = Record<string, unknown>;

function check<T extends z.ZodType>(schema: T, part: unknown, param: string): z.output<T> {
  const r = schema.safeParse(part);
  if (!r.success) {
    const d = describeIssues(r.error.issues);
    throw new DocinlineError('invalid_request', `Invalid content part at ${param}${d.path}: ${d.message}`, { param });
  }
  return r.data;
}

function withParam<T>(param: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DocinlineError) throw e.at(param);
    throw e;
  }
}

/** A URL-bearing image part: its source and options, or null when it stays as it is. */
function imageSource(url: string, textOnly: boolean, param: string): { source: DocumentSource; options: ParseOptions } | null {
  return withParam(param, () => {
    const { base, fragment } = splitFragment(url);
    const inline = parseInlineFragment(fragment);
    if (!inline && !textOnly) return null;
    const options = inline ? inline.options : optionsFromFragment(fragment.includes('=') ? fragment : '');
    const source: DocumentSource = isDataUrl(url) ? { kind: 'data', value: url } : { kind: 'url', url: base };
    return { source, options };
  });
}

function dataSource(value: string, param: string): { source: DocumentSource; options: ParseOptions } {
  return withParam(param, () => {
    const { fragment } = splitFragment(value);
    const inline = isDataUrl(value) ? parseInlineFragment(fragment) : null;
    return { source: { kind: 'data', value }, options: inline?.options ?? {} };
  });
}

/** Chat Completions: `image_url` parts with #transform=inline (all of them when text-only) and `file` parts. */
export function findChatDocuments(body: Json, opts: { textOnly: boolean }): DocumentRef[] {
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    throw new DocinlineError('invalid_request', 'messages must be an array.', { param: 'messages' });
  }
  const refs: DocumentRef[] = [];
  messages.forEach((m: unknown, i) => {
    const content = (m as Json | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, j) => {
      const type = (part as Json | null)?.type;
      const param = `messages[${i}].content[${j}]`;
      const replace = (text: string) => {
        content[j] = { type: 'text', text };
      };
      if (type === 'image_url') {
        const p = check(ChatImageUrlPart, part, param);
        const url = typeof p.image_url === 'string' ? p.image_url : p.image_url.url;
        const found = imageSource(url, opts.textOnly, param);
        if (found) refs.push({ param, ...found, replace });
      } else if (type === 'file') {
        const p = check(ChatFilePart, part, param);
        const filename = p.file.filename || undefined;
        if (p.file.file_id) refs.push({ param, source: { kind: 'file_id', id: p.file.file_id }, filename, options: {}, replace });
        else refs.push({ param, ...dataSource(p.file.file_data!, param), filename, replace });
      }
    });
  });
  return refs;
}

/** Responses: `input_file` parts always, `input_image` parts with #transform=inline (all when text-only). */
export function findResponsesDocuments(body: Json, opts: { textOnly: boolean }): DocumentRef[] {
  const input = body.input;
  if (!Array.isArray(input)) return [];
  const refs: DocumentRef[] = [];
  input.forEach((item: unknown, i) => {
    const content = (item as Json | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, j) => {
      const type = (part as Json | null)?.type;
      const param = `input[${i}].content[${j}]`;
      const replace = (text: string) => {
        content[j] = { type: 'input_text', text };
      };
      if (type === 'input_file') {
        const p = check(ResponsesInputFile, part, param);
        const filename = p.filename || undefined;
        if (p.file_id) refs.push({ param, source: { kind: 'file_id', id: p.file_id }, filename, options: {}, replace });
        else if (p.file_data) refs.push({ param, ...dataSource(p.file_data, param), filename, replace });
        else {
          const url = p.file_url!;
          if (isDataUrl(url)) refs.push({ param, ...dataSource(url, param), filename, replace });
          else {
            const { base, fragment } = splitFragment(url);
            const options = withParam(param, () => parseInlineFragment(fragment)?.options ?? {});
            refs.push({ param, source: { kind: 'url', url: base }, filename, options, replace });
          }
        }
      } else if (type === 'input_image') {
        const p = check(ResponsesInputImage, part, param);
        if (p.file_id) {
          if (opts.textOnly) refs.push({ param, source: { kind: 'file_id', id: p.file_id }, options: {}, replace });
          return;
        }
        const found = imageSource(p.image_url!, opts.textOnly, param);
        if (found) refs.push({ param, ...found, replace });
      }
    });
  });
  return refs;
}
