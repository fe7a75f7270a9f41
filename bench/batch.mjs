#!/usr/bin/env node
// Batches end to end: a real redis-server, `docinline serve` and 1, 2 or 4 `docinline worker` processes,
// driven by the official openai client, against the fake backend (test/helpers/fake-upstream.ts) with
// 50-200 ms latency per request (uniform), 5% of requests answered 500 and 2% answered 429 with
// retry-after: 1. The failure sequence is seeded, so every run meets the same backend.
//
//   A. 1,000 chat lines, default settings (16 requests of a batch in flight, 16 jobs per worker), and the
//      in-process queue (server alone) for comparison.
//   B. the same batch with 64 lanes and 4 jobs per worker, so that the workers are what limits it.
//   C. 200 /v1/parse lines (200 different PDFs): CPU-bound work.
// Each is checked (every custom_id exactly once across output and error files) and timed from
// POST /v1/batches to `completed`. The reference is the same requests sent straight to the backend by a
// minimal client loop with the same concurrency and the same retry rules: the ratio is what the batch
// machinery (validation, storage, queue, finalization, the gateway path) costs on top.
//
//   npm run bench -- batch        (LINES=1000 WORKERS=1,2,4 SCENARIOS=A,B,C by default)
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const rootPath = fileURLToPath(root);
const ROLE = process.argv[2];

// ---------------------------------------------------------------- the fake backend (child process)

function rng(seed) {
  // mulberry32: small, seeded, good enough to place failures
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- processes

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

function newestTs(dir) {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) m = Math.max(m, newestTs(p));
    else if (e.name.endsWith('.ts')) m = Math.max(m, statSync(p).mtimeMs);
  }
  return m;
}

function distIsFresh() {
  const cli = join(rootPath, 'dist/adapters/node/cli.js');
  if (!existsSync(cli)) return false;
  const t = statSync(cli).mtimeMs;
  return newestTs(join(rootPath, 'src')) <= t && newestTs(join(rootPath, 'adapters/node')) <= t;
}

const FRESH = distIsFresh();

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process and resolves once `ready` shows in its output. */
function start(cmd, args, env, ready, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: rootPath, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60_000);
    const onData = (d) => {
      out += d;
      if (out.length > 100_000) out = out.slice(-50_000);
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, pid: child.pid });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, sig) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? sig}):\n${out}`));
    });
  });
}

async function stop(p) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

function docinline(command, env, ready) {
  const args = FRESH
    ? [join(rootPath, 'bin/docinline.mjs'), command]
    : ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(join(rootPath, `adapters/node/commands/${command}.ts`))}); process.exitCode = await m.run([]);`];
  return start(process.execPath, args, { ...process.env, DOCINLINE_LOG_LEVEL: 'warn', ...env }, ready, `docinline ${command}`);
}

function forkUpstream() {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['upstream'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.add(child);
    child.once('message', (m) => resolve({ child, ...m }));
    child.once('error', reject);
  });
}

function ask(proc, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (key in m) {
        proc.child.off('message', on);
        resolve(m);
      }
    };
    proc.child.on('message', on);
    proc.child.send(msg);
  });
}

const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** CPU seconds used so far by a process (user + system). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- the runs

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FAILURES = { p500: 0.05, p429: 0.02, minMs: 50, maxMs: 200 };

async function runBatch(client, inputId, endpoint) {
  const t0 = performance.now();
  let b = await client.batches.create({ input_file_id: inputId, endpoint, completion_window: '24h' });
  while (!['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) {
    await sleep(100);
    b = await client.batches.retrieve(b.id);
  }
  const seconds = (performance.now() - t0) / 1000;
  const read = async (id) => (id ? (await (await client.files.content(id)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const out = await read(b.output_file_id);
  const err = await read(b.error_file_id);
  return { b, seconds, out, err };
}

function accounted(ids, out, err) {
  const seen = new Map();
  for (const l of [...out, ...err]) seen.set(l.custom_id, (seen.get(l.custom_id) ?? 0) + 1);
  const dup = [...seen.values()].filter((n) => n > 1).length;
  const missing = ids.filter((id) => !seen.has(id)).length;
  return { ok: dup === 0 && missing === 0 && seen.size === ids.length, dup, missing };
}

/** The reference: the same requests straight to the backend, `concurrency` at a time, same retry rules. */
async function directLoop(url, bodies, concurrency, policy) {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const one = async (body) => {
    for (let attempt = 1; ; attempt++) {
      const r = await fetch(url + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await r.arrayBuffer();
      if (r.ok) return;
      if (attempt >= policy.maxAttempts) return void failed++;
      const ra = r.headers.get('retry-after');
      const d = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      await sleep(ra ? Number(ra) * 1000 : d / 2 + Math.random() * (d / 2));
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await one(bodies[next++]);
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, failed };
}

function makePdfs(n) {
  // A one-page PDF per line, each with its own text (so nothing comes from the parse cache).
  const pdf = (lines) => {
    const esc = (s) => s.replace(/[\\()]/g, (c) => '\\' + c);
    const content = ['BT', '/F1 11 Tf', '72 740 Td', '14 TL', ...lines.map((l) => `(${esc(l)}) Tj T*`), 'ET'].join('\n');
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ];
    let s = '%PDF-1.4\n';
    const offsets = [];
    objects.forEach((o, i) => {
      offsets.push(s.length);
      s += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    const xref = s.length;
    s += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    s += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(s, 'latin1');
  };
  return Array.from({ length: n }, (_, i) =>
    pdf([`Report ${i}`, ...Array.from({ length: 40 }, (_, k) => `Paragraph ${k} of report ${i}: revenue, costs and the outlook for quarter ${k % 4 + 1}.`)]),
  );
}

async function main() {
  const LINES = Number(process.env.LINES ?? 1000);
  const WORKERS = (process.env.WORKERS ?? '1,2,4').split(',').map(Number);
  const SCENARIOS = (process.env.SCENARIOS ?? 'A,B,C').split(',');
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    console.error('redis-server is not installed (apt-get install -y redis-server; `npm test` installs it)');
    process.exit(1);
  }
  const { default: OpenAI, toFile } = await import('openai');
  const dataDir = join(rootPath, '.bench/batch-data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const redisPort = await freePort();
  const redis = await start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir], process.env, /Ready to accept connections/, 'redis-server');
  const up = await forkUpstream();
  const cpus = (await import('node:os')).cpus().length;
  console.log(`${FRESH ? 'docinline: dist/ (compiled)' : 'docinline: sources through tsx (dist/ is older than the sources: `npm run build` to bench what ships)'}; ${cpus} cores; loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`backend: ${FAILURES.minMs}-${FAILURES.maxMs} ms per request, ${FAILURES.p500 * 100}% HTTP 500, ${FAILURES.p429 * 100}% HTTP 429 (retry-after: 1), seeded`);

  const baseEnv = {
    DOCINLINE_UPSTREAM_URL: up.url,
    DOCINLINE_DATA_DIR: dataDir,
    DOCINLINE_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  };
  const rows = [];
  let seed = 1;
  let prefix = 0;
  const policy = { maxAttempts: 6, baseMs: 1000, maxMs: 60_000 };

  /** One measured batch: `workers` worker processes (0 = the server alone, in-process queue). */
  async function measure(label, { workers, env = {}, endpoint, text, ids, expectUpstream, warmup }) {
    const redisEnv = workers > 0 ? { DOCINLINE_REDIS_PREFIX: `bench${++prefix}`, DOCINLINE_BATCH_IN_SERVER: 'false' } : { DOCINLINE_REDIS_URL: '' };
    const all = { ...baseEnv, ...redisEnv, ...env };
    const server = await docinline('serve', { ...all, PORT: '0', HOST: '127.0.0.1' }, /listening on (http:\/\/\S+)/);
    const ws = [];
    for (let i = 0; i < workers; i++) ws.push(await docinline('worker', all, /taking batch jobs/));
    try {
      const client = new OpenAI({ baseURL: `${server.match[1]}/v1`, apiKey: 'bench', maxRetries: 2 });
      const input = await client.files.create({ file: await toFile(Buffer.from(text), 'input.jsonl'), purpose: 'batch' });
      if (warmup) {
        // Untimed: every worker loads its engine and warms its JIT on other documents first.
        const w = await client.files.create({ file: await toFile(Buffer.from(warmup), 'warmup.jsonl'), purpose: 'batch' });
        await runBatch(client, w.id, endpoint);
      }
      if (expectUpstream) await ask(up, { cmd: 'arm', seed: seed, n: Math.ceil(ids.length * 1.3), ...FAILURES }, 'armed');
      const cpu0 = [server, ...ws].map((p) => cpuSeconds(p.pid));
      const r = await runBatch(client, input.id, endpoint);
      const cpu = [server, ...ws].reduce((s, p, i) => s + cpuSeconds(p.pid) - cpu0[i], 0);
      const sent = expectUpstream ? (await ask(up, { cmd: 'count' }, 'count')).count : 0;
      const acc = accounted(ids, r.out, r.err);
      const row = {
        label,
        workers: workers || 'server only',
        status: r.b.status,
        lines: ids.length,
        completed: r.b.request_counts.completed,
        failed: r.b.request_counts.failed,
        exactlyOnce: acc.ok ? 'yes' : `NO (dup ${acc.dup}, missing ${acc.missing})`,
        seconds: r.seconds,
        linesPerS: ids.length / r.seconds,
        upstreamRequests: sent,
        cpuS: cpu,
      };
      rows.push(row);
      console.log(
        `  ${label.padEnd(34)} ${String(row.workers).padEnd(12)} ${row.status} ${row.completed}/${row.lines} ok, ${row.failed} failed, exactly once: ${row.exactlyOnce}; ` +
          `${row.seconds.toFixed(2)} s (${row.linesPerS.toFixed(1)} lines/s)${sent ? `, ${sent} backend requests` : ''}, docinline CPU ${cpu.toFixed(1)} s`,
      );
      return row;
    } finally {
      await Promise.all([stop(server), ...ws.map(stop)]);
    }
  }

  try {
    const chatIds = Array.from({ length: LINES }, (_, i) => `req-${i}`);
    const chatBodies = chatIds.map((_, i) => JSON.stringify({ model: 'deepseek-r1', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: `Summarize item ${i} in one line.` }] }));
    const chatText = chatIds.map((id, i) => `{"custom_id":"${id}","method":"POST","url":"/v1/chat/completions","body":${chatBodies[i]}}`).join('\n') + '\n';

    const speedups = {};
    if (SCENARIOS.includes('A')) {
      console.log(`\nA. ${LINES} chat lines, defaults (16 requests of the batch in flight; a worker runs 16 jobs)`);
      await ask(up, { cmd: 'arm', seed, n: Math.ceil(LINES * 1.3), ...FAILURES }, 'armed');
      const ref = await directLoop(up.url, chatBodies, 16, policy);
      console.log(`  ${'reference: direct client loop, 16'.padEnd(34)} ${''.padEnd(12)} ${ref.seconds.toFixed(2)} s (${(LINES / ref.seconds).toFixed(1)} lines/s), ${ref.failed} failed`);
      const a0 = await measure('in-process queue', { workers: 0, endpoint: '/v1/chat/completions', text: chatText, ids: chatIds, expectUpstream: true });
      console.log(`    ratio to the reference: ${(a0.seconds / ref.seconds).toFixed(2)}x the time`);
      const a = {};
      for (const w of WORKERS) a[w] = await measure('BullMQ', { workers: w, endpoint: '/v1/chat/completions', text: chatText, ids: chatIds, expectUpstream: true });
      for (const w of WORKERS) console.log(`    ${w} worker(s): ${(a[w].seconds / ref.seconds).toFixed(2)}x the reference's time, speed-up over 1 worker ${(a[WORKERS[0]].seconds / a[w].seconds).toFixed(2)}x`);
      speedups.A = a;
    }
    if (SCENARIOS.includes('B')) {
      console.log(`\nB. ${LINES} chat lines, 64 lanes, a worker runs 4 jobs: the workers are the limit`);
      const env = { DOCINLINE_BATCH_CONCURRENCY: '64', DOCINLINE_WORKER_CONCURRENCY: '4' };
      const b = {};
      for (const w of WORKERS) b[w] = await measure('BullMQ', { workers: w, env, endpoint: '/v1/chat/completions', text: chatText, ids: chatIds, expectUpstream: true });
      for (const w of WORKERS) {
        await ask(up, { cmd: 'arm', seed, n: Math.ceil(LINES * 1.3), ...FAILURES }, 'armed');
        const ref = await directLoop(up.url, chatBodies, 4 * w, policy);
        console.log(`    ${w} worker(s): speed-up over 1 worker ${(b[WORKERS[0]].seconds / b[w].seconds).toFixed(2)}x; reference loop at ${4 * w} in flight ${ref.seconds.toFixed(2)} s → ${(b[w].seconds / ref.seconds).toFixed(2)}x its time`);
      }
      speedups.B = b;
    }
    if (SCENARIOS.includes('C')) {
      const n = Math.min(200, LINES);
      const warm = 64;
      console.log(`\nC. ${n} /v1/parse lines (${n} different 1-page PDFs uploaded as files): CPU-bound; each run after an untimed ${warm}-line warm-up batch`);
      // Upload once through a short-lived server; files live in the shared data dir.
      const srv = await docinline('serve', { ...baseEnv, DOCINLINE_REDIS_URL: '', PORT: '0', HOST: '127.0.0.1' }, /listening on (http:\/\/\S+)/);
      let text;
      let warmup;
      const ids = Array.from({ length: n }, (_, i) => `doc-${i}`);
      try {
        const client = new OpenAI({ baseURL: `${srv.match[1]}/v1`, apiKey: 'bench' });
        const pdfs = makePdfs(n + warm);
        const fileIds = [];
        for (let i = 0; i < n + warm; i++) fileIds.push((await client.files.create({ file: await toFile(pdfs[i], `report-${i}.pdf`), purpose: 'user_data' })).id);
        const line = (id, fid) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/parse?format=markdown', body: { file_id: fid } });
        text = ids.map((id, i) => line(id, fileIds[i])).join('\n') + '\n';
        warmup = Array.from({ length: warm }, (_, i) => line(`warm-${i}`, fileIds[n + i])).join('\n') + '\n';
      } finally {
        await stop(srv);
      }
      const c = {};
      for (const w of WORKERS) c[w] = await measure('BullMQ, parse', { workers: w, endpoint: '/v1/parse', text, ids, expectUpstream: false, warmup });
      for (const w of WORKERS) console.log(`    ${w} worker(s): speed-up over 1 worker ${(c[WORKERS[0]].seconds / c[w].seconds).toFixed(2)}x`);
      speedups.C = c;
    }
    const bad = rows.filter((r) => r.exactlyOnce !== 'yes' || r.status !== 'completed' || r.completed + r.failed !== r.lines);
    if (bad.length) {
      console.error(`\n${bad.length} run(s) did not account for every line exactly once`);
      process.exitCode = 1;
    }
  } finally {
    for (const c of children) if (c !== redis.child) c.kill('SIGKILL');
    await stop(redis);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- entry

if (ROLE === 'upstream') {
  const { startFakeUpstream } = await import(new URL('test/helpers/fake-upstream.ts', root).href);
  const up = await startFakeUpstream({ record: true });
  process.on('message', (m) => {
    if (m.cmd === 'arm') {
      up.reset();
      const r = rng(m.seed);
      const plan = [];
      for (let i = 0; i < m.n; i++) {
        const delayMs = Math.round(m.minMs + r() * (m.maxMs - m.minMs));
        const x = r();
        if (x < m.p500) plan.push({ status: 500, delayMs });
        else if (x < m.p500 + m.p429) plan.push({ status: 429, delayMs, headers: { 'retry-after': '1' } });
        else plan.push({ delayMs });
      }
      up.enqueue(...plan);
      up.setDefault({ delayMs: Math.round((m.minMs + m.maxMs) / 2) });
      process.send({ armed: true });
    }
    if (m.cmd === 'count') process.send({ count: up.requests.length, statuses: null });
    if (m.cmd === 'exit') up.close().then(() => process.exit(0));
  });
  process.send({ url: up.url, port: up.port });
} else {
  await main();
}
