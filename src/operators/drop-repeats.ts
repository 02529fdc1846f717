// A source that reports the same address again (a poll, a repeated log line) adds nothing:
// only a change of address per family goes on to the decision.
import { defer, filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Family } from '../address.js';
import type { EventBody } from '../events.js';

export function dropRepeats(): MonoTypeOperatorFunction<EventBody> {
  // defer: each subscription remembers its own last addresses.
  return (source) => defer(() => {
    const last = new Map<Family, string>();
    return source.pipe(filter((event) => {
      if (event.type !== 'CandidateObserved') return true;
      if (last.get(event.family) === event.address) return false;
      last.set(event.family, event.address);
      return true;
    }));
  });
}
