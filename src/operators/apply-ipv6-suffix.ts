// --ipv6-suffix ::1:2:3:4: for a host behind the router whose prefix the ISP changes, the
// address to publish is the detected /64 prefix followed by the host's fixed interface
// identifier. IPv4 candidates and other events pass unchanged.
import { map, type OperatorFunction } from 'rxjs';
import { bigIntToIPv6, ipv6ToBigInt } from '../address.js';
import type { EventBody } from '../events.js';

const LOW_64 = (1n << 64n) - 1n;

export function withSuffix(address: string, suffix: string): string {
  return bigIntToIPv6((ipv6ToBigInt(address) & ~LOW_64) | (ipv6ToBigInt(suffix) & LOW_64));
}

export function applyIpv6Suffix(suffix: string): OperatorFunction<EventBody, EventBody> {
  return map((event) => {
    if (event.type !== 'CandidateObserved' || event.family !== 'ipv6') return event;
    return { ...event, address: withSuffix(event.address, suffix) };
  });
}
