// Picking the right IPv6 address of an interface: a global address that is neither a temporary
// (privacy) address, which changes every day or so, nor deprecated or still being checked for
// duplicates; among the rest a stable one (EUI-64, stable-privacy or configured by hand) first.
// On Linux the kernel lists each address's flags in /proc/net/if_inet6.
import { readFileSync } from 'node:fs';
import { canonicalIPv6, ipv6ToBigInt } from '../address.js';

const IFA_F_TEMPORARY = 0x01;
const IFA_F_DADFAILED = 0x08;
const IFA_F_DEPRECATED = 0x20;
const IFA_F_TENTATIVE = 0x40;
const IFA_F_PERMANENT = 0x80;
const IFA_F_STABLE_PRIVACY = 0x800;

/** Address → flags for one interface, from /proc/net/if_inet6 text. */
export function parseIfInet6(text: string, interfaceName: string): Map<string, number> {
  const flags = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [hex, , , , flagText, name] = line.trim().split(/\s+/);
    if (name !== interfaceName || !hex || hex.length !== 32 || !flagText) continue;
    const address = canonicalIPv6(hex.match(/.{4}/g)?.join(':') ?? '');
    flags.set(address, Number.parseInt(flagText, 16));
  }
  return flags;
}

export function readIpv6Flags(interfaceName: string, path = '/proc/net/if_inet6'): Map<string, number> {
  try {
    return parseIfInet6(readFileSync(path, 'utf8'), interfaceName);
  } catch {
    return new Map();
  }
}

/** Why an address must not be published, from its flags; undefined when it may be. */
export function unstableReason(flags: number | undefined): string | undefined {
  if (flags === undefined) return undefined;
  if (flags & IFA_F_TEMPORARY) return 'a temporary (privacy) address, which changes often';
  if (flags & IFA_F_DEPRECATED) return 'deprecated (its prefix is being withdrawn)';
  if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) return 'not usable yet (duplicate address detection)';
  return undefined;
}

/** Higher is better: stable identifiers first. */
export function stability(address: string, flags: number | undefined): number {
  const interfaceId = ipv6ToBigInt(address) & ((1n << 64n) - 1n);
  const eui64 = ((interfaceId >> 24n) & 0xffffn) === 0xfffen;
  if (eui64 || (flags !== undefined && flags & IFA_F_STABLE_PRIVACY)) return 2;
  if (flags !== undefined && flags & IFA_F_PERMANENT) return 1;
  return 0;
}
