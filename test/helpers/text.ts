import assert from 'node:assert/strict';

/** Runs of white space (line breaks included) folded to one space, ends trimmed. */
export const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Each phrase is in the text, in this order (white space compared folded). */
export function assertInOrder(text: string, phrases: string[]) {
  const t = flat(text);
  let at = -1;
  for (const p of phrases) {
    const i = t.indexOf(p, at + 1);
    assert.ok(i > at, `"${p}" should come after the previous phrase in:\n${t}`);
    at = i;
  }
}
