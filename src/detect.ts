/** File type from magic bytes. The file name is never consulted: a PNG named .pdf is a PNG. */

export type DetectedType =
  | { kind: 'pdf'; mime: 'application/pdf' }
  | { kind: 'image'; mime: string; format: 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'avif' | 'heif' }
  | { kind: 'unknown'; mime: 'application/octet-stream' };

const ascii = (b: Uint8Array, at: number, s: string) => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

export function detectType(b: Uint8Array): DetectedType {
  // PDF: "%PDF-" may be preceded by junk; the spec-tolerant readers allow it within the first 1 KiB.
  const head = Math.min(b.length, 1024);
  for (let i = 0; i + 5 <= head; i++) {
    if (b[i] === 0x25 && ascii(b, i, '%PDF-')) return { kind: 'pdf', mime: 'application/pdf' };
  }
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return { kind: 'image', mime: 'image/png', format: 'png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', mime: 'image/jpeg', format: 'jpeg' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { kind: 'image', mime: 'image/gif', format: 'gif' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { kind: 'image', mime: 'image/webp', format: 'webp' };
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')) return { kind: 'image', mime: 'image/tiff', format: 'tiff' };
  if (ascii(b, 0, 'BM') && b.length >= 26) return { kind: 'image', mime: 'image/bmp', format: 'bmp' };
  if (ascii(b, 4, 'ftyp')) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return { kind: 'image', mime: 'image/avif', format: 'avif' };
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return { kind: 'image', mime: 'image/heif', format: 'heif' };
  }
  return { kind: 'unknown', mime: 'application/octet-stream' };
}
