#!/usr/bin/env node
// Gateway overhead against a local fake OpenAI-compatible backend, everything measured in one run:
//   1. no documents, 100 concurrent connections: latency over calling the backend directly, and
//      throughput next to a minimal hand-written undici pass-through proxy;
//   2. streaming: time to first chunk, gateway vs direct;
//   3. 500 concurrent streams through the gateway: all complete;
//   4. a 10-page text PDF sent as a data URL: added latency cold and on a cache hit.
// The backend, the gateway and the reference proxy run in their own processes (each with its own event
// loop); this process generates load with undici. Rounds are interleaved and medians reported, because
// the machine is shared: compare the ratios, not the absolute numbers.
//
//   npm run bench -- gateway            (DURATION_MS=4000 ROUNDS=3 by default; GATEWAY_FROM=dist|src)
import { fork } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Agent, Pool, request } from 'undici';

const ROLE = process.argv[2];
const root = new URL('..', import.meta.url);

// ---------------------------------------------------------------- child processes

if (ROLE === 'upstream') {
  const { startFakeUpstream } = await import(new URL('test/helpers/fake-upstream.ts', root).href);
  const up = await startFakeUpstream({ record: false });
  process.on('message', (m) => {
    if (m.cmd === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m.cmd === 'default') up.setDefault(m.behaviour);
    if (m.cmd === 'exit') process.exit(0);
  });
  process.send({ port: up.port, url: up.url });
} else if (ROLE === 'gateway') {
  const entry = process.argv[4] === 'dist' ? 'dist/adapters/node/server.js' : 'adapters/node/server.ts';
  const { startServer } = await import(new URL(entry, root).href);
  const srv = await startServer({
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DOCINLINE_UPSTREAM_URL: process.argv[3],
      DOCINLINE_DATA_DIR: fileURLToPath(new URL('.bench/gateway-data', root)),
      DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_LOG_LEVEL ?? 'info',
    },
  });
  process.on('message', (m) => {
    if (m.cmd === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m.cmd === 'exit') srv.close().then(() => process.exit(0));
  });
  process.send({ port: srv.port });
} else if (ROLE === 'refproxy') {
  // The reference: what a careful hand-written pass-through proxy costs (no parsing, no validation).
  const upstream = process.argv[3];
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: null });
  const server = createServer(async (req, res) => {
    try {
      const r = await request(upstream + req.url.replace(/^\/v1/, ''), {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: req.headers.authorization ?? '' },
        body: req.method === 'GET' ? undefined : req,
        dispatcher: agent,
      });
      res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] ?? 'application/json' });
      for await (const chunk of r.body) res.write(chunk);
      res.end();
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m.cmd === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m.cmd === 'exit') process.exit(0);
  });
}

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill();
});

/** True when dist/ was built after every source file changed: the gateway then runs as it ships. */
function distIsFresh() {
  const built = join(fileURLToPath(root), 'dist/adapters/node/server.js');
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  const newest = (dir) => {
    let m = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) m = Math.max(m, newest(p));
      else if (e.name.endsWith('.ts')) m = Math.max(m, statSync(p).mtimeMs);
    }
    return m;
  };
  return newest(join(fileURLToPath(root), 'src')) <= t && newest(join(fileURLToPath(root), 'adapters/node')) <= t;
}

function spawn(role, ...args) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [role, ...args], {
      // The compiled gateway runs on plain node; the fake backend is TypeScript (test/helpers).
      execArgv: args.includes('dist') ? [] : ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.add(child);
    child.once('message', (m) => resolve({ child, ...m }));
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      if (code) reject(new Error(`${role} exited with ${code}`));
    });
  });
}

function cpuOf(proc) {
  return new Promise((resolve) => {
    proc.child.once('message', (m) => resolve(m.cpu));
    proc.child.send({ cmd: 'cpu' });
  });
}

// ---------------------------------------------------------------- load generation

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** Closed-loop load: `concurrency` requests always in flight for `durationMs`. */
async function load(origin, { body, concurrency, durationMs, path = '/v1/chat/completions' }) {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const lat = [];
  let errors = 0;
  let stop = false;
  const t0 = performance.now();
  const worker = async () => {
    while (!stop) {
      const s = performance.now();
      try {
        const r = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body });
        await r.body.dump({ limit: Infinity });
        if (r.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      lat.push(performance.now() - s);
      if (performance.now() - t0 > durationMs) stop = true;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  await pool.close();
  lat.sort((a, b) => a - b);
  return { n: lat.length, rps: lat.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), errors };
}

/** Time to the first body chunk of a streaming request, `n` requests `concurrency` at a time. */
async function firstChunk(origin, { n, concurrency }) {
  const pool = new Pool(origin, { connections: concurrency, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const ttfc = [];
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const s = performance.now();
      const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      let first = true;
      for await (const _ of r.body) {
        if (first) ttfc.push(performance.now() - s);
        first = false;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  ttfc.sort((a, b) => a - b);
  return { p50: pct(ttfc, 50), p90: pct(ttfc, 90), p99: pct(ttfc, 99) };
}

/** `n` streams at once; counts the ones that ended with [DONE]. */
async function manyStreams(origin, n) {
  const agent = new Pool(origin, { connections: n, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      try {
        const r = await agent.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await r.body.text();
        return r.statusCode === 200 && text.trimEnd().endsWith('data: [DONE]');
      } catch {
        return false;
      }
    }),
  );
  const ms = performance.now() - t0;
  await agent.close();
  return { ok: results.filter(Boolean).length, ms };
}

async function timed(origin, body) {
  const s = performance.now();
  const r = await request(origin + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await r.body.dump({ limit: Infinity });
  if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`);
  return { ms: performance.now() - s, headers: r.headers };
}

// ---------------------------------------------------------------- the run

async function main() {
  const DURATION = Number(process.env.DURATION_MS ?? 4000);
  const ROUNDS = Number(process.env.ROUNDS ?? 3);
  const up = await spawn('upstream');
  // GATEWAY_FROM=dist|src forces one; by default dist/ when it is newer than every source file.
  const fresh = process.env.GATEWAY_FROM ? process.env.GATEWAY_FROM === 'dist' : distIsFresh();
  const gw = await spawn('gateway', up.url, fresh ? 'dist' : 'src');
  const ref = await spawn('refproxy', up.url);
  const origin = (p) => `http://127.0.0.1:${p}`;
  const targets = { direct: origin(up.port), refproxy: origin(ref.port), gateway: origin(gw.port) };
  console.log(fresh ? 'gateway: dist/ (compiled)' : 'gateway: sources through tsx (dist/ is missing or older than the sources: `npm run build` to bench what ships)');
  console.log(`load: ${process.env.DOCINLINE_LOG_LEVEL ?? 'info'}-level gateway logs to /dev/null; loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

  try {
    // 1. no documents at 100 concurrent connections
    const small = JSON.stringify({ model: 'deepseek-r1', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello.' }], temperature: 0.2 });
    for (const t of Object.values(targets)) await load(t, { body: small, concurrency: 100, durationMs: 1000 }); // warm-up
    const runs = { direct: [], refproxy: [], gateway: [] };
    const proc = { direct: null, refproxy: ref, gateway: gw };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, t] of Object.entries(targets)) {
        const before = proc[name] && (await cpuOf(proc[name]));
        const res = await load(t, { body: small, concurrency: 100, durationMs: DURATION });
        if (before) {
          const after = await cpuOf(proc[name]);
          res.cpuUs = (after.user + after.system - before.user - before.system) / res.n;
        }
        runs[name].push(res);
      }
    }
    const agg = (name, k) => median(runs[name].map((x) => x[k]));
    console.log(`\n1. no documents, 100 concurrent connections, non-stream (${ROUNDS} interleaved rounds of ${DURATION} ms, medians)`);
    console.log('   target     req/s     p50 ms   p99 ms   errors');
    for (const name of Object.keys(targets)) {
      console.log(`   ${name.padEnd(9)} ${fmt(agg(name, 'rps'), 0).padStart(7)}   ${fmt(agg(name, 'p50')).padStart(6)}   ${fmt(agg(name, 'p99')).padStart(6)}   ${runs[name].reduce((a, x) => a + x.errors, 0)}`);
    }
    const addP50 = agg('gateway', 'p50') - agg('direct', 'p50');
    const addP99 = agg('gateway', 'p99') - agg('direct', 'p99');
    const ratio = agg('gateway', 'rps') / agg('refproxy', 'rps');
    console.log(`   added latency over direct: p50 ${fmt(addP50)} ms (target <= 1), p99 ${fmt(addP99)} ms (target <= 10)`);
    console.log(`   throughput gateway / reference proxy: ${fmt(ratio)}x (target >= 0.8)`);
    console.log(`   (reference proxy over direct: p50 +${fmt(agg('refproxy', 'p50') - agg('direct', 'p50'))} ms)`);
    // CPU time per request does not depend on how busy the machine is: the fairest comparison here.
    const cpuG = agg('gateway', 'cpuUs');
    const cpuR = agg('refproxy', 'cpuUs');
    console.log(`   CPU per request in the proxy process: gateway ${fmt(cpuG, 1)} us, reference ${fmt(cpuR, 1)} us -> capacity ratio ${fmt(cpuR / cpuG)}x`);
    // Low load shows the per-request cost without queueing behind 100 others.
    const one = { direct: [], refproxy: [], gateway: [] };
    for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(one)) one[name].push(await load(targets[name], { body: small, concurrency: 1, durationMs: 1500 }));
    const p50 = (name) => median(one[name].map((x) => x.p50));
    const p99 = (name) => median(one[name].map((x) => x.p99));
    console.log(`   at 1 connection, p50/p99: direct ${fmt(p50('direct'), 3)}/${fmt(p99('direct'), 3)} ms, reference ${fmt(p50('refproxy'), 3)}/${fmt(p99('refproxy'), 3)} ms, gateway ${fmt(p50('gateway'), 3)}/${fmt(p99('gateway'), 3)} ms`);
    console.log(`   added by the gateway at 1 connection: p50 +${fmt(p50('gateway') - p50('direct'), 3)} ms, p99 +${fmt(p99('gateway') - p99('direct'), 3)} ms`);

    // 2. streaming time to first chunk
    console.log('\n2. streaming, time to first chunk (400 requests per target and round)');
    const tt = { direct: [], gateway: [] };
    for (let r = 0; r < ROUNDS; r++) for (const name of ['direct', 'gateway']) tt[name].push(await firstChunk(targets[name], { n: 400, concurrency: 4 }));
    for (const name of ['direct', 'gateway']) {
      console.log(`   ${name.padEnd(8)} p50 ${fmt(median(tt[name].map((x) => x.p50)), 3)} ms  p90 ${fmt(median(tt[name].map((x) => x.p90)), 3)} ms  p99 ${fmt(median(tt[name].map((x) => x.p99)), 3)} ms`);
    }
    console.log(`   gateway later than direct: p50 ${fmt(median(tt.gateway.map((x) => x.p50)) - median(tt.direct.map((x) => x.p50)), 3)} ms (target <= 2)`);

    // 3. 500 concurrent streams, each ~1 s long
    up.child.send({ cmd: 'default', behaviour: { chunkDelayMs: 50, content: Array.from({ length: 16 }, (_, i) => `w${i} `) } });
    await new Promise((r) => setTimeout(r, 50));
    const many = await manyStreams(targets.gateway, 500);
    console.log(`\n3. 500 concurrent streams through the gateway (~20 events, 50 ms apart): ${many.ok}/500 complete with [DONE] in ${fmt(many.ms, 0)} ms`);
    up.child.send({ cmd: 'default', behaviour: {} });
    await new Promise((r) => setTimeout(r, 50));

    // 4. a 10-page text PDF as a data URL
    const pdf = readFileSync(new URL('fixtures/gateway/ten-pages.pdf', root));
    const docBody = (bytes) =>
      JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise.' }, { type: 'image_url', image_url: { url: `data:application/pdf;base64,${bytes.toString('base64')}#transform=inline` } }] }],
      });
    const N = 25;
    const cold = [];
    const hit = [];
    const direct = [];
    const parseMs = [];
    let pages = '';
    const fixed = docBody(pdf);
    await timed(targets.gateway, fixed); // first parse loads pdf.js: not counted
    // Unique bytes after %%EOF: the same parse work, a different cache key.
    const bodies = Array.from({ length: N }, (_, i) => docBody(Buffer.concat([pdf, Buffer.from(`\n%bench ${i} ${Math.random()}\n`)])));
    for (const body of bodies) {
      direct.push((await timed(targets.direct, body)).ms);
      const c = await timed(targets.gateway, body);
      cold.push(c.ms);
      parseMs.push(Number(c.headers['x-docinline-parse-ms']));
      pages = c.headers['x-docinline-pages'];
    }
    // Hits in their own pass, so they do not pay for the garbage the cold parse just left behind.
    for (const body of bodies) {
      const h = await timed(targets.gateway, body);
      if (h.headers['x-docinline-cache-hits'] !== '1') throw new Error('expected a cache hit');
      hit.push(h.ms);
    }
    const d = median(direct);
    console.log(`\n4. 10-page text PDF (${pdf.length} bytes) as a data URL, ${N} requests each, sequential, medians`);
    console.log(`   direct (backend gets the data URL as is): ${fmt(d, 3)} ms; gateway pages inlined: ${pages}`);
    console.log(`   cold (parse):   ${fmt(median(cold), 3)} ms  -> added ${fmt(median(cold) - d, 3)} ms (x-docinline-parse-ms median ${fmt(median(parseMs), 1)})`);
    console.log(`   cache hit:      ${fmt(median(hit), 3)} ms  -> added ${fmt(median(hit) - d, 3)} ms (target <= 5)`);
  } finally {
    for (const c of [up, gw, ref]) c.child.send({ cmd: 'exit' });
    await new Promise((r) => setTimeout(r, 300));
    for (const c of [up, gw, ref]) if (c.child.exitCode === null) c.child.kill();
  }
}

if (!ROLE) {
  try {
    await main();
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    for (const c of children) c.kill();
  }
}
