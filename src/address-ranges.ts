// Which addresses are not globally reachable (IANA special-purpose registries, RFC 6890 and
// successors). A dynamic DNS record pointing at one of them is useless to the rest of the
// internet, so the pipeline rejects them unless --allow-private says the setup is LAN-only.
import { ipv4ToNumber, ipv6ToBigInt, parseAddress, type Family } from './address.js';

export interface SpecialRange {
  readonly cidr: string;
  readonly kind: string;
}

export const IPV4_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', kind: '"this network" (0.0.0.0/8)' },
  { cidr: '10.0.0.0/8', kind: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', kind: 'shared carrier-grade NAT (RFC 6598): your provider puts you behind its own NAT' },
  { cidr: '127.0.0.0/8', kind: 'loopback' },
  { cidr: '169.254.0.0/16', kind: 'link-local' },
  { cidr: '172.16.0.0/12', kind: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', kind: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', kind: 'documentation (TEST-NET-1)' },
  { cidr: '192.88.99.0/24', kind: 'deprecated 6to4 relay anycast' },
  { cidr: '192.168.0.0/16', kind: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', kind: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', kind: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', kind: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', kind: 'multicast' },
  { cidr: '255.255.255.255/32', kind: 'broadcast' },
  { cidr: '240.0.0.0/4', kind: 'reserved (240.0.0.0/4)' },
];

export const IPV6_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '::/128', kind: 'unspecified' },
  { cidr: '::1/128', kind: 'loopback' },
  { cidr: '::ffff:0:0/96', kind: 'IPv4-mapped' },
  { cidr: '64:ff9b:1::/48', kind: 'local-use IPv4/IPv6 translation' },
  { cidr: '100::/64', kind: 'discard-only' },
  { cidr: '2001::/23', kind: 'IETF protocol assignments' },
  { cidr: '2001:db8::/32', kind: 'documentation' },
  { cidr: '3fff::/20', kind: 'documentation' },
  { cidr: '5f00::/16', kind: 'segment routing (SRv6) SIDs' },
  { cidr: 'fc00::/7', kind: 'unique local (ULA)' },
  { cidr: 'fe80::/10', kind: 'link-local' },
  { cidr: 'ff00::/8', kind: 'multicast' },
];

interface CompiledRange { family: Family; base: bigint; bits: number; kind: string }

function compile(range: SpecialRange, family: Family): CompiledRange {
  const [base = '', bits = '0'] = range.cidr.split('/');
  const value = family === 'ipv4' ? BigInt(ipv4ToNumber(base)) : ipv6ToBigInt(base);
  return { family, base: value, bits: Number(bits), kind: range.kind };
}

const COMPILED: readonly CompiledRange[] = [
  ...IPV4_SPECIAL_RANGES.map((r) => compile(r, 'ipv4')),
  ...IPV6_SPECIAL_RANGES.map((r) => compile(r, 'ipv6')),
];

function inRange(value: bigint, width: number, range: CompiledRange): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

export type Verdict =
  | { readonly ok: true; readonly family: Family; readonly text: string }
  | { readonly ok: false; readonly reason: string };

/** The special-purpose range an address falls in, or undefined when it is globally reachable. */
export function specialRangeOf(family: Family, text: string): string | undefined {
  const width = family === 'ipv4' ? 32 : 128;
  const value = family === 'ipv4' ? BigInt(ipv4ToNumber(text)) : ipv6ToBigInt(text);
  if (family === 'ipv6' && value >> 125n !== 1n) {
    // Outside 2000::/3 nothing is assigned as global unicast today.
    const named = COMPILED.find((r) => r.family === 'ipv6' && inRange(value, width, r));
    return named?.kind ?? 'not global unicast (outside 2000::/3)';
  }
  return COMPILED.find((r) => r.family === family && inRange(value, width, r))?.kind;
}

/**
 * Checks a candidate address: well-formed, not 0.0.0.0, and (unless allowPrivate) globally
 * reachable. Every rejection says why, so the user sees the cause and not just "no address".
 */
export function checkAddress(text: string, options: { allowPrivate: boolean }): Verdict {
  const address = parseAddress(text);
  if (!address) return { ok: false, reason: `"${printable(text)}" is not a valid IPv4 or IPv6 address` };
  if (address.text === '0.0.0.0' || address.text === '::') {
    return { ok: false, reason: `${address.text} is unspecified: the router or interface has no address yet` };
  }
  if (!options.allowPrivate) {
    const kind = specialRangeOf(address.family, address.text);
    if (kind) {
      return {
        ok: false,
        reason: `${address.text} is ${kind}, not reachable from the internet; use --allow-private if this is a LAN-only setup`,
      };
    }
  }
  return { ok: true, family: address.family, text: address.text };
}

/** Quotes untrusted text in a message without letting control characters through. */
export function printable(text: string, max = 80): string {
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}
