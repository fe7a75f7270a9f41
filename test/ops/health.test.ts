// /healthz and /readyz against real dependencies: local disk and S3 (s3rver) storage, the in-process
// queue and BullMQ on a real redis-server, and backends that are up or down. Each dependency is taken
// down for real and readiness must name it.
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startS3rver } from '../helpers/s3rver.js';
import { freePort, startRedis } from './harness.js';

type Readiness = { status: string; checks: Record<string, { status: string; error?: string; [k: string]: unknown }> };

async function readyz(gw: TestGateway, query = ''): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${gw.url}/readyz${query}`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe('healthz and readyz', () => {
  test('healthz answers while readyz reports storage, queue and the backend, all up', async () => {
    const up = await startFakeUpstream();
    cleanups.push(() => up.close());
    const gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url });
    cleanups.push(() => gw.close());

    const h = await fetch(`${gw.url}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok' });

    const r = await readyz(gw);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'ok');
    assert.deepEqual(Object.keys(r.body.checks).sort(), ['queue', 'storage', 'upstream']);
    assert.equal(r.body.checks.storage!.status, 'ok');
    assert.equal(r.body.checks.storage!.kind, 'local');
    assert.equal(r.body.checks.queue!.status, 'ok');
    assert.equal(r.body.checks.queue!.kind, 'memory');
    assert.equal(r.body.checks.queue!.waiting, 0);
    assert.equal(r.body.checks.upstream!.status, 'ok');
    const targets = r.body.checks.upstream!.targets as Record<string, { status: string; http: number }>;
    assert.deepEqual(targets[new URL(up.url).host], { status: 'ok', http: 200, ms: (targets[new URL(up.url).host] as { ms: number }).ms });
    // The probe is GET /v1/models on the backend, marked as such.
    const probe = up.requests.find((q) => q.path === '/v1/models');
    assert.ok(probe, 'the backend was probed');
    assert.equal(probe.headers['x-request-id'], 'readyz');
  });

  test('a backend that is down fails readiness and is named; ?skip=upstream leaves it out', async () => {
    const up = await startFakeUpstream();
    cleanups.push(() => up.close());
    const deadPort = await freePort();
    const gw = await startGateway({
      DOCINLINE_UPSTREAM_URL: up.url,
      DOCINLINE_MODEL_ROUTES: JSON.stringify({ 'big*': `http://127.0.0.1:${deadPort}/v1` }),
    });
    cleanups.push(() => gw.close());

    const r = await readyz(gw);
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'error');
    assert.equal(r.body.checks.storage!.status, 'ok');
    assert.equal(r.body.checks.queue!.status, 'ok');
    const u = r.body.checks.upstream!;
    assert.equal(u.status, 'error');
    assert.match(u.error!, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
    const targets = u.targets as Record<string, { status: string }>;
    assert.equal(targets[`127.0.0.1:${deadPort}`]!.status, 'error');
    assert.equal(targets[new URL(up.url).host]!.status, 'ok', 'the healthy backend is reported healthy');

    const skipped = await readyz(gw, '?skip=upstream');
    assert.equal(skipped.status, 200);
    assert.equal(skipped.body.checks.upstream!.status, 'skipped');

    const bad = await fetch(`${gw.url}/readyz?skip=%3Cscript%3E`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { param: string } }).error.param, 'skip');
  });

  test('S3 storage that goes down makes readyz fail with storage named', async () => {
    const up = await startFakeUpstream();
    cleanups.push(() => up.close());
    const s3 = await startS3rver();
    let s3Up = true;
    cleanups.push(() => (s3Up ? s3.close() : Promise.resolve()));
    const gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, ...s3.env });
    cleanups.push(() => gw.close());

    const ok = await readyz(gw);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.checks.storage!.kind, 's3');

    await s3.close();
    s3Up = false;
    const down = await readyz(gw);
    assert.equal(down.status, 503);
    assert.equal(down.body.checks.storage!.status, 'error');
    assert.ok(down.body.checks.storage!.error, 'the storage error is reported');
    assert.equal(down.body.checks.queue!.status, 'ok');
    assert.equal(down.body.checks.upstream!.status, 'ok');
  });

  test('a Redis queue that goes down makes readyz fail with queue named, and recover when it is back', async () => {
    const up = await startFakeUpstream();
    cleanups.push(() => up.close());
    let redis = await startRedis();
    cleanups.push(() => redis.stop());
    const gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_REDIS_URL: redis.url });
    cleanups.push(() => gw.close());

    const ok = await readyz(gw);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.checks.queue!.kind, 'redis');
    assert.equal(ok.body.checks.queue!.waiting, 0);

    await redis.stop();
    const down = await readyz(gw);
    assert.equal(down.status, 503);
    assert.equal(down.body.checks.queue!.status, 'error');
    assert.equal(down.body.checks.storage!.status, 'ok');

    // The same port again: the gateway reconnects and is ready again (and can then shut down cleanly).
    redis = await startRedis(redis.port);
    let back: Awaited<ReturnType<typeof readyz>> | null = null;
    for (let i = 0; i < 50; i++) {
      back = await readyz(gw);
      if (back.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(back!.status, 200, JSON.stringify(back!.body));
  });
});
