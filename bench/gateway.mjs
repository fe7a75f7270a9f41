#!/usr/bin/env node
// Gateway overhead against a local fake OpenAI-compatible backend, everything measured in one run:
//   1a. no documents, closed loop (100 connections, each sends its next request when the last answer
//       arrived): throughput next to a minimal hand-written undici pass-through proxy, and CPU per request;
//   1b. no documents, open loop (wrk2-style): a fixed request rate spread over 100 connections, latency
//       counted from when each request was due, at 25/50/75% of the reference proxy's throughput: the
//       latency the gateway adds at a load it can carry;
//   2. streaming: time to first chunk, gateway vs direct;
//   3. 500 concurrent streams through the gateway: all complete;
//   4. a 10-page text PDF sent as a data URL: added latency cold and on a cache hit.
// The backend, the gateway and the reference proxy run in their own processes (each with its own event
// loop); this process generates load with undici. Rounds are interleaved and medians reported, because
// the machine is shared: compare the ratios, not the absolute numbers.
//
// Why two latency figures: on a 2-core machine where the load generator, the backend and the proxy
// share the cores, a closed loop at 100 connections runs everything at saturation, so its latency is
// queueing (Little's law: latency = connections / throughput) and only restates throughput. The open
// loop asks what a client sees when the gateway is not the bottleneck.
//
//   npm run bench -- gateway [--compare DIR]
//     DURATION_MS=4000 (closed loop), OPEN_MS=3000 (open loop, per rate), ROUNDS=3,
//     GATEWAY_FROM=dist|src (default dist/ when built; `npm run build` first),
//     --compare DIR: also run DIR's built gateway (another checkout) in sections 1-2, e.g. before/after.
import { fork } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Agent, Client, Pool, request } from 'undici';

const ROLE = ['upstream', 'gateway', 'refproxy'].includes(process.argv[2]) ? process.argv[2] : undefined;
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
  // An optional checkout to run instead of this one (--compare).
  const base = process.argv[5] ? new URL(`file://${process.argv[5].replace(/\/?$/, '/')}`) : root;
  const { startServer } = await import(new URL(entry, base).href);
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
      const headers = { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: req.headers.authorization ?? '' };
      // Lengths are passed on both ways, so neither hop is re-encoded as chunked.
      if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
      const r = await request(upstream + req.url.replace(/^\/v1/, ''), {
        method: req.method,
        headers,
        body: req.method === 'GET' ? undefined : req,
        dispatcher: agent,
      });
      const out = { 'content-type': r.headers['content-type'] ?? 'application/json' };
      if (r.headers['content-length'] !== undefined) out['content-length'] = r.headers['content-length'];
      res.writeHead(r.statusCode, out);
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

/** Source files changed after dist/ was built (dist/ then does not run what the sources say). */
function staleSources() {
  const built = join(fileURLToPath(root), 'dist/adapters/node/server.js');
  if (!existsSync(built)) return null;
  const t = statSync(built).mtimeMs;
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && statSync(p).mtimeMs > t) out.push(p.slice(fileURLToPath(root).length));
    }
  };
  walk(join(fileURLToPath(root), 'src'));
  walk(join(fileURLToPath(root), 'adapters/node'));
  return out;
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

/**
 * Open-loop load, as wrk2 does it: request i is due at t0 + i/rate and goes to connection i mod
 * `connections` (each keeps one request in flight and queues the rest, like a client that keeps
 * sending on schedule). Latency is counted from when the request was due, not from when it could be
 * sent, so a stall is charged to every request it delayed (no coordinated omission). Timers tick at
 * 1 ms, so each tick sends what falls due before the next one; a request sent early is timed from its
 * send. `lag` is how late this process itself sent requests (its own share of the figures).
 */
async function openLoop(origin, { body, rate, connections, durationMs, path = '/v1/chat/completions' }) {
  const clients = Array.from({ length: connections }, () => new Client(origin, { pipelining: 1, keepAliveTimeout: 30_000 }));
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };
  // Connect every connection first: connection set-up is not what is measured.
  await Promise.all(clients.map(async (c) => (await c.request({ path, method: 'POST', headers, body })).body.dump({ limit: Infinity })));
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const gap = 1000 / rate;
  const lat = [];
  const lag = [];
  let errors = 0;
  let finished = 0;
  const t0 = performance.now() + 2;
  const started = t0;
  await new Promise((resolve) => {
    let i = 0;
    const fire = (k) => {
      const due = t0 + k * gap;
      const sent = performance.now();
      lag.push(Math.max(0, sent - due));
      const from = Math.min(due, sent);
      clients[k % connections]
        .request({ path, method: 'POST', headers, body })
        .then(async (r) => {
          await r.body.dump({ limit: Infinity });
          if (r.statusCode !== 200) errors++;
        })
        .catch(() => errors++)
        .finally(() => {
          lat.push(performance.now() - from);
          if (++finished === total) resolve();
        });
    };
    const tick = () => {
      const horizon = performance.now() + 1;
      while (i < total && t0 + i * gap < horizon) fire(i++);
      if (i < total) setTimeout(tick, Math.max(0, t0 + i * gap - performance.now() - 1));
    };
    setTimeout(tick, 2);
  });
  const secs = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  lat.sort((a, b) => a - b);
  lag.sort((a, b) => a - b);
  return { lat, n: lat.length, achieved: lat.length / secs, errors, lagP99: pct(lag, 99) };
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
  const OPEN = Number(process.env.OPEN_MS ?? 3000);
  const ROUNDS = Number(process.env.ROUNDS ?? 3);
  const argv = process.argv.slice(2);
  const ci = argv.findIndex((a) => a === '--compare' || a.startsWith('--compare='));
  const compareDir = ci < 0 ? undefined : argv[ci].includes('=') ? argv[ci].split('=')[1] : argv[ci + 1];
  if (compareDir && !existsSync(join(compareDir, 'dist/adapters/node/server.js'))) throw new Error(`--compare ${compareDir}: no dist/adapters/node/server.js there (build it first)`);
  const up = await spawn('upstream');
  // GATEWAY_FROM=dist|src forces one; by default dist/ whenever it has been built.
  const stale = staleSources();
  const fromDist = process.env.GATEWAY_FROM ? process.env.GATEWAY_FROM === 'dist' : stale !== null;
  const gw = await spawn('gateway', up.url, fromDist ? 'dist' : 'src');
  const ref = await spawn('refproxy', up.url);
  const cmp = compareDir ? await spawn('gateway', up.url, 'dist', compareDir) : null;
  const origin = (p) => `http://127.0.0.1:${p}`;
  const targets = { direct: origin(up.port), refproxy: origin(ref.port), gateway: origin(gw.port), ...(cmp ? { compare: origin(cmp.port) } : {}) };
  const proc = { direct: null, refproxy: ref, gateway: gw, compare: cmp };
  if (!fromDist) console.log('gateway: sources through tsx (run `npm run build` to bench what ships; tsx runs it measurably slower)');
  else console.log(`gateway: dist/ (compiled)${stale?.length ? `; WARNING: ${stale.length} source file(s) changed since the build, e.g. ${stale.slice(0, 3).join(', ')}` : ''}`);
  if (cmp) console.log(`compare: ${compareDir}/dist`);
  const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`load: ${process.env.DOCINLINE_LOG_LEVEL ?? 'info'}-level gateway logs to /dev/null; loadavg ${loadavg()}`);
  const names = Object.keys(targets);

  try {
    // 1a. no documents, closed loop at 100 concurrent connections
    const small = JSON.stringify({ model: 'deepseek-r1', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello.' }], temperature: 0.2 });
    for (const t of Object.values(targets)) await load(t, { body: small, concurrency: 100, durationMs: 1000 }); // warm-up
    const runs = Object.fromEntries(names.map((n) => [n, []]));
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
    console.log(`\n1a. no documents, closed loop: 100 connections, each sends its next request when its answer is in (${ROUNDS} interleaved rounds of ${DURATION} ms, medians)`);
    console.log('   target     req/s     p50 ms   p99 ms   errors   CPU/request in the proxy process');
    for (const name of names) {
      const cpu = proc[name] ? `${fmt(agg(name, 'cpuUs'), 1)} us` : '';
      console.log(`   ${name.padEnd(9)} ${fmt(agg(name, 'rps'), 0).padStart(7)}   ${fmt(agg(name, 'p50')).padStart(6)}   ${fmt(agg(name, 'p99')).padStart(6)}   ${String(runs[name].reduce((a, x) => a + x.errors, 0)).padStart(6)}   ${cpu}`);
    }
    const ratio = agg('gateway', 'rps') / agg('refproxy', 'rps');
    console.log(`   throughput gateway / reference proxy: ${fmt(ratio)}x (target >= 0.8)${cmp ? `; compare / reference: ${fmt(agg('compare', 'rps') / agg('refproxy', 'rps'))}x` : ''}`);
    // CPU time per request depends less on how busy the machine is than req/s does.
    const cpuG = agg('gateway', 'cpuUs');
    const cpuR = agg('refproxy', 'cpuUs');
    console.log(`   CPU per request: reference / gateway = ${fmt(cpuR / cpuG)}x (the capacity ratio if the proxy had a core to itself)`);
    console.log(`   latency here is queueing at saturation (~100 / throughput), so it restates throughput: gateway - direct p50 ${fmt(agg('gateway', 'p50') - agg('direct', 'p50'))} ms, p99 ${fmt(agg('gateway', 'p99') - agg('direct', 'p99'))} ms; reference - direct p50 ${fmt(agg('refproxy', 'p50') - agg('direct', 'p50'))} ms`);
    // One connection shows the per-request cost without any queueing.
    const one = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) for (const name of names) one[name].push(await load(targets[name], { body: small, concurrency: 1, durationMs: 1500 }));
    const p50 = (name) => median(one[name].map((x) => x.p50));
    const p99 = (name) => median(one[name].map((x) => x.p99));
    console.log(`   at 1 connection, p50/p99: ${names.map((n) => `${n} ${fmt(p50(n), 3)}/${fmt(p99(n), 3)} ms`).join(', ')}`);
    console.log(`   added by the gateway at 1 connection: p50 +${fmt(p50('gateway') - p50('direct'), 3)} ms, p99 +${fmt(p99('gateway') - p99('direct'), 3)} ms`);

    // 1b. no documents, open loop: fixed rates below saturation, 100 connections
    const refRps = agg('refproxy', 'rps');
    const rates = [0.25, 0.5, 0.75].map((f) => ({ f, rate: Math.max(50, Math.round(refRps * f / 50) * 50) }));
    const open = {};
    for (const { rate } of rates) open[rate] = Object.fromEntries(names.map((n) => [n, { lat: [], achieved: [], errors: 0, lag: [] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const { rate } of rates) {
        for (const name of names) {
          const res = await openLoop(targets[name], { body: small, rate, connections: 100, durationMs: OPEN });
          const o = open[rate][name];
          o.lat.push(...res.lat);
          o.achieved.push(res.achieved);
          o.errors += res.errors;
          o.lag.push(res.lagP99);
        }
      }
    }
    console.log(`\n1b. no documents, open loop (wrk2-style): fixed rates at 25/50/75% of the reference proxy's closed-loop req/s (${fmt(refRps, 0)}),`);
    console.log(`    100 connections, latency from when each request was due; ${ROUNDS} interleaved rounds of ${OPEN} ms per rate and target, percentiles over all of them`);
    console.log('   rate/s  target      p50 ms   p90 ms   p99 ms   max ms   achieved/s  errors   added over direct p50 / p99');
    for (const { f, rate } of rates) {
      for (const name of names) {
        const o = open[rate][name];
        o.lat.sort((a, b) => a - b);
        const add = name === 'direct' ? '' : `+${fmt(pct(o.lat, 50) - pct(open[rate].direct.lat, 50), 3)} / +${fmt(pct(o.lat, 99) - pct(open[rate].direct.lat, 99), 3)} ms`;
        console.log(`   ${(name === 'direct' ? `${rate} (${f * 100}%)` : '').padEnd(12)}${name.padEnd(10)} ${fmt(pct(o.lat, 50), 3).padStart(7)}  ${fmt(pct(o.lat, 90), 3).padStart(7)}  ${fmt(pct(o.lat, 99), 3).padStart(7)}  ${fmt(o.lat[o.lat.length - 1], 1).padStart(7)}   ${fmt(median(o.achieved), 0).padStart(8)}  ${String(o.errors).padStart(6)}   ${add}`);
      }
    }
    const gen = Math.max(...rates.flatMap(({ rate }) => names.map((n) => median(open[rate][n].lag))));
    console.log(`   targets: added p50 <= 1 ms, p99 <= 10 ms. This process sent requests up to ${fmt(gen, 2)} ms late (p99, worst rate/target): that is in every row alike.`);

    // 2. streaming time to first chunk
    const streamers = ['direct', 'gateway', ...(cmp ? ['compare'] : [])];
    console.log('\n2. streaming, time to first chunk (400 requests per target and round, 4 at a time)');
    const tt = Object.fromEntries(streamers.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) for (const name of streamers) tt[name].push(await firstChunk(targets[name], { n: 400, concurrency: 4 }));
    for (const name of streamers) {
      console.log(`   ${name.padEnd(8)} p50 ${fmt(median(tt[name].map((x) => x.p50)), 3)} ms  p90 ${fmt(median(tt[name].map((x) => x.p90)), 3)} ms  p99 ${fmt(median(tt[name].map((x) => x.p99)), 3)} ms`);
    }
    const later = (n) => median(tt[n].map((x) => x.p50)) - median(tt.direct.map((x) => x.p50));
    console.log(`   gateway later than direct: p50 ${fmt(later('gateway'), 3)} ms (target <= 2)${cmp ? `; compare: ${fmt(later('compare'), 3)} ms` : ''}`);

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
    const all = [up, gw, ref, ...(cmp ? [cmp] : [])];
    for (const c of all) c.child.send({ cmd: 'exit' });
    await new Promise((r) => setTimeout(r, 300));
    for (const c of all) if (c.child.exitCode === null) c.child.kill();
    console.log(`\nloadavg at the end: ${loadavg()}`);
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
