/**
 * Key layout shared by every store (local disk, S3/R2, Workers R2). Everything lives under a few
 * top-level prefixes so one bucket can be shared by several gateway instances:
 *
 *   files/<ns>/meta/<id>.json      file record (JSON): the commit point of an upload
 *   files/<ns>/blob/<id>           file bytes
 *   expiry/<13-digit ms>/<ref>     expiry index: one empty object per expiring thing, sorted by time
 *
 * `<ns>` is the owner's namespace, so another API key looks at a different prefix and cannot reach a
 * file even by guessing its id. Ids are time-ordered, so a key listing is a creation-order listing.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 8; // 62^8 ms ≈ 6,900 years: ids sort by creation time for a long while
const RANDOM_CHARS = 16; // ~95 bits

function encodeTime(ms: number): string {
  let s = '';
  let v = Math.max(0, Math.floor(ms));
  for (let i = 0; i < TIME_CHARS; i++) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s;
}

function randomChars(n: number): string {
  // Rejection sampling keeps the characters uniform (256 is not a multiple of 62).
  let s = '';
  while (s.length < n) {
    const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
    for (const b of bytes) {
      if (b < 248 && s.length < n) s += BASE62[b % 62];
    }
  }
  return s;
}

/** A new id like `file-0Ov4Qx3bA9c…`: prefix, 8 chars of creation time (ms, base62), 16 random chars. */
export function newId(prefix: string, nowMs: number = Date.now()): string {
  // Monotonic within a process (as ULIDs are): ids made in the same millisecond continue from the last
  // random part, so listing keys in order is creation order even for uploads a microsecond apart.
  let random: string;
  if (nowMs === last.ms && last.random) {
    random = incrementBase62(last.random);
  } else {
    random = randomChars(RANDOM_CHARS);
  }
  last.ms = nowMs;
  last.random = random;
  return `${prefix}${encodeTime(nowMs)}${random}`;
}

const last = { ms: -1, random: '' };

function incrementBase62(s: string): string {
  const chars = s.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const d = BASE62.indexOf(chars[i]!);
    if (d < 61) {
      chars[i] = BASE62[d + 1]!;
      return chars.join('');
    }
    chars[i] = BASE62[0]!;
  }
  return randomChars(s.length); // 62^16 ids in one millisecond: cannot happen
}

/** The creation time encoded in an id made by newId, or null when the id is not one of ours. */
export function idTime(id: string, prefix: string): number | null {
  if (!id.startsWith(prefix)) return null;
  const t = id.slice(prefix.length, prefix.length + TIME_CHARS);
  if (t.length !== TIME_CHARS) return null;
  let v = 0;
  for (const ch of t) {
    const d = BASE62.indexOf(ch);
    if (d < 0) return null;
    v = v * 62 + d;
  }
  return v;
}

const ID_CHARS = /^[A-Za-z0-9]+$/;

/**
 * Whether `id` can be used inside a key. Ids reach us from URLs and request bodies, so anything that is
 * not prefix + [A-Za-z0-9] is refused before it gets near a path.
 */
export function isSafeId(id: string, prefix: string): boolean {
  if (typeof id !== 'string' || !id.startsWith(prefix) || id.length > prefix.length + 64) return false;
  return ID_CHARS.test(id.slice(prefix.length));
}

// Lower case only: on case-insensitive disks (macOS, Windows) two owners differing in case would share
// a folder, so anything else is hashed.
const SAFE_OWNER = /^[a-z0-9_-]{1,64}$/;

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * The key segment for an owner. Owner ids from the gateway are already opaque hashes; anything else
 * (or an unexpectedly long id) is hashed so it can never inject '/' or '..' into a key. Requests without
 * auth (owner null) share one namespace that no API key maps to.
 */
export async function ownerNamespace(owner: string | null): Promise<string> {
  if (owner === null) return '_anon';
  if (SAFE_OWNER.test(owner)) return `k-${owner}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(owner));
  return `h-${hex(new Uint8Array(digest)).slice(0, 40)}`;
}

export const FILE_ID_PREFIX = 'file-';

export const fileKeys = {
  metaPrefix: (ns: string) => `files/${ns}/meta/`,
  meta: (ns: string, id: string) => `files/${ns}/meta/${id}.json`,
  blobPrefix: (ns: string) => `files/${ns}/blob/`,
  blob: (ns: string, id: string) => `files/${ns}/blob/${id}`,
  /** Every namespace lives directly under this. */
  root: 'files/',
};

/** Id from a meta key made by fileKeys.meta. */
export function idFromMetaKey(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  return name.endsWith('.json') ? name.slice(0, -5) : null;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/**
 * Keys every store accepts: '/'-separated segments of [A-Za-z0-9._-] that do not start with '.', at
 * most 1024 characters. Refusing anything else up front is what makes the local-disk mapping safe
 * (no '..', no absolute paths, no hidden files) and keeps S3 and disk behaving the same.
 */
export function isValidKey(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) return false;
  return key.split('/').every((s) => SEGMENT.test(s));
}

/** Like isValidKey for a listing prefix: may be empty, end in '/', or end in part of a segment. */
export function isValidPrefix(prefix: string): boolean {
  if (prefix === '') return true;
  if (prefix.length > 1024) return false;
  const segs = prefix.split('/');
  const last = segs.pop()!;
  return segs.every((s) => SEGMENT.test(s)) && (last === '' || /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(last));
}

/** `key` when isValidKey accepts it; every store refuses the others before touching anything. */
export function checkedKey(key: string): string {
  if (!isValidKey(key)) throw new Error(`invalid storage key: ${JSON.stringify(key).slice(0, 200)}`);
  return key;
}

/** `prefix` when isValidPrefix accepts it (for BlobStore.list). */
export function checkedPrefix(prefix: string): string {
  if (!isValidPrefix(prefix)) throw new Error(`invalid storage prefix: ${JSON.stringify(prefix).slice(0, 200)}`);
  return prefix;
}

/** A store's key prefix inside a shared bucket ("docinline" → "docinline/"); '' keeps the bucket's root. */
export function folderPrefix(prefix: string): string {
  return prefix && !prefix.endsWith('/') ? prefix + '/' : prefix;
}
