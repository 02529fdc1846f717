// Dual stack: A and AAAA records in one request, and never one family's update wiping the
// other's record. On Dyn-style servers an update whose myip holds only an IPv4 address deletes
// the host's AAAA record, so when both families are configured every request carries both:
// the one that changed and the other's current (or last accepted) address. Where the other
// address is not known, nothing is sent rather than a record wiped, unless the provider takes
// IPv6 in its own parameter (--ipv6-param myipv6), which leaves the other record alone. Pure.
import type { Family } from './address.js';
import type { EventBody, EventOf } from './events.js';
import type { State } from './state.js';

export interface DualStackPolicy {
  readonly families: readonly Family[];
  readonly ipv6Param: 'myip' | 'myipv6';
}

const OTHER: Record<Family, Family> = { ipv4: 'ipv6', ipv6: 'ipv4' };

/** Pairs the decisions of one batch host by host; hosts with both families due get one request. */
export function pairFamilies(decisions: readonly EventOf<'UpdateDecided'>[], state: State, policy: DualStackPolicy): EventBody[] {
  if (policy.families.length < 2) return [...decisions];
  const byHost = new Map<string, Partial<Record<Family, EventOf<'UpdateDecided'>>>>();
  for (const decision of decisions) {
    for (const host of decision.hosts) byHost.set(host, { ...byHost.get(host), [decision.family]: decision });
  }
  const groups = new Map<string, EventOf<'UpdateDecided'>>();
  const skipped = new Map<string, EventOf<'UpdateSkipped'>>();
  for (const [host, due] of byHost) {
    const primary = due.ipv4 ?? due.ipv6;
    if (!primary) continue;
    const otherFamily = OTHER[primary.family];
    // -g and -o send no address at all: nothing to pair.
    if (primary.address === null) {
      addTo(groups, JSON.stringify([primary.reason, primary.family, null]), { ...primary, hosts: [host] }, host);
      continue;
    }
    // The other family's address: decided in this batch, else the last one seen, else the last accepted.
    const otherAddress = due[otherFamily]?.address ?? state.candidates?.[otherFamily]?.address ?? state.hosts[host]?.families[otherFamily]?.address ?? null;
    if (otherAddress === null && policy.ipv6Param === 'myip') {
      const reason = `the ${otherFamily === 'ipv6' ? 'IPv6' : 'IPv4'} address is not known, and an update with only the ${primary.family === 'ipv4' ? 'IPv4' : 'IPv6'} address would delete the host's ${otherFamily === 'ipv6' ? 'AAAA' : 'A'} record on dyndns2 servers; nothing sent (with --ipv6-param myipv6 the provider keeps it)`;
      const key = JSON.stringify([reason, primary.address]);
      const existing = skipped.get(key);
      skipped.set(key, existing ? { ...existing, hosts: [...existing.hosts, host] } : { type: 'UpdateSkipped', hosts: [host], address: primary.address, reason });
      continue;
    }
    const paired: EventOf<'UpdateDecided'> = otherAddress === null
      ? { ...primary, hosts: [host] }
      : { ...primary, hosts: [host], with: { family: otherFamily, address: otherAddress } };
    addTo(groups, JSON.stringify([paired.reason, paired.family, paired.address, paired.with ?? null]), paired, host);
  }
  return [...skipped.values(), ...groups.values()];
}

function addTo(groups: Map<string, EventOf<'UpdateDecided'>>, key: string, decision: EventOf<'UpdateDecided'>, host: string): void {
  const existing = groups.get(key);
  groups.set(key, existing ? { ...existing, hosts: [...existing.hosts, host] } : decision);
}
