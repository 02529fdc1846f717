// Candidates that are malformed, unspecified or not globally reachable never reach the decision;
// each becomes a CandidateRejected event that says why.
import { map, type OperatorFunction } from 'rxjs';
import { checkAddress } from '../address-ranges.js';
import type { EventBody } from '../events.js';

export function rejectInvalid(options: { allowPrivate: boolean }): OperatorFunction<EventBody, EventBody> {
  return map((event) => {
    if (event.type !== 'CandidateObserved') return event;
    const verdict = checkAddress(event.address, options);
    if (!verdict.ok) return { type: 'CandidateRejected', source: event.source, address: event.address, reason: verdict.reason };
    return verdict.text === event.address && verdict.family === event.family ? event : { ...event, address: verdict.text, family: verdict.family };
  });
}
