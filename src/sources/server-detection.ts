// -g: no address is sent; the server uses the address the request comes from and tells it back
// in its `good <ip>` / `nochg <ip>` answer, which is then recorded.
import { of } from 'rxjs';
import type { Family } from '../address.js';
import type { CandidateSource } from './source.js';

export function serverDetection(family: Family = 'ipv4'): CandidateSource {
  const name = 'the update server (-g)';
  const emit = () => of({ type: 'ServerDetectionChosen' as const, source: name, family });
  return { name, once: emit, watch: emit };
}
