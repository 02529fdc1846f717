// The one-shot fallback chain: try each detection method in order and stop at the first one
// that yields an accepted address; the events of the methods tried before it (failures,
// rejections) are kept, so the user sees why each one was passed over. Validation must have
// been applied to each source already, so that a rejected address lets the next one try.
import { concat, defer, EMPTY, type Observable, takeWhile, tap } from 'rxjs';
import type { EventBody } from '../events.js';

function isCandidate(event: EventBody): boolean {
  return event.type === 'CandidateObserved' || event.type === 'ServerDetectionChosen';
}

export function firstSourceWithCandidate(sources: readonly Observable<EventBody>[]): Observable<EventBody> {
  return defer(() => {
    let found = false;
    return concat(...sources.map((source) => defer(() => (found ? EMPTY : source.pipe(
      takeWhile((event) => !isCandidate(event), true),
      tap((event) => { if (isCandidate(event)) found = true; }),
    )))));
  });
}
