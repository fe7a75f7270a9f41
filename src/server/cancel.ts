/**
 * A minimal abort signal. Creating an AbortController costs several microseconds in Node 20, and a
 * pass-through needs one per request only in case the client leaves; this object has the part of the
 * AbortSignal shape that undici (and our own code) reads, and makes a real AbortSignal only when a
 * fetch-based transport asks for one.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | null = null;
  private real: AbortController | null = null;

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const l = this.listeners;
    if (!l) return;
    const i = l.indexOf(listener);
    if (i >= 0) l.splice(i, 1);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new Error('aborted');
    this.real?.abort(this.reason);
    const l = this.listeners;
    this.listeners = null;
    if (l) for (const f of l) f();
  }

  /** A real AbortSignal following this one (for WHATWG fetch). */
  toAbortSignal(): AbortSignal {
    if (!this.real) {
      this.real = new AbortController();
      if (this.aborted) this.real.abort(this.reason);
    }
    return this.real.signal;
  }
}

export function toAbortSignal(s: CancelSignal): AbortSignal {
  if (s instanceof Cancellation) return s.toAbortSignal();
  return s as AbortSignal;
}
