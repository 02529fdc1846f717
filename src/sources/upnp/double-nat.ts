// A router that reports a private WAN address is itself behind another NAT: its answer is true
// but useless for dynamic DNS, and the user needs to hear why rather than "private address".
import { checkAddress, specialRangeOf } from '../../address-ranges.js';
import { parseAddress } from '../../address.js';
import { observed, rejected, type SourceEvent } from '../source.js';

/** Ranges a router's WAN side gets when another NAT sits between it and the internet. */
export function isBehindAnotherNat(kind: string): boolean {
  return /private|shared carrier-grade|link-local|unique local/.test(kind);
}

/** Validates the WAN address a router reported; `who` is "router" or "gateway". */
export function wanAddressEvent(source: string, address: string, allowPrivate: boolean, who: string): SourceEvent {
  const verdict = checkAddress(address, { allowPrivate });
  if (verdict.ok) return observed(source, verdict.family, verdict.text);
  const parsed = parseAddress(address);
  const kind = parsed && !allowPrivate ? specialRangeOf(parsed.family, parsed.text) : undefined;
  if (parsed && kind && isBehindAnotherNat(kind)) {
    return rejected(
      source,
      parsed.text,
      `the ${who}'s WAN address ${parsed.text} is ${kind}: the ${who} is itself behind another NAT (double NAT or your provider's carrier-grade NAT), ` +
        'so this is not the address the internet sees; use a web check (-r) instead, or --allow-private for a LAN-only setup',
    );
  }
  return rejected(source, address, verdict.reason);
}
