/** Page selections such as "1-3,7" or "5-" (1-based, inclusive, open-ended allowed). */
import { DocinlineError } from './errors.js';

const invalid = (spec: string, why: string) =>
  new DocinlineError('invalid_page_range', `Invalid page range "${spec}": ${why}. Use e.g. "1-3,7" or "5-".`, { param: 'pages' });

/** Checks the syntax (without knowing the page count); returns the parts. */
export function parsePageRange(spec: string): { from: number; to: number | null }[] {
  const s = spec.replace(/\s+/g, '');
  if (!s) throw invalid(spec, 'it is empty');
  const parts: { from: number; to: number | null }[] = [];
  for (const tok of s.split(',')) {
    const m = tok.match(/^(\d{1,7})(?:-(\d{1,7})?)?$/);
    if (!m) throw invalid(spec, `"${tok}" is not a page number or range`);
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : tok.includes('-') ? null : from;
    if (from < 1) throw invalid(spec, 'pages are numbered from 1');
    if (to !== null && to < from) throw invalid(spec, `"${tok}" runs backwards`);
    parts.push({ from, to });
  }
  return parts;
}

/** Resolves a selection against a document's page count: sorted unique page numbers. */
export function selectPages(spec: string | undefined, pageCount: number): number[] {
  if (spec === undefined || spec === null) return Array.from({ length: pageCount }, (_, i) => i + 1);
  const set = new Set<number>();
  for (const { from, to } of parsePageRange(spec)) {
    if (from > pageCount) {
      throw new DocinlineError('invalid_page_range', `Page ${from} is out of range: the document has ${pageCount} page${pageCount === 1 ? '' : 's'}.`, { param: 'pages' });
    }
    const end = Math.min(to ?? pageCount, pageCount);
    for (let p = from; p <= end; p++) set.add(p);
  }
  return [...set].sort((a, b) => a - b);
}
