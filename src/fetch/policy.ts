import { DocinlineError } from '../errors.js';
import { cidrContains, classifyIp, parseCidr, parseIp, type BlockReason, type Cidr } from './address.js';

/**
 * Which URLs the gateway may download documents from. Public http(s) addresses only, unless the
 * operator's allow-list (DOCINLINE_FETCH_ALLOW: host names, "*.suffix" patterns, IPs or CIDRs) names them.
 * Literal hosts are judged here; names are judged by the transport on every address they resolve to.
 */
export interface FetchPolicy {
  /** Parses and vets a URL before any connection: scheme, and the host when it is an IP literal. */
  checkUrl(url: string | URL): URL;
  /** Vets one address `hostname` resolved to; throws `fetch_blocked` when it may not be contacted. */
  checkAddress(hostname: string, address: string): void;
  /** True when the operator allowed this host by name (its addresses are then not judged). */
  hostAllowed(hostname: string): boolean;
  /**
   * For transports that cannot see resolved addresses: refuses names that are local by convention
   * (localhost, *.local, *.internal such as metadata.google.internal).
   */
  checkName(hostname: string): void;
}

const LOCAL_NAMES = /(^|\.)(localhost|localdomain|local|internal|home\.arpa|intranet|lan)$/;

const REASON_TEXT: Record<BlockReason, string> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private network address',
  'link-local': 'a link-local address',
  cgnat: 'a carrier-grade NAT address',
  metadata: 'a cloud metadata address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  documentation: 'a documentation address',
  benchmark: 'a benchmarking address',
  broadcast: 'the broadcast address',
  'unique-local': 'a unique-local (private) IPv6 address',
  'site-local': 'a site-local IPv6 address',
  discard: 'a discard-only address',
  teredo: 'a Teredo tunnel address',
};

const HINT = ' Set DOCINLINE_FETCH_ALLOW to permit it.';

export function blocked(message: string): DocinlineError {
  return new DocinlineError('fetch_blocked', message);
}

function normaliseHost(h: string): string {
  return h.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

export function createFetchPolicy(opts: { allow?: string[] } = {}): FetchPolicy {
  const ranges: Cidr[] = [];
  const names: string[] = [];
  const suffixes: string[] = [];
  for (const raw of opts.allow ?? []) {
    const entry = raw.trim();
    if (!entry) continue;
    const cidr = parseCidr(entry.replace(/^\[|\]$/g, ''));
    if (cidr) ranges.push(cidr);
    else if (entry.startsWith('*.')) suffixes.push(normaliseHost(entry.slice(1)));
    else if (entry.startsWith('.')) suffixes.push(normaliseHost(entry));
    else names.push(normaliseHost(entry));
  }

  const hostAllowed = (hostname: string): boolean => {
    const h = normaliseHost(hostname);
    return names.includes(h) || suffixes.some((s) => h.endsWith(s));
  };

  /** Why `address` may not be contacted, or null; the allow-list's ranges win. */
  const reasonFor = (address: string): BlockReason | 'not-an-ip' | null => {
    const ip = parseIp(address);
    if (!ip) return 'not-an-ip';
    if (ranges.some((r) => cidrContains(r, ip))) return null;
    return classifyIp(ip);
  };

  return {
    hostAllowed,
    checkUrl(input) {
      let url: URL;
      try {
        url = typeof input === 'string' ? new URL(input) : input;
      } catch {
        throw new DocinlineError('invalid_request', 'The document URL is not a valid absolute URL.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw blocked(`Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, '')}.`);
      }
      if (!url.hostname) throw blocked('The URL has no host.');
      const host = normaliseHost(url.hostname);
      if (hostAllowed(host) || !parseIp(host)) return url;
      const reason = reasonFor(host);
      if (reason) throw blocked(`Fetching from ${host} is not allowed: it is ${REASON_TEXT[reason as BlockReason]}.${HINT}`);
      return url;
    },
    checkAddress(hostname, address) {
      if (hostAllowed(hostname)) return;
      const reason = reasonFor(address);
      if (reason === 'not-an-ip') throw blocked(`Fetching from ${hostname} is not allowed: it did not resolve to an IP address.`);
      // The resolved address itself is not echoed: that would turn the gateway into a DNS oracle.
      if (reason) throw blocked(`Fetching from ${hostname} is not allowed: the host resolves to ${REASON_TEXT[reason]}.${HINT}`);
    },
    checkName(hostname) {
      const h = normaliseHost(hostname);
      if (hostAllowed(h) || parseIp(h)) return;
      if (LOCAL_NAMES.test(h)) throw blocked(`Fetching from ${h} is not allowed: it names a local or internal host.${HINT}`);
    },
  };
}
