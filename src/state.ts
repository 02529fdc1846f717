// The state is a fold over the events: replaying the log always gives the same answer.
import type { Family } from './address.js';
import type { Event, EventBody, EventOf, Scope } from './events.js';

export interface Latch {
  readonly code: string;
  readonly detail: string;
  readonly message: string;
  readonly at: number;
  /** For badauth: a salted fingerprint of the credentials, so new credentials retry by themselves. */
  readonly credential?: string;
}

export interface Wait {
  readonly code: string;
  readonly until: number;
  readonly message: string;
  readonly at: number;
}

export interface FamilyRecord {
  /** The address the server last accepted for this host (null: the server chose it, unknown). */
  readonly address: string | null;
  /** When the server last accepted an update (or when ipcheck.dat says it did). */
  readonly updatedAt: number;
}

export interface HostState {
  readonly families: Partial<Record<Family, FamilyRecord>>;
  readonly latch?: Latch;
  readonly wait?: Wait;
  readonly offline?: boolean;
  /** Failed attempts in a row (network errors, unknown answers) and when the last one failed. */
  readonly failures?: { readonly count: number; readonly at: number };
  /** An update was sent and no answer was recorded (a crash or a lost reply). */
  readonly inFlight?: { readonly address: string | null; readonly at: number; readonly family: Family };
  /**
   * When the last request for this host left, whatever its answer: --min-interval counts from it.
   * Forgotten when the user lifts a latch or a wait or edits ipcheck.dat (touching it back asks for
   * a refresh), so that what the user did takes effect at once.
   */
  readonly lastAttemptAt?: number;
}

export interface Candidate {
  readonly source: string;
  readonly address: string;
  readonly family: Family;
  readonly at: number;
}

export interface State {
  /** Sequence number of the last event folded in (0: none). */
  readonly seq: number;
  readonly hosts: Readonly<Record<string, HostState>>;
  readonly account: { readonly latch?: Latch; readonly wait?: Wait };
  /** Server failures (911, 5xx, 429) in a row; reset by any accepted update. */
  readonly serverFailures: number;
  readonly lastCandidate?: Candidate;
  /** The last address seen per family (dual stack: what a request carries for the other family). */
  readonly candidates?: Partial<Record<Family, Candidate>>;
  readonly lastUpdateAt?: number;
}

export const EMPTY_STATE: State = { seq: 0, hosts: {}, account: {}, serverFailures: 0 };

const EMPTY_HOST: HostState = { families: {} };

function withHost(state: State, host: string, change: (h: HostState) => HostState): State {
  return { ...state, hosts: { ...state.hosts, [host]: change(state.hosts[host] ?? EMPTY_HOST) } };
}

function withScope(state: State, scope: Scope, hostChange: (h: HostState) => HostState, accountChange: (a: State['account']) => State['account']): State {
  return 'host' in scope ? withHost(state, scope.host, hostChange) : { ...state, account: accountChange(state.account) };
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}

export function fold(state: State, event: Event): State {
  return { ...apply(state, event, event.at), seq: event.seq };
}

function apply(state: State, event: EventBody, at: number): State {
  switch (event.type) {
    case 'CandidateObserved': {
      const candidate: Candidate = { source: event.source, address: event.address, family: event.family, at };
      return { ...state, lastCandidate: candidate, candidates: { ...state.candidates, [event.family]: candidate } };
    }
    case 'UpdateAttempted':
      return event.hosts.reduce(
        (s, host) => withHost(s, host, (h) => ({ ...h, inFlight: { address: event.address, at, family: event.family }, lastAttemptAt: at })),
        state,
      );
    case 'HostUpdated':
      return {
        ...withHost(state, event.host, (h) => ({
          ...without(without(h, 'inFlight'), 'failures'),
          families: { ...h.families, [event.family]: { address: event.address, updatedAt: at } },
          offline: event.offline,
        })),
        serverFailures: 0,
        lastUpdateAt: at,
      };
    case 'UpdateFailed': {
      const counted = event.hosts.reduce((s, host) => withHost(s, host, (h) => ({ ...h, failures: { count: (h.failures?.count ?? 0) + 1, at } })), state);
      return event.hosts.reduce((s, host) => (s.hosts[host]?.inFlight ? withHost(s, host, (h) => without(h, 'inFlight')) : s), counted);
    }
    case 'ReplyReceived':
      // An answer arrived (or certainly never will): the request is no longer in flight.
      return event.status !== 200
        ? event.hosts.reduce((s, host) => (s.hosts[host]?.inFlight ? withHost(s, host, (h) => without(h, 'inFlight')) : s), state)
        : state;
    case 'HostLatched': {
      const latch: Latch = { code: event.code, detail: event.detail, message: event.message, at, ...(event.credential ? { credential: event.credential } : {}) };
      const cleared = 'host' in event.scope ? state : clearAllInFlight(state);
      return withScope(cleared, event.scope, (h) => ({ ...without(h, 'inFlight'), latch }), (a) => ({ ...a, latch }));
    }
    case 'ErrorCleared':
      return withScope(forgetAttempts(state, event.scope), event.scope, (h) => without(h, 'latch'), (a) => without(a, 'latch'));
    case 'WaitRequested': {
      const wait: Wait = { code: event.code, until: event.until, message: event.message, at };
      const failures = event.code === 'server' ? state.serverFailures + 1 : state.serverFailures;
      const cleared = 'host' in event.scope ? state : clearAllInFlight(state);
      return { ...withScope(cleared, event.scope, (h) => ({ ...without(h, 'inFlight'), wait }), (a) => ({ ...a, wait })), serverFailures: failures };
    }
    case 'WaitCleared':
      return withScope(forgetAttempts(state, event.scope), event.scope, (h) => without(h, 'wait'), (a) => without(a, 'wait'));
    case 'DatFileRead': {
      const address = event.address === '0.0.0.0' ? null : event.address;
      return event.hosts.reduce((s, host) => withHost(s, host, (h) => {
        // 0.0.0.0 in ipcheck.dat means "update next time" (reference §8).
        const families = address === null ? without(h.families, 'ipv4') : { ...h.families, ipv4: { address, updatedAt: event.modifiedAt } };
        return { ...without(h, 'lastAttemptAt'), families };
      }), state);
    }
    case 'HostsResolved':
      return Object.entries(event.addresses).reduce((s, [host, address]) => withHost(s, host, (h) => {
        if (address === null) return { ...h, families: without(h.families, 'ipv4') };
        // What DNS says the server has; the time of the last update stays what it was.
        const updatedAt = h.families.ipv4?.updatedAt ?? at;
        return { ...h, families: { ...h.families, ipv4: { address, updatedAt } } };
      }), state);
    default:
      return state;
  }
}

/** The user lifted a latch or a wait: the hosts it covers are no longer held by --min-interval. */
function forgetAttempts(state: State, scope: Scope): State {
  const hosts = 'host' in scope ? [scope.host] : Object.keys(state.hosts);
  return hosts.reduce((s, host) => (s.hosts[host]?.lastAttemptAt !== undefined ? withHost(s, host, (h) => without(h, 'lastAttemptAt')) : s), state);
}

function clearAllInFlight(state: State): State {
  return Object.keys(state.hosts).reduce((s, host) => (s.hosts[host]?.inFlight ? withHost(s, host, (h) => without(h, 'inFlight')) : s), state);
}

export function foldAll(events: Iterable<Event>, initial: State = EMPTY_STATE): State {
  let state = initial;
  for (const event of events) state = fold(state, event);
  return state;
}

// ---- Questions asked of the state ----

/** The wait in force for a host at `now` (its own or the account's), if any. */
export function activeWait(state: State, host: string, now: number): Wait | undefined {
  const candidates = [state.hosts[host]?.wait, state.account.wait].filter((w): w is Wait => Boolean(w && w.until > now));
  return candidates.sort((a, b) => b.until - a.until)[0];
}

/** The latch that stops a host (the account's first), if any. */
export function activeLatch(state: State, host: string): Latch | undefined {
  return state.account.latch ?? state.hosts[host]?.latch;
}

export function lastRecord(state: State, host: string, family: Family): FamilyRecord | undefined {
  return state.hosts[host]?.families[family];
}

/** The last candidate of each family (the newest first). */
export function lastCandidates(state: State): Candidate[] {
  const all = Object.values(state.candidates ?? {}).filter((c): c is Candidate => Boolean(c));
  if (state.lastCandidate && !all.some((c) => c.family === state.lastCandidate?.family)) all.push(state.lastCandidate);
  return all.sort((a, b) => b.at - a.at);
}

/** The events that lift every latch (the account's and each host's), or only `host`'s. */
export function latchClearings(state: State, by: string, host?: string): EventOf<'ErrorCleared'>[] {
  const account = host === undefined && state.account.latch
    ? [{ type: 'ErrorCleared' as const, scope: { account: true as const }, code: state.account.latch.code, by }]
    : [];
  const hosts = Object.entries(state.hosts)
    .filter(([name, h]) => h.latch && (host === undefined || name === host))
    .map(([name, h]) => ({ type: 'ErrorCleared' as const, scope: { host: name }, code: h.latch?.code ?? '', by }));
  return [...account, ...hosts];
}
