/**
 * A Durable Object per name holding one lease or one counter: the batch queue's locks ("lock:<key>"),
 * its job de-duplication marks ("job:<id>") and its shared counters ("count:<key>"). A Durable Object runs one call at a time, so read-then-write here
 * is atomic, which KV (eventually consistent) and Queues (no de-duplication) cannot offer. A lease has
 * an expiry, so a holder that dies frees it after its TTL.
 */
import { DurableObject } from 'cloudflare:workers';

interface Lease {
  token: string;
  until: number;
}

interface Counter {
  n: number;
  until: number;
}

export class DocinlineCoordinator extends DurableObject {
  /** Takes the lease for `token`, or renews it if `token` already holds it; false while another holds it. */
  async acquire(token: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const cur = await this.ctx.storage.get<Lease>('lease');
    if (cur && cur.token !== token && cur.until > now) return false;
    const until = now + Math.max(1000, ttlMs);
    await this.ctx.storage.put('lease', { token, until });
    await this.cleanUpAt(until);
    return true;
  }

  /** Gives the lease up if `token` holds it. */
  async release(token: string): Promise<void> {
    const cur = await this.ctx.storage.get<Lease>('lease');
    if (cur?.token === token) await this.ctx.storage.delete('lease');
  }

  /** Adds one to the counter and returns the new value; a counter untouched for `ttlMs` starts again at 1. */
  async increment(ttlMs: number): Promise<number> {
    const now = Date.now();
    const cur = await this.ctx.storage.get<Counter>('counter');
    const n = cur && cur.until > now ? cur.n + 1 : 1;
    const until = now + Math.max(1000, ttlMs);
    await this.ctx.storage.put('counter', { n, until });
    await this.cleanUpAt(until);
    return n;
  }

  /** Expired records are deleted, so an object that is never called again holds no storage. */
  private async cleanUpAt(until: number): Promise<void> {
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at < until) await this.ctx.storage.setAlarm(until + 1000);
  }

  async alarm(): Promise<void> {
    const now = Date.now();
    const lease = await this.ctx.storage.get<Lease>('lease');
    const counter = await this.ctx.storage.get<Counter>('counter');
    if (lease && lease.until <= now) await this.ctx.storage.delete('lease');
    if (counter && counter.until <= now) await this.ctx.storage.delete('counter');
    const next = Math.max(lease && lease.until > now ? lease.until : 0, counter && counter.until > now ? counter.until : 0);
    if (next) await this.ctx.storage.setAlarm(next + 1000);
  }
}
