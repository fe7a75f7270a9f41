import { sha256Hex } from '../cache/key.js';

/**
 * API-key checks. Keys are compared by their SHA-256, and the owner id every stored file is filed under
 * is a prefix of that hash: stable across restarts, never the key itself.
 */
export interface Authenticator {
  readonly enabled: boolean;
  /** The owner id for the request's key; null when auth is off; undefined when the key is missing or wrong. */
  owner(headers: Headers): Promise<string | null | undefined>;
  /** True when `value` (an Authorization header) carries one of our keys: it must not go to the backend. */
  isOwnKey(authorization: string | null): boolean;
}

export function ownerIdFor(hash: string): string {
  return `key_${hash.slice(0, 24)}`;
}

export function presentedKey(headers: Headers): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1]!.trim() : null;
  }
  return headers.get('x-api-key')?.trim() || null;
}

export function createAuthenticator(keys: string[]): Authenticator {
  const plain = new Set(keys);
  const owners = new Map<string, string>(); // key -> owner id, filled on first use of each valid key
  return {
    enabled: keys.length > 0,
    isOwnKey(authorization) {
      if (!authorization) return false;
      const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
      return !!m && plain.has(m[1]!.trim());
    },
    async owner(headers) {
      if (!keys.length) return null;
      const key = presentedKey(headers);
      if (!key) return undefined;
      const known = owners.get(key);
      if (known) return known;
      // Hash before comparing so the comparison does not depend on how much of a guess was right.
      const hash = await sha256Hex(key);
      for (const k of keys) {
        if ((await sha256Hex(k)) === hash) {
          const id = ownerIdFor(hash);
          owners.set(key, id);
          return id;
        }
      }
      return undefined;
    },
  };
}
