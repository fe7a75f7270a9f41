/** 2-D affine transforms as pdf.js writes them: [a, b, c, d, e, f]. */
export type Matrix = [number, number, number, number, number, number] | number[];

/** m1 × m2, where m2 is applied first (PDF `cm` concatenates onto the CTM). */
export function multiply(m1: ArrayLike<number>, m2: ArrayLike<number>): [number, number, number, number, number, number] {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

export function applyPoint(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}
