// The address model: an address always carries its family, so IPv6 fits the same shapes as IPv4.
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 'ipv4' | 'ipv6';

export interface Address {
  readonly family: Family;
  /** Canonical text: dotted quad for IPv4, compressed lower-case form for IPv6. */
  readonly text: string;
}

/** Parses an address written by a user, a server or a page; undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  const trimmed = text.trim();
  if (isStrictDottedQuad(trimmed)) return { family: 'ipv4', text: trimmed };
  if (isIPv6(trimmed)) return { family: 'ipv6', text: canonicalIPv6(trimmed) };
  return undefined;
}

/** Dotted quad with octets 0..255 and no leading zeros (010.1.1.1 could mean octal: refuse it). */
export function isStrictDottedQuad(text: string): boolean {
  if (!isIPv4(text)) return false;
  return text.split('.').every((octet) => octet === '0' || !octet.startsWith('0'));
}

export function familyOf(text: string): Family | undefined {
  return parseAddress(text)?.family;
}

/** IPv4 as an unsigned 32-bit number. */
export function ipv4ToNumber(text: string): number {
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** IPv6 as a 128-bit bigint; IPv4-embedded tails (::ffff:1.2.3.4) are understood. */
export function ipv6ToBigInt(text: string): bigint {
  let source = text.toLowerCase();
  const zone = source.indexOf('%');
  if (zone >= 0) source = source.slice(0, zone);
  const lastColon = source.lastIndexOf(':');
  const tail = source.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = ipv4ToNumber(tail);
    source = `${source.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = source.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function bigIntToIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function canonicalIPv6(text: string): string {
  return bigIntToIPv6(ipv6ToBigInt(text));
}
