// Everything that happens is an event: a fact in the past tense. The event log holds them in
// order; the state is a fold over them. No event ever carries a password.
import type { Family } from './address.js';

/** Who a latch or wait applies to: one host, or the whole account (every host). */
export type Scope = { readonly host: string } | { readonly account: true };

export type UpdateReason = 'changed' | 'refresh' | 'forced' | 'offline' | 'unknown';

export type EventBody =
  | { type: 'RunStarted'; mode: 'once' | 'daemon'; version: string; hosts: string[]; pid: number }
  | { type: 'RunFinished'; status: number; message?: string }
  /** A detection method found an address (it still has to pass validation). */
  | { type: 'CandidateObserved'; source: string; family: Family; address: string }
  | { type: 'CandidateRejected'; source: string; address: string; reason: string }
  | { type: 'SourceFailed'; source: string; reason: string }
  /** The fallback chain moved from one detection method to another. */
  | { type: 'SourceSwitched'; from?: string; to: string; reason: string }
  /** The server will detect the address itself (-g): the candidate has no address. */
  | { type: 'ServerDetectionChosen'; source: string; family: Family }
  /** The daemon looks again at the last address: a timer (refresh, wait over, retry) or a signal. */
  | { type: 'RecheckStarted'; reason: string }
  /** `with`: the other family's address, carried in the same request so the server keeps that record. */
  | { type: 'UpdateDecided'; hosts: string[]; family: Family; address: string | null; reason: UpdateReason; with?: { family: Family; address: string } }
  | { type: 'UpdateSkipped'; hosts: string[]; address: string | null; reason: string }
  /** Written and synced before the request leaves, so a crash can never hide a request. */
  | { type: 'UpdateAttempted'; hosts: string[]; family: Family; address: string | null; offline: boolean; url: string; with?: { family: Family; address: string } }
  | { type: 'ReplyReceived'; hosts: string[]; status: number; body: string }
  | { type: 'UpdateFailed'; hosts: string[]; reason: string; transient: boolean }
  | { type: 'HostUpdated'; host: string; family: Family; address: string | null; code: 'good' | 'nochg'; offline: boolean }
  | { type: 'HostLatched'; scope: Scope; code: string; detail: string; message: string; credential?: string }
  | { type: 'ErrorCleared'; scope: Scope; code?: string; by: string }
  | { type: 'WaitRequested'; scope: Scope; code: string; until: number; message: string }
  | { type: 'WaitCleared'; scope: Scope; by: string }
  /** ipcheck.dat was found, created by --makedat, or changed behind our back (e.g. touched). */
  | { type: 'DatFileRead'; address: string; hosts: string[]; modifiedAt: number; origin: 'file' | 'makedat' }
  | { type: 'HostsResolved'; addresses: Record<string, string | null> }
  | { type: 'ScriptRan'; command: string; exitCode: number | null; signal: string | null; durationMs: number; timedOut: boolean }
  | { type: 'PortMapped'; protocol: 'tcp' | 'udp'; externalPort: number; internalAddress: string; internalPort: number; via: string; leaseSeconds: number }
  | { type: 'PortMappingFailed'; protocol: 'tcp' | 'udp'; externalPort: number; via: string; reason: string }
  | { type: 'PortUnmapped'; protocol: 'tcp' | 'udp'; externalPort: number; via: string };

export type EventType = EventBody['type'];

/** An event as written to the log: its body plus a sequence number and the time (ms since epoch). */
export type Event = EventBody & { readonly seq: number; readonly at: number };

export type EventOf<T extends EventType> = Extract<EventBody, { type: T }>;

export function scopeLabel(scope: Scope): string {
  return 'host' in scope ? scope.host : 'the account';
}
