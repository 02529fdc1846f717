// The NIC v2 update (reference §7, §17): one GET per batch of up to 20 hosts, Basic auth, a
// proper user agent, bounded connect and total time and reply size. Every step is an event:
// UpdateAttempted (recorded before the request leaves), ReplyReceived, then one outcome per host.
import { concat, defer, from, type Observable, mergeMap, of, tap } from 'rxjs';
import type { Family } from '../address.js';
import { credentialFingerprint } from '../credential-fingerprint.js';
import type { EventBody, EventOf } from '../events.js';
import { describeNetworkError } from '../network-error.js';
import { parseReply, type Outcome } from '../protocol/parse-reply.js';
import { basicAuthorization, buildUpdateUrl, type DnsSystem, hostBatches, USER_AGENT } from '../protocol/update-request.js';
import { boundedGet } from '../bounded-get.js';

export interface NicUpdateOptions {
  readonly server: string;
  readonly username: string;
  readonly password: string;
  readonly system: DnsSystem;
  readonly wildcard: string;
  readonly backmx: string;
  readonly mx: string;
  readonly offline: boolean;
  /** -g: send no myip. */
  readonly guess: boolean;
  readonly ipv6Param: 'myip' | 'myipv6';
  readonly totalTimeoutMs: number;
  readonly maxReplyBytes: number;
}

export interface NicUpdateDeps {
  /** --ca: PEM certificates trusted besides the system's roots. */
  readonly extraCa?: readonly string[];
  readonly now: () => number;
  /** Server failures in a row so far (from the state), for the growing wait. */
  readonly serverFailures: () => number;
}

/** The events of one update decision: for each batch, the attempt, the reply and the outcomes. */
export function nicUpdate(decision: EventOf<'UpdateDecided'>, options: NicUpdateOptions, deps: NicUpdateDeps): Observable<EventBody> {
  return defer(() => {
    // An answer that stops the whole account (badauth, 911, 429, …) stops the batches after it.
    let stoppedBy: string | undefined;
    return from(hostBatches(decision.hosts)).pipe(
      mergeMap((hosts) => (stoppedBy !== undefined
        ? of<EventBody>({ type: 'UpdateSkipped', hosts, address: decision.address, reason: stoppedBy })
        : updateBatch(hosts, decision, options, deps).pipe(tap((event) => { stoppedBy ??= accountStop(event); }))), 1),
    );
  });
}

/** The skip reason an account-wide latch or wait gives (as the decision words it). */
function accountStop(event: EventBody): string | undefined {
  if (event.type === 'HostLatched' && 'account' in event.scope) return `latched: ${event.message}`;
  if (event.type === 'WaitRequested' && 'account' in event.scope) return `waiting until ${new Date(event.until).toISOString()}: ${event.message}`;
  return undefined;
}

/** The addresses one request carries, by family (none with -g and -o). */
export function requestAddresses(decision: EventOf<'UpdateDecided'>, options: { guess: boolean; offline: boolean }): Partial<Record<Family, string>> {
  if (decision.address === null || options.guess || options.offline) return {};
  return { [decision.family]: decision.address, ...(decision.with ? { [decision.with.family]: decision.with.address } : {}) };
}

function updateBatch(hosts: string[], decision: EventOf<'UpdateDecided'>, options: NicUpdateOptions, deps: NicUpdateDeps): Observable<EventBody> {
  const { family, address } = decision;
  const addresses = requestAddresses(decision, options);
  const sendAddress = addresses[family] !== undefined;
  const url = buildUpdateUrl({
    server: options.server,
    hosts,
    system: options.system,
    addresses,
    offline: options.offline,
    wildcard: options.wildcard,
    backmx: options.backmx,
    mx: options.mx,
    ipv6Param: options.ipv6Param,
  });
  const carried = sendAddress ? decision.with : undefined;
  const attempted: EventBody = {
    type: 'UpdateAttempted', hosts, family, address: sendAddress ? address : null, offline: options.offline,
    url: `${url.origin}${url.pathname}${url.search}`, ...(carried ? { with: carried } : {}),
  };
  return concat(
    of(attempted),
    defer(() => from(send(url, hosts, { family, address, sendAddress, carried }, options, deps))).pipe(mergeMap((events) => from(events))),
  );
}

interface Sent {
  readonly family: Family;
  readonly address: string | null;
  readonly sendAddress: boolean;
  readonly carried: { family: Family; address: string } | undefined;
}

async function send(url: URL, hosts: string[], sent: Sent, options: NicUpdateOptions, deps: NicUpdateDeps): Promise<EventBody[]> {
  const { address, sendAddress } = sent;
  let status: number;
  let headers: Readonly<Record<string, string | undefined>>;
  let body: string;
  try {
    ({ status, headers, body } = await boundedGet(url, {
      headers: {
        authorization: basicAuthorization(options.username, options.password),
        'user-agent': USER_AGENT,
        accept: 'text/plain',
      },
      totalTimeoutMs: options.totalTimeoutMs,
      maxBytes: options.maxReplyBytes,
      ...(deps.extraCa ? { extraCa: deps.extraCa } : {}),
    }));
  } catch (error) {
    return [{ type: 'UpdateFailed', hosts, reason: `no answer from the update server: ${describeNetworkError(error, url.host, options.totalTimeoutMs)}`, transient: true }];
  }
  const reply: EventBody = { type: 'ReplyReceived', hosts, status, body: body.slice(0, 4096) };
  const outcomes = parseReply({
    status, body, headers, hosts,
    sent: [...(sendAddress && address ? [address] : []), ...(sent.carried ? [sent.carried.address] : [])],
    username: options.username, system: options.system, now: deps.now(), serverFailures: deps.serverFailures(),
  });
  return [reply, ...outcomes.flatMap((outcome) => outcomeEvents(outcome, sent, options))];
}

function outcomeEvents(outcome: Outcome, sent: Sent, options: NicUpdateOptions): EventBody[] {
  if (outcome.kind !== 'updated') return [outcomeEvent(outcome, options)];
  // Without myip (-g) the address the server saw is the one to remember.
  const echoed = outcome.addresses.find((a) => (sent.family === 'ipv6' ? a.includes(':') : !a.includes(':'))) ?? null;
  const primary: EventBody = { type: 'HostUpdated', host: outcome.host, family: sent.family, address: sent.sendAddress ? sent.address : echoed, code: outcome.code, offline: options.offline };
  if (!sent.carried) return [primary];
  return [primary, { type: 'HostUpdated', host: outcome.host, family: sent.carried.family, address: sent.carried.address, code: outcome.code, offline: options.offline }];
}

function outcomeEvent(outcome: Exclude<Outcome, { kind: 'updated' }>, options: NicUpdateOptions): EventBody {
  switch (outcome.kind) {
    case 'latched':
      return {
        type: 'HostLatched', scope: outcome.scope, code: outcome.code, detail: outcome.detail, message: outcome.message,
        ...(outcome.code === 'badauth' ? { credential: credentialFingerprint(options.username, options.password) } : {}),
      };
    case 'wait':
      return { type: 'WaitRequested', scope: outcome.scope, code: outcome.code, until: outcome.until, message: outcome.message };
    case 'failed':
      return { type: 'UpdateFailed', hosts: outcome.hosts, reason: outcome.reason, transient: outcome.transient };
  }
}
