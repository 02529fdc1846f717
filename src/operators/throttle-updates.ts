// In continuous mode an address that flaps must not turn into a burst of updates: per host
// group, the first decision goes at once, later ones wait until `intervalMs` has passed since
// the previous one, and only the latest address is then sent.
import { groupBy, mergeMap, type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler, throttleTime, merge, filter, partition, share } from 'rxjs';
import type { EventBody } from '../events.js';

export function throttleUpdates(intervalMs: number, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<EventBody> {
  if (intervalMs <= 0) return (source) => source;
  return (source) => {
    const shared = source.pipe(share());
    const [decisions, others] = partition(shared, (event) => event.type === 'UpdateDecided');
    const throttled = decisions.pipe(
      filter((event): event is Extract<EventBody, { type: 'UpdateDecided' }> => event.type === 'UpdateDecided'),
      groupBy((event) => `${event.family} ${[...event.hosts].sort().join(',')}`),
      mergeMap((group) => group.pipe(throttleTime(intervalMs, scheduler, { leading: true, trailing: true }))),
    );
    return merge(others, throttled);
  };
}
