import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphicsFromOperatorList } from '../../src/pdf/graphics.js';

// pdf.js 5.x OPS codes (the subset the walk uses) and constructPath's path codes.
const OPS = { save: 10, restore: 11, transform: 12, setLineWidth: 2, setGState: 9, constructPath: 91, stroke: 20, fill: 22, endPath: 28, setFillRGBColor: 59, setStrokeRGBColor: 58, paintFormXObjectBegin: 74, paintFormXObjectEnd: 75, paintImageXObject: 85 };
const M = 0, L = 1, C = 2, Z = 4;
const path = (...codes: number[]) => [new Float32Array(codes)];
const rect = (x: number, y: number, w: number, h: number) => [M, x, y, L, x + w, y, L, x + w, y + h, L, x, y + h, Z];
// A US-letter page's viewport transform at scale 1: flips y so the origin is top-left.
const VT = [1, 0, 0, -1, 0, 792];

function walk(ops: [number, unknown[]][]) {
  return graphicsFromOperatorList(ops.map((o) => o[0]), ops.map((o) => o[1]), OPS, VT);
}

test('stroked lines become rules in top-left page space', () => {
  const { rules } = walk([
    [OPS.setLineWidth, [0.5]],
    [OPS.constructPath, [OPS.stroke, path(M, 100, 700, L, 300, 700, M, 100, 700, L, 100, 600), [100, 600, 300, 700]]],
  ]);
  assert.equal(rules.length, 2);
  const h = rules.find((r) => r.orientation === 'h')!, v = rules.find((r) => r.orientation === 'v')!;
  assert.deepEqual([h.x0, h.y0, h.x1, h.y1], [100, 92, 300, 92]);
  assert.deepEqual([v.x0, v.y0, v.x1, v.y1], [100, 92, 100, 192]);
  assert.equal(h.width, 0.5);
});

test('a thin filled rectangle is a rule; a big one is a filled region; a white one is ignored', () => {
  const { rules, regions } = walk([
    [OPS.constructPath, [OPS.fill, path(...rect(50, 500, 200, 1)), null]],
    [OPS.constructPath, [OPS.fill, path(...rect(50, 300, 200, 100)), null]],
    [OPS.setFillRGBColor, ['#ffffff']],
    [OPS.constructPath, [OPS.fill, path(...rect(50, 200, 200, 1)), null]],
  ]);
  assert.equal(rules.length, 1);
  assert.equal(rules[0].orientation, 'h');
  assert.ok(Math.abs(rules[0].y0 - (792 - 500.5)) < 1e-6);
  assert.equal(regions.length, 1);
  assert.deepEqual(regions[0], { bbox: { x0: 50, y0: 392, x1: 250, y1: 492 }, kind: 'fill' });
});

test('the transform stack is followed through save/restore and form XObjects', () => {
  const { rules } = walk([
    [OPS.save, []],
    [OPS.transform, [2, 0, 0, 2, 10, 20]],
    [OPS.constructPath, [OPS.stroke, path(M, 0, 0, L, 50, 0), null]],
    [OPS.restore, []],
    [OPS.paintFormXObjectBegin, [[1, 0, 0, 1, 100, 0], null]],
    [OPS.constructPath, [OPS.stroke, path(M, 0, 0, L, 0, 30), null]],
    [OPS.paintFormXObjectEnd, []],
    [OPS.constructPath, [OPS.stroke, path(M, 0, 10, L, 40, 10), null]],
  ]);
  assert.equal(rules.length, 3);
  const [a, b, c] = rules;
  assert.deepEqual([a.x0, a.y0, a.x1, a.orientation], [10, 772, 110, 'h']);
  assert.equal(a.width, 2); // line width 1 scaled by the CTM
  assert.deepEqual([b.x0, b.y0, b.y1, b.orientation], [100, 762, 792, 'v']);
  assert.deepEqual([c.x0, c.y0, c.x1], [0, 782, 40]);
});

test('curves, diagonals and clipping paths are not rules; stroked rectangles give four edges', () => {
  const { rules } = walk([
    [OPS.constructPath, [OPS.stroke, path(M, 0, 0, C, 10, 10, 20, 10, 30, 0), null]],
    [OPS.constructPath, [OPS.stroke, path(M, 0, 0, L, 100, 80), null]],
    [OPS.constructPath, [OPS.endPath, path(...rect(0, 0, 300, 300)), null]],
    [OPS.constructPath, [OPS.stroke, path(...rect(100, 100, 50, 20)), null]],
  ]);
  assert.equal(rules.length, 4);
  assert.deepEqual(rules.map((r) => r.orientation).sort(), ['h', 'h', 'v', 'v']);
});

test('an image leaves an image region', () => {
  const { regions } = walk([
    [OPS.save, []],
    [OPS.transform, [200, 0, 0, 100, 50, 600]],
    [OPS.paintImageXObject, ['img_1', 10, 10]],
    [OPS.restore, []],
  ]);
  assert.deepEqual(regions, [{ bbox: { x0: 50, y0: 92, x1: 250, y1: 192 }, kind: 'image' }]);
});
