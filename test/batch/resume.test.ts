/**
 * `docinline parse DIR --out DIR --resume`, run as a user would (`node bin/docinline.mjs`, the built
 * dist/): finished outputs are skipped and left untouched, missing ones are made, a killed run leaves
 * no half output, and its leftover partial files are cleaned up.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePdf } from '../files/harness.js';
import { bin, buildCliIfStale } from '../helpers/built-cli.js';
import { tempDir, until } from './harness.js';

let tmp: ReturnType<typeof tempDir>;

before(() => {
  const cli = buildCliIfStale();
  assert.ok(existsSync(cli));
  tmp = tempDir('docinline-resume-');
});
after(() => tmp?.remove());

function run(args: string[]): { done: Promise<{ code: number | null; stderr: string }>; pid: number; kill(): void } {
  const p = spawn(process.execPath, [bin, ...args], { cwd: tmp.path, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return {
    pid: p.pid!,
    kill: () => p.kill('SIGKILL'),
    done: new Promise((resolve) => p.on('close', (code) => resolve({ code, stderr }))),
  };
}

function inputs(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `doc-${String(i).padStart(3, '0')}.pdf`), makePdf([`Document number ${i}`, `Body text of document ${i}`]));
}

const visible = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();

/** A pid that certainly belongs to no running process (a child that has exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('--resume skips finished outputs untouched, makes the missing ones, retries failures, removes stale partial files', async () => {
  const src = join(tmp.path, 'in');
  const out = join(tmp.path, 'out');
  inputs(src, 8);
  writeFileSync(join(src, 'zz-broken.pdf'), '%PDF-1.4 this is not a PDF');
  const first = await run(['parse', src, '--out', out, '-j', '2', '-q']).done;
  assert.equal(first.code, 1, 'the broken input fails the run');
  const made = visible(out);
  assert.equal(made.length, 8);
  const reference = new Map(made.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  assert.match(reference.get('doc-003.md')!, /Document number 3/);

  for (const f of ['doc-001.md', 'doc-004.md', 'doc-007.md']) unlinkSync(join(out, f));
  const stale = join(out, `.doc-001.md.partial-${deadPid()}-0123abcd`);
  writeFileSync(stale, '# half a docu');
  const kept = new Map(visible(out).map((f) => [f, statSync(join(out, f)).mtimeMs]));

  const second = await run(['parse', src, '--out', out, '-j', '2', '--resume']).done;
  assert.equal(second.code, 1, 'the broken input is tried again and fails again');
  assert.match(second.stderr, /--resume: 5 of 9 files already done, skipped/);
  assert.match(second.stderr, /zz-broken\.pdf/);
  assert.match(second.stderr, /^4 files, /m, 'only the four without output were converted');
  assert.deepEqual(visible(out), made);
  for (const [f, text] of reference) assert.equal(readFileSync(join(out, f), 'utf8'), text, f);
  for (const [f, mtime] of kept) assert.equal(statSync(join(out, f)).mtimeMs, mtime, `${f} was not rewritten`);
  assert.ok(!existsSync(stale), 'the partial file of a dead run is removed');

  const usage = await run(['parse', join(src, 'doc-000.pdf'), '--resume']).done;
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--resume goes with --out DIR/);
});

test('a run killed with SIGKILL leaves only complete outputs; --resume finishes the set', async (t) => {
  const src = join(tmp.path, 'many');
  const ref = join(tmp.path, 'many-ref');
  const out = join(tmp.path, 'many-out');
  inputs(src, 120);
  assert.equal((await run(['parse', src, '--out', ref, '-j', '2', '-q']).done).code, 0);

  const p = run(['parse', src, '--out', out, '-j', '2', '-q']);
  await until(async () => existsSync(out) && visible(out).length >= 5, 60_000, 'the first outputs', 5);
  p.kill();
  await p.done;
  const partway = visible(out);
  t.diagnostic(`${partway.length} of 120 outputs existed when the run was killed`);
  for (const f of partway) assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(ref, f), 'utf8'), `${f} is complete`);

  const r = await run(['parse', src, '--out', out, '-j', '2', '--resume']).done;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(visible(out), visible(ref));
  for (const f of visible(ref)) assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(ref, f), 'utf8'), f);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('.')), [], 'no partial files left');
  if (partway.length < 120) assert.match(r.stderr, new RegExp(`--resume: ${partway.length} of 120 files already done`));
});
