import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBlocks } from '../../src/layout/blocks.js';
import { buildLines } from '../../src/layout/lines.js';
import { buildVocabulary, joinLines, normalizeText, fixLamAlef } from '../../src/layout/text.js';
import { column, words } from './boxes.js';

const blocksOf = (ws: ReturnType<typeof words>) => buildBlocks(buildLines(ws));

test('lines at the same spacing form one paragraph; a wider gap starts another', () => {
  const ws = [...column(['first paragraph line one', 'first paragraph line two'], 72, 100), ...column(['second paragraph starts', 'and goes on'], 72, 150)];
  const blocks = blocksOf(ws);
  assert.deepEqual(blocks.map((b) => b.text), ['first paragraph line one first paragraph line two', 'second paragraph starts and goes on']);
});

test('a hyphenated paragraph is joined back into whole words', () => {
  const blocks = blocksOf(column(['a long exam-', 'ple of a Self-', 'Contained thing'], 72, 100));
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0].text, 'a long example of a Self-Contained thing');
});

test('joinLines keeps compound hyphens before capitals and digits, drops them before lower case', () => {
  assert.equal(joinLines(['exam-', 'ple']), 'example');
  assert.equal(joinLines(['Self-', 'Contained']), 'Self-Contained');
  assert.equal(joinLines(['COVID-', '19 cases']), 'COVID-19 cases');
  assert.equal(joinLines(['中文', '测试']), '中文测试');
  assert.equal(joinLines(['한국어', '문장']), '한국어 문장');
});

test('a bold line above body text is its own block', () => {
  const ws = [...words('Results', 72, 100, { bold: true }), ...column(['the body text follows here', 'on two lines'], 72, 113)];
  const blocks = blocksOf(ws);
  assert.deepEqual(blocks.map((b) => b.text), ['Results', 'the body text follows here on two lines']);
});

test('each list marker starts a block and a wrapped item line stays with its item', () => {
  const ws = [
    ...words('1.', 72, 100), ...words('first item that wraps', 90, 100), ...words('onto a second line', 90, 113),
    ...words('2.', 72, 126), ...words('second item', 90, 126),
  ];
  const blocks = blocksOf(ws);
  assert.deepEqual(blocks.map((b) => b.text), ['1. first item that wraps onto a second line', '2. second item']);
});

test('monospaced lines become a code block that keeps its line breaks', () => {
  const ws = column(['function add(a, b) {', '  return a + b;', '}'], 72, 100).map((w) => ({ ...w, monospace: true }));
  const blocks = blocksOf(ws);
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0].type, 'code');
  assert.equal(blocks[0].text.split('\n').length, 3);
});

test('a line-end hyphen between two whole words of a compound is kept; a word broken in two is joined', () => {
  assert.equal(joinLines(['a memory-', 'efficient parser']), 'a memory-efficient parser');
  assert.equal(joinLines(['data-', 'driven']), 'data-driven');
  assert.equal(joinLines(['self-', 'attention layers']), 'self-attention layers');
  assert.equal(joinLines(['state-of-the-', 'art results']), 'state-of-the-art results');
  assert.equal(joinLines(['end-to-', 'end training']), 'end-to-end training');
  // Hyphenation points of single words, including ones whose halves look like words.
  assert.equal(joinLines(['effi-', 'cient']), 'efficient');
  assert.equal(joinLines(['infor-', 'mation']), 'information');
  assert.equal(joinLines(['un-', 'known']), 'unknown');
  assert.equal(joinLines(['re-', 'source']), 'resource');
  assert.equal(joinLines(['ar-', 'range']), 'arrange');
});

test('how the document spells a word elsewhere decides a line-end hyphen', () => {
  const vocab = buildVocabulary(['Row and column access control is a memory-efficient feature.', 'pre-', 'trained models', 'The pagelevel view']);
  assert.ok(vocab.has('memory-efficient') && !vocab.has('pre'), 'words broken at a line end are not in the vocabulary');
  // "memoryefficient" never appears, "memory-efficient" does.
  assert.equal(joinLines(['memory-', 'efficient'], vocab), 'memory-efficient');
  // The joined spelling wins over the compound list.
  assert.equal(joinLines(['page-', 'level access'], vocab), 'pagelevel access');
  assert.equal(joinLines(['page-', 'level access']), 'page-level access');
  // A hyphenated spelling elsewhere keeps a hyphen the lists would drop.
  const v2 = buildVocabulary(['we use pre-trained weights']);
  assert.equal(joinLines(['pre-', 'trained'], v2), 'pre-trained');
  assert.equal(joinLines(['pre-', 'trained']), 'pretrained');
});

test('ligatures, soft hyphens and odd spaces are normalised', () => {
  assert.equal(normalizeText('\ufb01nal e\ufb00ort co\u00adop\u00a0x'), 'final effort coop x');
});

test('a lam-alef ligature reversed by right-to-left reordering is put back', () => {
  assert.equal(fixLamAlef('األولويات'), 'الأولويات');
  assert.equal(fixLamAlef('کاالی'), 'کالای');
  assert.equal(fixLamAlef('الكتاب'), 'الكتاب');
});
