import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePageRange, selectPages } from '../../src/page-range.js';
import { DocinlineError } from '../../src/errors.js';

test('page ranges select sorted unique pages, open ends run to the last page', () => {
  assert.deepEqual(selectPages('1-3,7', 10), [1, 2, 3, 7]);
  assert.deepEqual(selectPages(' 7, 2-3 ,2', 10), [2, 3, 7]);
  assert.deepEqual(selectPages('8-', 10), [8, 9, 10]);
  assert.deepEqual(selectPages('9-20', 10), [9, 10]);
  assert.deepEqual(selectPages(undefined, 3), [1, 2, 3]);
});

for (const bad of ['', 'abc', '0', '3-1', '1-2-3', '1,,2', '-5', '1.5']) {
  test(`"${bad}" is rejected as invalid_page_range`, () => {
    assert.throws(() => parsePageRange(bad), (e: unknown) => e instanceof DocinlineError && e.code === 'invalid_page_range' && e.status === 400);
  });
}

test('a page beyond the document is a clear error', () => {
  assert.throws(() => selectPages('12', 10), /Page 12 is out of range: the document has 10 pages/);
});
