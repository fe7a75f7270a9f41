import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLines } from '../../src/layout/lines.js';
import type { Word } from '../../src/model/document.js';
import { column, words } from './boxes.js';

test('words on one baseline form one line, in left-to-right order with spaces', () => {
  const ws = words('the quick brown fox', 72, 100);
  const lines = buildLines([ws[2], ws[0], ws[3], ws[1]]);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].text, 'the quick brown fox');
});

test('a superscript stays on its line', () => {
  const ws = [...words('E = mc', 72, 100), { text: '2', bbox: { x0: 110, y0: 97, x1: 114, y1: 104 }, fontSize: 7 } as Word];
  assert.equal(buildLines(ws).length, 1);
});

test('two columns are cut at the gutter into separate lines', () => {
  const left = column(['alpha one two three four', 'alpha five six seven eight', 'alpha nine ten eleven'], 72, 100);
  const right = column(['beta one two three four', 'beta five six seven eight', 'beta nine ten eleven'], 330, 100);
  const lines = buildLines([...left, ...right]);
  assert.equal(lines.length, 6);
  for (const l of lines) assert.ok(/^alpha/.test(l.text) !== /beta/.test(l.text), `mixed line: ${l.text}`);
});

test('a bullet and its text are not cut apart although every item has the same gap', () => {
  const ws: Word[] = [];
  for (let i = 0; i < 4; i++) {
    ws.push(...words('•', 90, 100 + i * 14));
    ws.push(...words(`item number ${i} of the list`, 104, 100 + i * 14));
  }
  const lines = buildLines(ws);
  assert.equal(lines.length, 4);
  assert.match(lines[0].text, /^• item number 0/);
});

test('a wide gap on a single line is not a gutter without neighbouring rows', () => {
  const ws = [...words('Name:', 72, 100), ...words('Ada Lovelace', 250, 100)];
  assert.equal(buildLines(ws).length, 1);
});

test('text rotated 90 degrees forms lines in its own frame', () => {
  // Two lines reading bottom to top, the second to the right of the first.
  const mk = (text: string, x: number, bottom: number): Word[] => {
    let y = bottom;
    return text.split(' ').map((t) => {
      const len = t.length * 5.5;
      const w: Word = { text: t, bbox: { x0: x, y0: y - len, x1: x + 10, y1: y }, fontSize: 10, angle: 90, spaceAfter: true };
      y -= len + 2.5;
      return w;
    });
  };
  const lines = buildLines([...mk('first line reads up', 100, 500), ...mk('second line also', 114, 500)]);
  assert.deepEqual(lines.map((l) => l.text), ['first line reads up', 'second line also']);
  assert.equal(lines[0].angle, 90);
});

test('right-to-left words are read from the right', () => {
  const ws = words('ثلاثة اثنان واحد', 72, 100, { dir: 'rtl' });
  // Printed left to right on the page, the logical first word is the rightmost one.
  const lines = buildLines(ws);
  assert.equal(lines[0].text, 'واحد اثنان ثلاثة');
  assert.equal(lines[0].dir, 'rtl');
});

test('letter-spaced capitals collapse into words', () => {
  const ws: Word[] = [];
  let x = 72;
  for (const ch of 'TITLE') { ws.push({ text: ch, bbox: { x0: x, y0: 100, x1: x + 7, y1: 110 }, fontSize: 10 }); x += 10; }
  x += 15;
  for (const ch of 'PAGE') { ws.push({ text: ch, bbox: { x0: x, y0: 100, x1: x + 7, y1: 110 }, fontSize: 10 }); x += 10; }
  assert.equal(buildLines(ws)[0].text, 'TITLE PAGE');
});
