// The one place where sources, operators and sinks are wired together.
//
//   legacy gates ─┐
//   sources ──────┴─ firstSourceWithCandidate ─ rejectInvalid ─ dropRepeats ─ decideUpdates ─┐
//                                                                                             │
//   record (event log + state + legacy files) ◄── nic-update ◄── post-update script ◄────────┘
import { concat, concatMap, defer, distinctUntilChanged, EMPTY, filter, from, map, merge, mergeMap, type Observable, of, type OperatorFunction, type SchedulerLike, share, switchMap, tap, toArray } from 'rxjs';
import { clockScheduler } from './clock.js';
import type { Config } from './config.js';
import { credentialFingerprint, credentialsMatch } from './credential-fingerprint.js';
import { type HostResolver, resolveHosts } from './dns-lookup.js';
import type { Event, EventBody, EventOf } from './events.js';
import { reconcileLegacy } from './legacy/reconcile.js';
import { pairFamilies } from './dual-stack.js';
import { applyIpv6Suffix } from './operators/apply-ipv6-suffix.js';
import { decideUpdates, stillDue, type UpdatePolicy } from './operators/decide-updates.js';
import { dropRepeats } from './operators/drop-repeats.js';
import { fallbackChain } from './operators/fallback-chain.js';
import { firstSourceWithCandidate } from './operators/first-source-with-candidate.js';
import { recheckTimer } from './operators/next-recheck.js';
import { rejectInvalid } from './operators/reject-invalid.js';
import { buildUpdateUrl, describeUpdate, hostBatches } from './protocol/update-request.js';
import { forwardPorts, keepForwarded } from './sinks/forward-ports.js';
import { legacyFilesSink } from './sinks/legacy-files.js';
import { nicUpdate, type NicUpdateOptions } from './sinks/nic-update.js';
import { postUpdateScript, scriptRunFor } from './sinks/post-update-script.js';
import type { CandidateSource } from './sources/source.js';
import { readLegacyFiles } from './store/legacy-files.js';
import type { Store } from './store/store.js';

export interface PipelineDeps {
  readonly now: () => number;
  readonly scheduler?: SchedulerLike;
  /** --ca: PEM certificates trusted besides the system's roots. */
  readonly extraCa?: readonly string[];
  readonly resolveHost: HostResolver;
  /** The detection chain (IPv4, or the only family configured). */
  readonly sources: readonly CandidateSource[];
  /** The IPv6 chain when both families are configured. */
  readonly sources6?: readonly CandidateSource[];
  /** Warnings found while reading the legacy files, for the report. */
  readonly warn: (message: string) => void;
}

export function updatePolicy(config: Config): UpdatePolicy {
  return { hosts: config.hosts, force: config.force, offline: config.offline, touchDays: config.touchDays, minIntervalMs: config.minIntervalMs };
}

export function nicUpdateOptions(config: Config): NicUpdateOptions {
  return {
    server: config.server, username: config.username, password: config.password, system: config.system,
    wildcard: config.wildcard, backmx: config.backmx, mx: config.mx, offline: config.offline, guess: config.guess,
    ipv6Param: config.ipv6Param, totalTimeoutMs: config.totalTimeoutMs, maxReplyBytes: config.maxReplyBytes,
  };
}

/** Appends each event to the log (synced), folds it into the state and updates the legacy files. */
export function recordEvents(store: Store, config: Config, now: () => number): OperatorFunction<EventBody, Event> {
  const legacy = legacyFilesSink(store.directory, config.hosts, () => store.state, now);
  return (source) => source.pipe(map((body) => store.record(body)), tap(legacy));
}

/** Events that bring the state in line with the legacy files, then DNS lookups where needed. */
function preparation(config: Config, store: Store, deps: PipelineDeps, firstRun = true): Observable<EventBody> {
  return defer(async () => {
    const reconciled = reconcileLegacy({
      state: store.state,
      files: readLegacyFiles(store.directory),
      hosts: config.hosts,
      username: config.username,
      password: config.password,
      sameCredentials: (fingerprint) => credentialsMatch(fingerprint, config.username, config.password),
      fingerprint: () => credentialFingerprint(config.username, config.password),
      now: deps.now(),
    });
    reconciled.warnings.forEach(deps.warn);
    const events: EventBody[] = [...reconciled.events];
    if ((firstRun && reconciled.needsMakedat) || config.makedat || config.checkDns) {
      events.push({ type: 'HostsResolved', addresses: await resolveHosts(config.hosts, deps.resolveHost) });
    }
    return events;
  }).pipe(mergeMap((events) => from(events)));
}

/**
 * Decides on each batch of triggers (candidates, rechecks) against the state as it is when the
 * batch's turn comes, then acts. Batches are handled one at a time, so a decision always sees the
 * outcome of the update before it (no burst when the address flaps). Within a batch the decisions
 * of both address families are paired, so a dual-stack change goes out in one request.
 */
function decideAndAct(config: Config, store: Store, deps: PipelineDeps): OperatorFunction<EventBody[], Event> {
  const record = recordEvents(store, config, deps.now);
  const policy = updatePolicy(config);
  const scheduler = deps.scheduler ?? clockScheduler(deps.now);
  const act = (event: EventBody): Observable<Event> => {
    if (event.type !== 'UpdateDecided') return of(event).pipe(record);
    if (config.testRun) return of(testRunSkip(config, event)).pipe(record);
    // An earlier request of this batch may have latched the account or started a wait.
    return defer(() => from(stillDue(event, store.state, scheduler.now()))).pipe(concatMap((checked) => (checked.type === 'UpdateDecided'
      ? concat(of(checked).pipe(record), update(config, store, deps, checked))
      : of(checked).pipe(record))));
  };
  return concatMap((batch) => from(batch).pipe(
    decideUpdates(store.state$, policy, scheduler),
    toArray(),
    concatMap((events) => {
      const decided = events.filter((e): e is EventOf<'UpdateDecided'> => e.type === 'UpdateDecided');
      const others = events.filter((e) => e.type !== 'UpdateDecided');
      const paired = pairFamilies(decided, store.state, { families: config.families, ipv6Param: config.ipv6Param });
      return from([...others, ...paired]).pipe(concatMap(act));
    }),
  ));
}

/** The detection chains, one per configured family, each with its own sources. */
function chainsOf(config: Config, deps: PipelineDeps): readonly (readonly CandidateSource[])[] {
  return [deps.sources, ...(deps.sources6 ? [deps.sources6] : [])];
}

function prepareCandidates(config: Config): OperatorFunction<EventBody, EventBody> {
  const suffix = config.ipv6Suffix;
  return (events) => (suffix ? events.pipe(applyIpv6Suffix(suffix)) : events).pipe(rejectInvalid({ allowPrivate: config.allowPrivate }));
}

/** A one-shot run: what cron or ppp ip-up calls. Emits every event as it is recorded. */
export function oneShot(config: Config, store: Store, deps: PipelineDeps): Observable<Event> {
  const record = recordEvents(store, config, deps.now);
  const detection = concat(...chainsOf(config, deps).map((sources) => firstSourceWithCandidate(sources.map((source) => source.once().pipe(prepareCandidates(config))))));
  let wanAddress: string | undefined;
  const candidates = detection.pipe(dropRepeats(), tap((event) => { if (event.type === 'CandidateObserved' && event.family === 'ipv4') wanAddress = event.address; }));
  // The preparation (legacy gates, DNS) is folded in before any decision; then all candidates are decided together.
  const main = concat(preparation(config, store, deps).pipe(toArray()), candidates.pipe(toArray())).pipe(decideAndAct(config, store, deps));
  // Ports are mapped once the WAN address of this run is known.
  const forwards = defer(() => (wanAddress && !config.testRun ? forwardPorts(config, wanAddress, deps).pipe(record) : EMPTY));
  return concat(main, forwards);
}

export interface ContinuousDeps extends PipelineDeps {
  /** Rechecks asked for from outside: SIGUSR1, SIGHUP. */
  readonly rechecks: Observable<EventOf<'RecheckStarted'>>;
  /** Fires when the user may have edited the legacy files (ipcheck.err deleted, …). */
  readonly legacyFilesChanged: Observable<unknown>;
}

/** The daemon: the same operators over time, until unsubscribed. */
export function continuous(config: Config, store: Store, deps: ContinuousDeps): Observable<Event> {
  const scheduler = deps.scheduler ?? clockScheduler(deps.now);
  const chain = merge(...chainsOf(config, deps).map((sources) => fallbackChain(
    sources.map((source) => ({ name: source.name, events: source.watch().pipe(prepareCandidates(config)) })),
    { silenceMs: config.sourceSilenceMs },
    scheduler,
  ))).pipe(dropRepeats(), share());
  const gates = deps.legacyFilesChanged.pipe(concatMap(() => preparation({ ...config, makedat: false, checkDns: false }, store, deps, false)));
  const triggers = merge(chain, recheckTimer(store.state$, updatePolicy(config), scheduler), deps.rechecks, gates);
  const forwards = config.forward.length === 0 ? EMPTY : chain.pipe(
    filter((event): event is EventOf<'CandidateObserved'> => event.type === 'CandidateObserved' && event.family === 'ipv4'),
    distinctUntilChanged((a, b) => a.address === b.address),
    switchMap((event) => keepForwarded(config, event.address, deps)),
    recordEvents(store, config, deps.now),
  );
  const batches = concat(preparation(config, store, deps).pipe(toArray()), triggers.pipe(map((trigger) => [trigger])));
  return merge(batches.pipe(decideAndAct(config, store, deps)), forwards);
}

function update(config: Config, store: Store, deps: PipelineDeps, decision: EventOf<'UpdateDecided'>): Observable<Event> {
  const record = recordEvents(store, config, deps.now);
  const options = nicUpdateOptions(config);
  const outcomes = nicUpdate(decision, options, {
    now: deps.now,
    serverFailures: () => store.state.serverFailures,
    ...(deps.extraCa ? { extraCa: deps.extraCa } : {}),
  }).pipe(record, toArray());
  return outcomes.pipe(concatMap((events) => {
    const script = config.execute ? scriptRunFor(events) : undefined;
    const after = config.execute && script
      ? postUpdateScript({ command: config.execute, timeoutMs: config.scriptTimeoutMs, directory: store.directory, ...script }, deps).pipe(record)
      : EMPTY;
    return concat(from(events), after);
  }));
}

/** -t: say what would be sent, with the password hidden, and send nothing. */
function testRunSkip(config: Config, decision: EventOf<'UpdateDecided'>): EventBody {
  const options = nicUpdateOptions(config);
  const requests = hostBatches(decision.hosts).map((hosts) => describeUpdate(buildUpdateUrl({
    server: options.server, hosts, system: options.system,
    addresses: decision.address !== null && !options.guess ? { [decision.family]: decision.address } : {},
    offline: options.offline, wildcard: options.wildcard, backmx: options.backmx, mx: options.mx, ipv6Param: options.ipv6Param,
  }), config.username));
  return { type: 'UpdateSkipped', hosts: decision.hosts, address: decision.address, reason: `test run (-t), ${decision.reason}; would send ${requests.join('; ')}` };
}
