// -a address: the address given by hand, the highest-priority method (reference §11.1).
import { defer, of } from 'rxjs';
import { parseAddress } from '../address.js';
import { type CandidateSource, failed, observed } from './source.js';

export function manualAddress(address: string): CandidateSource {
  const name = 'address given with -a';
  const emit = () => defer(() => {
    const parsed = parseAddress(address);
    return of(parsed ? observed(name, parsed.family, parsed.text) : failed(name, `-a ${JSON.stringify(address)} is not an IPv4 or IPv6 address`));
  });
  return { name, once: emit, watch: emit };
}
