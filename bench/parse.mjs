#!/usr/bin/env node
// `npm run bench -- parse`: `docinline parse` over the corpus' born-digital PDFs as one command (pdf.js in
// worker threads, layout in the main thread), next to a `pdftotext` loop over the same files in the same
// run, alternating so both see the same machine load. Reports pages/s, CPU seconds, the ratio and peak
// RSS, the load average, then the engine's warm in-process pages/s.
//   --rounds=N     alternating rounds (default 3; medians are reported); every option also as `--key=value`
//   --dir DIR      PDFs to use (default: the corpus' pdf-text folder)
//   --concurrency N  passed to docinline parse (default: its own default, the number of cores)
//   --compare DIR    also run DIR/bin/docinline.mjs (another checkout, built) in every round, e.g. the
//                    previous commit: `git worktree add /tmp/before HEAD~1`, link node_modules, build
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
// `--key value` or `--key=value` (npm run bench passes only the arguments that start with "-").
const opt = (k, d) => {
  const eq = args.find((a) => a.startsWith(`${k}=`));
  if (eq) return eq.slice(k.length + 1);
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const rounds = Math.max(1, Number(opt('--rounds', '3')));
const dir = resolve(opt('--dir', [join(root, '../shared/corpus/pdf-text'), '/work/shared/corpus/pdf-text'].find((d) => existsSync(d)) ?? '.'));
const concurrency = opt('--concurrency');
const compare = opt('--compare') ? resolve(opt('--compare')) : undefined;

function have(bin) { return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0; }
if (!have('pdftotext')) {
  console.log('pdftotext is missing: installing poppler-utils');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', 'poppler-utils'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!have('pdftotext')) { console.error('pdftotext is not available; install poppler-utils'); process.exit(1); }
}
const cli = join(root, 'dist/adapters/node/cli.js');
if (!existsSync(cli)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });

const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => join(dir, f));
if (!files.length) { console.error(`no PDFs in ${dir}`); process.exit(1); }

const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * Runs a command; returns wall seconds, the peak RSS (VmHWM of the process, all threads) in MB and the
 * CPU seconds it used (user + system, all threads, as last seen in /proc before it exited).
 */
function timed(cmd, argv) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '', hwm = 0, cpu = 0;
    p.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = readFileSync(`/proc/${p.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
        const f = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpu = Math.max(cpu, (Number(f[11]) + Number(f[12])) / TICK);
      } catch { /* exited */ }
    }, 5);
    p.on('error', rej);
    p.on('close', (code) => {
      clearInterval(poll);
      res({ secs: Number(process.hrtime.bigint() - t0) / 1e9, rss: hwm, cpu, code, stderr });
    });
  });
}

async function pdftotextLoop(out) {
  const t0 = process.hrtime.bigint();
  for (const f of files) {
    const r = spawnSync('pdftotext', ['-q', f, join(out, 'x.txt')]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`pdftotext failed on ${f}`);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const pageCount = (() => {
  let n = 0;
  for (const f of files) {
    const r = spawnSync('pdfinfo', [f], { encoding: 'utf8' });
    const m = r.stdout?.match(/^Pages:\s+(\d+)/m);
    n += m ? Number(m[1]) : 0;
  }
  return n;
})();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tmp = mkdtempSync(join(tmpdir(), 'docinline-bench-'));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`${files.length} PDFs, ${pageCount} pages from ${dir}; ${availableParallelism()} cores; ${rounds} alternating rounds; load average ${load()}`);
const contenders = [{ name: 'docinline parse (one command)', bin: join(root, 'bin/docinline.mjs'), runs: [] }];
if (compare) contenders.push({ name: `compare: ${compare}`, bin: join(compare, 'bin/docinline.mjs'), runs: [] });
const theirs = [];
try {
  for (let i = 0; i < rounds; i++) {
    const parts = [];
    for (const c of contenders) {
      const out = join(tmp, `out${i}-${c.runs.length}-${contenders.indexOf(c)}`);
      const r = await timed(process.execPath, [c.bin, 'parse', dir, '--out', out, '--quiet', ...(concurrency ? ['--concurrency', concurrency] : [])]);
      if (r.code !== 0) { console.error(`${c.bin} parse failed (exit ${r.code}):\n${r.stderr}`); process.exit(1); }
      c.runs.push(r);
      parts.push(`${c === contenders[0] ? 'docinline' : 'compare'} ${r.secs.toFixed(2)} s (CPU ${r.cpu.toFixed(2)} s, peak RSS ${r.rss.toFixed(0)} MB)`);
    }
    theirs.push(await pdftotextLoop(tmp));
    console.log(`  round ${i + 1}: ${parts.join(', ')}, pdftotext loop ${theirs[i].toFixed(2)} s`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const theirsPps = pageCount / median(theirs);
console.log('');
for (const c of contenders) {
  const pps = pageCount / median(c.runs.map((r) => r.secs));
  console.log(`${c.name.padEnd(31)} ${pps.toFixed(1)} pages/s   CPU ${median(c.runs.map((r) => r.cpu)).toFixed(2)} s   peak RSS ${Math.max(...c.runs.map((r) => r.rss)).toFixed(0)} MB (median ${median(c.runs.map((r) => r.rss)).toFixed(0)} MB)   ratio to pdftotext ${(pps / theirsPps).toFixed(2)}x`);
}
console.log(`${'pdftotext loop'.padEnd(31)} ${theirsPps.toFixed(1)} pages/s`);
console.log(`target: ratio >= 0.5x, peak RSS < 300 MB; load average now ${load()}`);

// Warm, in-process: the engine alone, one thread, after one pass to load fonts and JIT the code.
const node = await import(pathToFileURL(join(root, 'dist/adapters/node/index.js')).href);
const runtime = node.createNodeRuntime({ ocrDefaults: false });
const buffers = files.map((f) => new Uint8Array(readFileSync(f)));
const pass = async () => { let pages = 0; for (const b of buffers) pages += (await node.parseDocument(b, {}, runtime)).stats.pages; return pages; };
await pass();
const warm = [];
for (let i = 0; i < rounds; i++) {
  const t0 = process.hrtime.bigint();
  const pages = await pass();
  warm.push(pages / (Number(process.hrtime.bigint() - t0) / 1e9));
}
console.log(`in-process warm (1 document at a time) ${median(warm).toFixed(1)} pages/s   (${warm.map((x) => x.toFixed(0)).join(', ')})`);
