// The contract every detection method fulfils. A source is a pair of Observables of events:
// `once` emits what it finds now and completes (one-shot runs, cron, ppp ip-up); `watch` keeps
// emitting whenever the address may have changed, until unsubscribed (the daemon).
import type { Observable, SchedulerLike } from 'rxjs';
import type { EventOf } from '../events.js';

export type SourceEvent =
  | EventOf<'CandidateObserved'>
  | EventOf<'CandidateRejected'>
  | EventOf<'SourceFailed'>
  | EventOf<'ServerDetectionChosen'>;

export interface CandidateSource {
  /** Stable, human-readable name, e.g. "interface ppp0" or "web http://127.0.0.1:8080/". */
  readonly name: string;
  once(): Observable<SourceEvent>;
  watch(): Observable<SourceEvent>;
}

/** What sources may need from the outside world; tests pass loopback servers and fake clocks. */
export interface SourceDeps {
  readonly now: () => number;
  readonly scheduler?: SchedulerLike;
}

export function observed(source: string, family: 'ipv4' | 'ipv6', address: string): EventOf<'CandidateObserved'> {
  return { type: 'CandidateObserved', source, family, address };
}

export function rejected(source: string, address: string, reason: string): EventOf<'CandidateRejected'> {
  return { type: 'CandidateRejected', source, address, reason };
}

export function failed(source: string, reason: string): EventOf<'SourceFailed'> {
  return { type: 'SourceFailed', source, reason };
}
