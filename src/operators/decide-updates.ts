// The update decision (reference §6), host by host, over the latest state: latched hosts and
// hosts under a wait are never sent anything; the others are sent the address when it differs
// from the one the server last accepted, when that acceptance is older than the refresh age
// (25 days), or when forced (-f) or set offline (-o). Time comes from the scheduler.
import { asyncScheduler, concatMap, from, type Observable, type OperatorFunction, type SchedulerLike, withLatestFrom } from 'rxjs';
import type { Family } from '../address.js';
import type { EventBody, EventOf, UpdateReason } from '../events.js';
import { retryDelayMs } from '../retry-backoff.js';
import { activeLatch, activeWait, lastCandidates, lastRecord, type State } from '../state.js';

export interface UpdatePolicy {
  readonly hosts: readonly string[];
  readonly force: boolean;
  readonly offline: boolean;
  /** Refresh an unchanged address after this many days; 0 never refreshes. */
  readonly touchDays: number;
  /** Never update a host more often than this (0: no limit). */
  readonly minIntervalMs: number;
}

const DAY = 24 * 3600_000;

type Verdict = { due: true; reason: UpdateReason } | { due: false; reason: string };

/**
 * When --min-interval lets the next request for a host go, if it holds one back at `now`. It
 * counts from the last request of any kind (accepted, failed, unanswered, answered with a wait),
 * so that neither -f nor a short retry or wait sends more often. A time in the future (the clock
 * went back) holds nothing back.
 */
export function minIntervalEnds(state: State, host: string, family: Family, minIntervalMs: number, now: number): number | undefined {
  if (minIntervalMs <= 0) return undefined;
  const h = state.hosts[host];
  const past = [lastRecord(state, host, family)?.updatedAt, h?.lastAttemptAt, h?.failures?.at].filter((t): t is number => t !== undefined && t <= now);
  if (past.length === 0) return undefined;
  const ends = Math.max(...past) + minIntervalMs;
  return ends > now ? ends : undefined;
}

/**
 * A request for this very address that left without an answer being recorded (the process died
 * between the attempt and the answer: the server may well have applied it). Sending it again at
 * once would be a duplicate after every crash, and an update storm in a crash loop; never
 * sending it again would leave DNS wrong for good if it never reached the server. So it counts
 * as one more failed attempt: sent again, once, after the retry backoff. Returns when, if that
 * is still ahead at `now`.
 */
export function unansweredUntil(state: State, host: string, family: Family, address: string | null, now: number): number | undefined {
  const h = state.hosts[host];
  const inFlight = h?.inFlight;
  if (!inFlight || address === null || inFlight.family !== family || inFlight.address !== address || inFlight.at > now) return undefined;
  const until = inFlight.at + retryDelayMs(host, (h?.failures?.count ?? 0) + 1);
  return until > now ? until : undefined;
}

/** Why a host must not be sent anything now: a latch or a wait in force. */
function stopReason(state: State, host: string, now: number): string | undefined {
  const latch = activeLatch(state, host);
  if (latch) return `latched: ${latch.message}`;
  const wait = activeWait(state, host, now);
  if (wait) return `waiting until ${new Date(wait.until).toISOString()}: ${wait.message}`;
  return undefined;
}

function hostVerdict(state: State, host: string, family: Family, address: string | null, policy: UpdatePolicy, now: number): Verdict {
  const stop = stopReason(state, host, now);
  if (stop) return { due: false, reason: stop };
  const hostState = state.hosts[host];
  const record = lastRecord(state, host, family);
  if (policy.offline) {
    return hostState?.offline && record && (policy.touchDays === 0 || now - record.updatedAt < policy.touchDays * DAY)
      ? { due: false, reason: 'already set offline' }
      : { due: true, reason: 'offline' };
  }
  const failures = hostState?.failures;
  if (failures && !policy.force) {
    const retryAt = failures.at + retryDelayMs(host, failures.count);
    if (now < retryAt && now >= failures.at) {
      return { due: false, reason: `retrying at ${new Date(retryAt).toISOString()} after ${failures.count} failed attempt${failures.count === 1 ? '' : 's'}` };
    }
  }
  const unanswered = unansweredUntil(state, host, family, address, now);
  if (unanswered !== undefined && !policy.force) {
    const inFlight = hostState?.inFlight;
    return { due: false, reason: `sent at ${new Date(inFlight?.at ?? now).toISOString()} and no answer was recorded (a crash?); the server may have applied it, so it is sent again only at ${new Date(unanswered).toISOString()}, to make sure` };
  }
  if (minIntervalEnds(state, host, family, policy.minIntervalMs, now) !== undefined) {
    return { due: false, reason: `updated less than ${Math.round(policy.minIntervalMs / 1000)} s ago (--min-interval)` };
  }
  if (policy.force) return { due: true, reason: 'forced' };
  if (!record) return { due: true, reason: 'unknown' };
  if (hostState?.offline) return { due: true, reason: 'changed' };
  if (address !== null && record.address !== address) return { due: true, reason: 'changed' };
  // A clock that jumped backwards makes the age negative: that is not a reason to update.
  if (policy.touchDays > 0 && now - record.updatedAt > policy.touchDays * DAY) return { due: true, reason: 'refresh' };
  return { due: false, reason: address === null ? 'updated recently (the server detects the address)' : `the server already has ${address}` };
}

/** The decision for one candidate as events: UpdateDecided per reason, UpdateSkipped per cause. */
export function decide(state: State, family: Family, address: string | null, policy: UpdatePolicy, now: number): EventBody[] {
  const due = new Map<UpdateReason, string[]>();
  const skipped = new Map<string, string[]>();
  for (const host of policy.hosts) {
    const verdict = hostVerdict(state, host, family, address, policy, now);
    if (verdict.due) due.set(verdict.reason, [...(due.get(verdict.reason) ?? []), host]);
    else skipped.set(verdict.reason, [...(skipped.get(verdict.reason) ?? []), host]);
  }
  return [
    ...[...skipped].map(([reason, hosts]): EventBody => ({ type: 'UpdateSkipped', hosts, address, reason })),
    ...[...due].map(([reason, hosts]): EventBody => ({ type: 'UpdateDecided', hosts, family, address, reason })),
  ];
}

/**
 * A decision checked again just before its request leaves. The decisions of one run are taken
 * together, and an earlier request of the run may have been answered with a latch or a wait
 * (badauth, 911, 429, …) that now stops some or all of these hosts: they are skipped.
 */
export function stillDue(decision: EventOf<'UpdateDecided'>, state: State, now: number): EventBody[] {
  const stopped = new Map<string, string[]>();
  const hosts = decision.hosts.filter((host) => {
    const reason = stopReason(state, host, now);
    if (reason) stopped.set(reason, [...(stopped.get(reason) ?? []), host]);
    return reason === undefined;
  });
  return [
    ...[...stopped].map(([reason, skipped]): EventBody => ({ type: 'UpdateSkipped', hosts: skipped, address: decision.address, reason })),
    ...(hosts.length > 0 ? [{ ...decision, hosts }] : []),
  ];
}

export function decideUpdates(
  state$: Observable<State>,
  policy: UpdatePolicy,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<EventBody, EventBody> {
  return (events$) => events$.pipe(
    withLatestFrom(state$),
    concatMap(([event, state]) => {
      if (event.type === 'CandidateObserved') return from([event, ...decide(state, event.family, event.address, policy, scheduler.now())]);
      if (event.type === 'ServerDetectionChosen') return from([event, ...decide(state, event.family, null, policy, scheduler.now())]);
      if (event.type === 'RecheckStarted') {
        return from([event, ...lastCandidates(state).flatMap((c) => decide(state, c.family, c.address, policy, scheduler.now()))]);
      }
      return from([event]);
    }),
  );
}
