// The one place where sources, operators and sinks are wired together.
//
//   legacy gates ─┐
//   sources ──────┴─ firstSourceWithCandidate ─ rejectInvalid ─ dropRepeats ─ decideUpdates ─┐
//                                                                                             │
//   record (event log + state + legacy files) ◄── nic-update ◄── post-update script ◄────────┘
import { concat, concatMap, defer, EMPTY, from, map, type Observable, of, type OperatorFunction, type SchedulerLike, tap, toArray, mergeMap } from 'rxjs';
import type { Dispatcher } from 'undici';
import { clockScheduler } from './clock.js';
import type { Config } from './config.js';
import { credentialsMatch } from './credential-fingerprint.js';
import { type HostResolver, resolveHosts } from './dns-lookup.js';
import type { Event, EventBody, EventOf } from './events.js';
import { reconcileLegacy } from './legacy/reconcile.js';
import { decideUpdates, type UpdatePolicy } from './operators/decide-updates.js';
import { dropRepeats } from './operators/drop-repeats.js';
import { firstSourceWithCandidate } from './operators/first-source-with-candidate.js';
import { rejectInvalid } from './operators/reject-invalid.js';
import { buildUpdateUrl, describeUpdate, hostBatches } from './protocol/update-request.js';
import { forwardPorts } from './sinks/forward-ports.js';
import { legacyFilesSink } from './sinks/legacy-files.js';
import { nicUpdate, type NicUpdateOptions } from './sinks/nic-update.js';
import { postUpdateScript, scriptRunFor } from './sinks/post-update-script.js';
import type { CandidateSource } from './sources/source.js';
import { readLegacyFiles } from './store/legacy-files.js';
import type { Store } from './store/store.js';

export interface PipelineDeps {
  readonly now: () => number;
  readonly scheduler?: SchedulerLike;
  readonly dispatcher?: Dispatcher;
  readonly resolveHost: HostResolver;
  readonly sources: readonly CandidateSource[];
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
function preparation(config: Config, store: Store, deps: PipelineDeps): Observable<EventBody> {
  return defer(async () => {
    const reconciled = reconcileLegacy({
      state: store.state,
      files: readLegacyFiles(store.directory),
      hosts: config.hosts,
      username: config.username,
      password: config.password,
      sameCredentials: (fingerprint) => credentialsMatch(fingerprint, config.username, config.password),
      now: deps.now(),
    });
    reconciled.warnings.forEach(deps.warn);
    const events: EventBody[] = [...reconciled.events];
    if (reconciled.needsMakedat || config.makedat || config.checkDns) {
      events.push({ type: 'HostsResolved', addresses: await resolveHosts(config.hosts, deps.resolveHost) });
    }
    return events;
  }).pipe(mergeMap((events) => from(events)));
}

/** A one-shot run: what cron or ppp ip-up calls. Emits every event as it is recorded. */
export function oneShot(config: Config, store: Store, deps: PipelineDeps): Observable<Event> {
  const record = recordEvents(store, config, deps.now);
  const detection = firstSourceWithCandidate(deps.sources.map((source) => source.once().pipe(rejectInvalid({ allowPrivate: config.allowPrivate }))));
  let wanAddress: string | undefined;
  const decisions = detection.pipe(dropRepeats(), tap((event) => { if (event.type === 'CandidateObserved') wanAddress = event.address; }), decideUpdates(store.state$, updatePolicy(config), deps.scheduler ?? clockScheduler(deps.now)));
  const main = concat(preparation(config, store, deps), decisions).pipe(
    concatMap((event) => {
      if (event.type !== 'UpdateDecided') return of(event).pipe(record);
      if (config.testRun) return of(testRunSkip(config, event)).pipe(record);
      return concat(of(event).pipe(record), update(config, store, deps, event));
    }),
  );
  // Ports are mapped once the WAN address of this run is known.
  const forwards = defer(() => (wanAddress && !config.testRun ? forwardPorts(config, wanAddress, deps).pipe(record) : EMPTY));
  return concat(main, forwards);
}

function update(config: Config, store: Store, deps: PipelineDeps, decision: EventOf<'UpdateDecided'>): Observable<Event> {
  const record = recordEvents(store, config, deps.now);
  const options = nicUpdateOptions(config);
  const outcomes = nicUpdate(decision, options, {
    now: deps.now,
    serverFailures: () => store.state.serverFailures,
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
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
