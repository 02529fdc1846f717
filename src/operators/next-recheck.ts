// When the daemon must look again without a new address: when a wait ends, when a failed host
// may be retried, when --min-interval lets a pending change through, when the refresh age is
// reached. A pure function of the state; `recheckTimer` turns it into a stream of
// RecheckStarted events on the scheduler's clock.
import { distinctUntilChanged, map, NEVER, type Observable, type SchedulerLike, switchMap, timer, asyncScheduler } from 'rxjs';
import type { EventOf } from '../events.js';
import { retryDelayMs } from '../retry-backoff.js';
import { activeLatch, type Candidate, lastCandidates, type State } from '../state.js';
import { minIntervalEnds, unansweredUntil, type UpdatePolicy } from './decide-updates.js';

const DAY = 24 * 3600_000;

export function nextRecheckAt(state: State, policy: UpdatePolicy, now: number): { at: number; reason: string } | undefined {
  const times: { at: number; reason: string }[] = [];
  for (const candidate of lastCandidates(state)) {
    for (const host of policy.hosts) hostTimes(state, policy, now, candidate, host, times);
  }
  return times.sort((a, b) => a.at - b.at)[0];
}

function hostTimes(state: State, policy: UpdatePolicy, now: number, candidate: Candidate, host: string, times: { at: number; reason: string }[]): void {
  if (activeLatch(state, host)) return;
  const h = state.hosts[host];
  // Nothing is looked at again before --min-interval lets it go: the decision would only hold it back.
  const held = minIntervalEnds(state, host, candidate.family, policy.minIntervalMs, now);
  const push = (at: number, reason: string) => times.push({ at: held === undefined ? at : Math.max(at, held), reason });
  const waits = [h?.wait, state.account.wait].filter((w) => w && w.until > now).map((w) => w?.until as number);
  if (waits.length > 0) {
    push(Math.max(...waits), `the wait for ${host} is over`);
    return;
  }
  const unanswered = unansweredUntil(state, host, candidate.family, candidate.address, now);
  if (unanswered !== undefined) {
    // A request left unanswered by a crash is sent again, to make sure, when its hold ends.
    push(unanswered, `the request sent before a crash to ${host} is unanswered`);
    return;
  }
  if (h?.failures) {
    // A failed host is looked at again at its retry time, not at the time that failed.
    push(h.failures.at + retryDelayMs(host, h.failures.count), `retry for ${host}`);
    return;
  }
  const record = h?.families[candidate.family];
  if (!record) {
    if (held !== undefined) push(held, `--min-interval has passed for ${host}`);
    return;
  }
  if (record.address !== candidate.address && policy.minIntervalMs > 0) {
    push(record.updatedAt + policy.minIntervalMs, `--min-interval has passed for ${host}`);
  }
  if (policy.touchDays > 0) push(record.updatedAt + policy.touchDays * DAY + 1, `refresh of ${host}`);
}

export function recheckTimer(state$: Observable<State>, policy: UpdatePolicy, scheduler: SchedulerLike = asyncScheduler): Observable<EventOf<'RecheckStarted'>> {
  return state$.pipe(
    map((state) => nextRecheckAt(state, policy, scheduler.now())),
    distinctUntilChanged((a, b) => a?.at === b?.at),
    switchMap((next) => (next ? until(next.at, scheduler).pipe(map(() => ({ type: 'RecheckStarted' as const, reason: next.reason }))) : NEVER)),
  );
}

// Timers longer than about 24.8 days overflow and fire at once, and a refresh is 25 days away:
// wait at most a day at a time.
function until(at: number, scheduler: SchedulerLike): Observable<unknown> {
  const remaining = at - scheduler.now();
  return remaining > DAY ? timer(DAY, scheduler).pipe(switchMap(() => until(at, scheduler))) : timer(Math.max(0, remaining), scheduler);
}
