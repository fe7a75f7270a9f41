import { InlineFragmentSchema, describeIssues } from '../api/schemas.js';
import { DocinlineError } from '../errors.js';
import type { ParseOptions } from '../model/options.js';

/**
 * Reads the `#transform=inline[&pages=..&ocr=..&lang=..&password=..&furniture=keep&markers=0]` suffix.
 * Returns null when the fragment does not ask for inlining (the part is then left alone unless the
 * backend is text-only). Unknown keys are ignored so newer clients do not break older gateways.
 */
export function parseInlineFragment(fragment: string): { options: ParseOptions } | null {
  if (!fragment || !fragment.includes('transform')) return null;
  const params = new URLSearchParams(fragment);
  if (params.get('transform') !== 'inline') return null;
  return { options: fragmentOptions(params) };
}

/** Options from a fragment that may or may not carry `transform=inline` (text-only backends). */
export function optionsFromFragment(fragment: string): ParseOptions {
  if (!fragment) return {};
  const params = new URLSearchParams(fragment);
  if (!params.has('transform')) params.set('transform', 'inline');
  return fragmentOptions(params);
}

function fragmentOptions(params: URLSearchParams): ParseOptions {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (k in InlineFragmentSchema.shape) raw[k] = v;
  const r = InlineFragmentSchema.safeParse(raw);
  if (!r.success) {
    throw new DocinlineError('invalid_request', `Invalid #transform=inline options: ${describeIssues(r.error.issues).message}`);
  }
  const f = r.data;
  const o: ParseOptions = {};
  if (f.pages) o.pages = f.pages.replace(/\s+/g, '');
  if (f.ocr) o.ocr = f.ocr;
  if (f.lang) o.languages = f.lang.split(/[+, ]+/);
  if (f.password !== undefined) o.password = f.password;
  if (f.furniture) o.keepFurniture = f.furniture === 'keep';
  if (f.markers) o.pageMarkers = f.markers === '1' || f.markers === 'true';
  return o;
}
