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

/** Words of an OCR line: a confidence on every word, spaceAfter between words of the line. */
function ocrLine(parts: [string, number][], top: number, size = 10): Word[] {
  return parts.map(([text, x], i) => ({
    text, bbox: { x0: x, y0: top, x1: x + text.length * size * 0.55, y1: top + size }, fontSize: size, confidence: 90, spaceAfter: i < parts.length - 1,
  }));
}

test('a justified OCR line is not cut at its wide gaps, even where the rows around it leave the same gap', () => {
  // Three justified lines of a scanned paragraph whose stretched spaces happen to line up.
  const rows = [
    ocrLine([['Table', 72], ['1.', 104], ['HPO', 230], ['terms', 258], ['and', 292], ['their', 316]], 100),
    ocrLine([['Figure', 72], ['two', 110], ['shows', 230], ['the', 266], ['mean', 290], ['values', 322]], 114),
    ocrLine([['All', 72], ['cases', 92], ['were', 230], ['seen', 262], ['by', 292], ['three', 310]], 128),
  ];
  const lines = buildLines(rows.flat());
  assert.deepEqual(lines.map((l) => l.text), ['Table 1. HPO terms and their', 'Figure two shows the mean values', 'All cases were seen by three']);
  // The same boxes from a text layer (no OCR line information) are two columns.
  const plain = rows.flat().map(({ confidence: _c, ...w }) => ({ ...w, spaceAfter: false }));
  assert.equal(buildLines(plain).length, 6);
});

test('OCR lines that end at a gutter are still cut from the next column', () => {
  const left = [ocrLine([['alpha', 72], ['one', 104], ['two', 126]], 100), ocrLine([['alpha', 72], ['three', 104]], 114), ocrLine([['alpha', 72], ['four', 104]], 128)];
  const right = [ocrLine([['beta', 330], ['one', 358]], 100), ocrLine([['beta', 330], ['two', 358]], 114), ocrLine([['beta', 330], ['three', 358]], 128)];
  const lines = buildLines([...left, ...right].flat());
  assert.equal(lines.length, 6);
  for (const l of lines) assert.ok(/^alpha/.test(l.text) !== /beta/.test(l.text), `mixed line: ${l.text}`);
});

test('Chinese characters set one per word are not spaced apart; letter-spaced Latin still collapses', () => {
  const ws: Word[] = [];
  let x = 72;
  // Slightly uneven advances, as a text layer or OCR gives them.
  for (const [i, ch] of Array.from('表格中的文字內容').entries()) {
    ws.push({ text: ch, bbox: { x0: x, y0: 100, x1: x + 10, y1: 110 }, fontSize: 10 });
    x += 10 + (i % 3 === 0 ? 3 : 0.5);
  }
  assert.equal(buildLines(ws)[0].text, '表格中的文字內容');
  const mixed: Word[] = [];
  x = 72;
  for (const ch of 'NOTE') { mixed.push({ text: ch, bbox: { x0: x, y0: 200, x1: x + 7, y1: 210 }, fontSize: 10 }); x += 10; }
  x += 15;
  for (const ch of '注意事項') { mixed.push({ text: ch, bbox: { x0: x, y0: 200, x1: x + 10, y1: 210 }, fontSize: 10 }); x += 10 + (ch === '意' ? 4 : 0.5); }
  const t = buildLines(mixed)[0].text;
  assert.ok(t.startsWith('NOTE'), t);
  assert.ok(t.endsWith('注意事項'), t);
});

test('a table-of-contents line with dot leaders keeps its word spaces', () => {
  const ws: Word[] = [...words('1.1 Security fundamentals', 72, 100)];
  let x = 210;
  while (x < 480) { ws.push({ text: '.', bbox: { x0: x, y0: 100, x1: x + 2.5, y1: 110 }, fontSize: 10, spaceAfter: true }); x += 5.5; }
  ws.push(...words('2', 490, 100));
  const t = buildLines(ws)[0].text;
  assert.ok(t.startsWith('1.1 Security fundamentals .'), t);
  assert.ok(t.endsWith('. 2'), t);
});

test('side-by-side bulleted lists on a slide are cut into columns, even when the columns are narrow', () => {
  // Three text boxes: a numbered list, a short bullet list, a label over a bullet list.
  const ws: Word[] = [];
  for (let i = 0; i < 3; i++) {
    const top = 100 + i * 22;
    ws.push(...words(`${i + 1}. List item${i + 4}`, 198, top, { size: 18 }));
    ws.push(...words(`• I${i + 1}`, 358, top, { size: 18 }));
    ws.push(...words(i === 0 ? 'Some info:' : `• Item ${'AB'[i - 1]}`, 451, top, { size: 18 }));
  }
  const texts = buildLines(ws).map((l) => l.text).sort();
  assert.deepEqual(texts, ['1. List item4', '2. List item5', '3. List item6', 'Some info:', '• I1', '• I2', '• I3', '• Item A', '• Item B'].sort());
  // A label and its value on one line ("Name:   Ada") still stay together.
  const form = [...words('Name:', 72, 300), ...words('Ada Lovelace', 160, 300), ...words('Born:', 72, 314), ...words('1815', 160, 314), ...words('Place:', 72, 328), ...words('London', 160, 328)];
  assert.deepEqual(buildLines(form).map((l) => l.text), ['Name: Ada Lovelace', 'Born: 1815', 'Place: London']);
});
