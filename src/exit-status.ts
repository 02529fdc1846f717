// The exit statuses, from the events of a run (documented in the README).
import type { EventBody } from './events.js';

export const EXIT = {
  ok: 0,
  badInput: 1,
  latched: 2,
  waiting: 3,
  updateFailed: 4,
  noAddress: 5,
} as const;

export function exitStatusFor(events: readonly EventBody[]): number {
  const has = (predicate: (e: EventBody) => boolean) => events.some(predicate);
  if (has((e) => e.type === 'HostLatched' || (e.type === 'UpdateSkipped' && e.reason.startsWith('latched')))) return EXIT.latched;
  if (has((e) => e.type === 'WaitRequested' || (e.type === 'UpdateSkipped' && e.reason.startsWith('waiting')))) return EXIT.waiting;
  // A host held back by the backoff after failed attempts is still not updated: the next run tries again.
  if (has((e) => e.type === 'UpdateFailed' || (e.type === 'UpdateSkipped' && e.reason.startsWith('retrying at')))) return EXIT.updateFailed;
  const decided = has((e) => e.type === 'UpdateDecided' || e.type === 'UpdateSkipped');
  if (!decided) return EXIT.noAddress;
  return EXIT.ok;
}
