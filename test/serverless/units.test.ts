/**
 * Pieces of the Worker that run the same in Node: its configuration, the PNG reader (checked against
 * sharp/libvips decoding the same files), the parse gate and the parse-path header.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { ConfigError } from '../../src/config.js';
import { DocinlineError } from '../../src/errors.js';
import { loadWorkerConfig, WORKER_CEILINGS } from '../../adapters/cloudflare/config.js';
import { decodePng, readPngHeader } from '../../adapters/cloudflare/png.js';
import { ParseGate, parsePathHeader } from '../../adapters/cloudflare/gate.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));

describe('Worker configuration', () => {
  test('the Node names, with smaller defaults for an isolate', () => {
    const { config, worker } = loadWorkerConfig({ DOCINLINE_UPSTREAM_URL: 'https://api.example.com/v1/', FILES: {}, JOBS: { send() {} } });
    assert.equal(config.upstream.url, 'https://api.example.com/v1');
    assert.equal(config.limits.maxFileBytes, 10 * 1024 * 1024);
    assert.equal(config.limits.maxPages, 50);
    assert.equal(config.limits.maxDocuments, 5);
    assert.equal(worker.parseService.url, null);
    assert.equal(worker.ocr, 'auto');
    assert.equal(worker.ocrMaxPixels, 4_000_000);
    assert.equal(worker.r2Prefix, 'docinline/');
  });

  test('vars override the defaults; the parse service is read', () => {
    const { config, worker } = loadWorkerConfig({
      DOCINLINE_MAX_PAGES: '120',
      DOCINLINE_PARSE_SERVICE_URL: 'https://parse.internal/v1/',
      DOCINLINE_PARSE_SERVICE_API_KEY: 'k',
      DOCINLINE_WORKER_OCR: 'off',
    });
    assert.equal(config.limits.maxPages, 120);
    assert.equal(worker.parseService.url, 'https://parse.internal/v1');
    assert.equal(worker.parseService.apiKey, 'k');
    assert.equal(worker.ocr, 'off');
  });

  test('values one isolate cannot hold are refused, every problem listed', () => {
    assert.throws(
      () => loadWorkerConfig({ DOCINLINE_MAX_FILE_BYTES: String(100 * 1024 * 1024), DOCINLINE_MAX_PAGES: '2000', DOCINLINE_PARSE_SERVICE_URL: 'ftp://x', DOCINLINE_WORKER_OCR_MAX_PIXELS: '40000000' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const text = e.problems.join('\n');
        assert.match(text, new RegExp(`DOCINLINE_MAX_FILE_BYTES=104857600 is above .*at most ${WORKER_CEILINGS.maxFileBytes}`));
        assert.match(text, /DOCINLINE_MAX_PAGES=2000/);
        assert.match(text, /DOCINLINE_PARSE_SERVICE_URL="ftp:\/\/x": must be an http\(s\) URL/);
        assert.match(text, /DOCINLINE_WORKER_OCR_MAX_PIXELS/);
        return true;
      },
    );
    // The Node-level problems and the Worker's own are reported together.
    assert.throws(
      () => loadWorkerConfig({ DOCINLINE_UPSTREAM_URL: 'nope', DOCINLINE_WORKER_OCR: 'maybe' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 2, e.problems.join('\n'));
        return true;
      },
    );
  });
});

describe('PNG reader', () => {
  /** Our decode against libvips', pixel for pixel (8-bit, same channel layout). */
  async function sameAsSharp(png: Buffer): Promise<{ width: number; height: number; channels: number }> {
    const ours = await decodePng(png, 50_000_000);
    const ref = await sharp(png).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    assert.equal(ours.width, ref.info.width);
    assert.equal(ours.height, ref.info.height);
    let refData: Uint8Array = ref.data;
    if (ref.info.channels !== ours.channels) {
      // libvips keeps gray+alpha as 2 channels; ours expands it to RGBA.
      assert.equal(ref.info.channels, 2);
      const n = ours.width * ours.height;
      const x = new Uint8Array(n * 4);
      for (let i = 0; i < n; i++) x.set([ref.data[i * 2]!, ref.data[i * 2]!, ref.data[i * 2]!, ref.data[i * 2 + 1]!], i * 4);
      refData = x;
    }
    assert.equal(ours.data.length, refData.length);
    let diff = 0;
    for (let i = 0; i < refData.length; i++) if (ours.data[i] !== refData[i]) diff++;
    assert.equal(diff, 0, `${diff} samples differ`);
    return ours;
  }

  test('RGB, RGBA and the committed screenshots decode exactly as libvips does', async () => {
    for (const f of ['images/screenshot-light.png', 'images/screenshot-dark.png', 'images/transparent.png', 'images/table.png']) await sameAsSharp(fixture(f));
  });

  test('palette, gray, gray+alpha, 16-bit and interlaced variants', async () => {
    const src = sharp(fixture('images/table.png'));
    const variants: Record<string, Buffer> = {
      palette: await src.clone().png({ palette: true, colours: 16 }).toBuffer(),
      palette2: await src.clone().png({ palette: true, colours: 2 }).toBuffer(),
      gray: await src.clone().grayscale().png().toBuffer(),
      grayAlpha: await src.clone().grayscale().ensureAlpha(0.5).png().toBuffer(),
      rgb16: await src.clone().toColourspace('rgb16').png().toBuffer(),
      interlaced: await src.clone().png({ progressive: true }).toBuffer(),
      interlacedPalette: await src.clone().png({ progressive: true, palette: true, colours: 4 }).toBuffer(),
    };
    for (const [name, png] of Object.entries(variants)) {
      try {
        await sameAsSharp(png);
      } catch (e) {
        throw new Error(`${name} (colour type ${png[25]}, depth ${png[24]}, interlace ${png[28]}): ${(e as Error).message}`);
      }
    }
  });

  test('bombs are refused from the header; truncated files fail cleanly', async () => {
    assert.throws(() => readPngHeader(fixture('gateway/bomb.png'), 40_000_000), (e: unknown) => e instanceof DocinlineError && e.code === 'too_many_pixels');
    await assert.rejects(decodePng(fixture('images/truncated.png'), 40_000_000), (e: unknown) => e instanceof DocinlineError && e.code === 'truncated_document');
    await assert.rejects(decodePng(fixture('images/zero-size.png'), 40_000_000), (e: unknown) => e instanceof DocinlineError && e.code === 'invalid_document');
  });
});

describe('parse gate and path header', () => {
  test('parses past the byte budget wait their turn; too many waiting are refused', async () => {
    const gate = new ParseGate(10, 1);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run(8, () => new Promise<void>((r) => (release = () => { order.push('a'); r(); })));
    const second = gate.run(8, async () => { order.push('b'); });
    await assert.rejects(gate.run(1, async () => {}), (e: unknown) => e instanceof DocinlineError && e.code === 'server_overloaded' && e.status === 503);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(order, [], 'the second waits while the first holds the budget');
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['a', 'b']);
    // Small ones share the budget.
    let inside = 0;
    let most = 0;
    await Promise.all([1, 2, 3].map(() => gate.run(3, async () => { most = Math.max(most, ++inside); await new Promise((r) => setTimeout(r, 5)); inside--; })));
    assert.equal(most, 3);
  });

  test('header lists each way once, cache hits included', () => {
    assert.equal(parsePathHeader([], 0), null);
    assert.equal(parsePathHeader(['worker'], 0), 'worker');
    assert.equal(parsePathHeader(['worker', 'delegated', 'worker'], 2), 'worker, delegated, cache');
    assert.equal(parsePathHeader([], 1), 'cache');
  });
});
