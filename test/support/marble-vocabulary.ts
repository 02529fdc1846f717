// The words of marbles/*.txt: every event as one short line of text, and the state a decision
// reads as a list of facts. Events are compared in this text form, so the marble files stay
// readable; the form is canonical (format(parse(text)) === text for every text written the
// canonical way), and an event that has no short form is written as its JSON.
import type { Family } from '../../src/address.js';
import { printable } from '../../src/address-ranges.js';
import type { EventBody, Scope, UpdateReason } from '../../src/events.js';
import { EMPTY_STATE, type FamilyRecord, type HostState, type Latch, type State, type Wait } from '../../src/state.js';

/** The source named by an event when the text says no `from NAME`. */
export const DEFAULT_SOURCE = 'test';

/** The reason of a failure when the text gives none. */
const DEFAULT_FAILURE = 'failed';

/** `auto` stands for "no address: the server takes the one the request comes from". */
const AUTO = 'auto';

const UPDATE_REASONS: readonly UpdateReason[] = ['changed', 'refresh', 'forced', 'offline', 'unknown'];

// ---- tokens ----

/** Splits on blanks; a token in double quotes is a JSON string (for text with blanks in it). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)) {
    tokens.push(match[0].startsWith('"') ? (JSON.parse(match[0]) as string) : match[0]);
  }
  return tokens;
}

function quote(token: string): string {
  // Quoted when it has blanks, quotes, backslashes or anything but printable ASCII.
  return /^[\x21-\x7e]+$/.test(token) && !/["\\]/.test(token) ? token : JSON.stringify(token);
}

function words(...tokens: string[]): string {
  return tokens.map(quote).join(' ');
}

/** Takes a trailing `from NAME` off the tokens; the default source when there is none. */
function takeSource(tokens: string[]): { rest: string[]; source: string } {
  const at = tokens.length - 2;
  if (at >= 0 && tokens[at] === 'from') return { rest: tokens.slice(0, at), source: tokens[at + 1] ?? DEFAULT_SOURCE };
  return { rest: tokens, source: DEFAULT_SOURCE };
}

function fromSource(source: string): string[] {
  return source === DEFAULT_SOURCE ? [] : ['from', source];
}

function hostList(text: string | undefined, what: string): string[] {
  if (!text) throw new Error(`${what}: the host list is missing (write hosts as a.example.org,b.example.org)`);
  return text.split(',');
}

function addressOrAuto(text: string | undefined, what: string): string | null {
  if (text === undefined) throw new Error(`${what}: the address is missing (write ${AUTO} when the server detects it)`);
  return text === AUTO ? null : text;
}

function familyWord(word: string, family: Family): string {
  return family === 'ipv6' ? `${word}6` : word;
}

// ---- rejection reasons: the range's name, as a word ----

/** "private (RFC 1918)" → private; "shared carrier-grade NAT (RFC 6598): …" → shared-carrier-grade-nat. */
function slug(kind: string): string {
  return (kind.split(/[(:]/)[0] ?? kind).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function rejectionWord(reason: string): string | undefined {
  if (/ is not a valid IPv4 or IPv6 address$/.test(reason)) return 'malformed';
  if (/ is unspecified: /.test(reason)) return 'unspecified';
  const kind = / is (.+?), not reachable from the internet/.exec(reason)?.[1];
  return kind === undefined ? undefined : slug(kind);
}

function rejectionReason(address: string, word: string): string {
  if (word === 'malformed') return `"${printable(address)}" is not a valid IPv4 or IPv6 address`;
  if (word === 'unspecified') return `${address} is unspecified: the router or interface has no address yet`;
  return `${address} is ${word.replace(/-/g, ' ')}, not reachable from the internet; use --allow-private if this is a LAN-only setup`;
}

// ---- skip reasons: one word per rule that holds an update back ----

function skipWord(reason: string, address: string | null): string | undefined {
  if (reason.startsWith('latched: ')) return 'latched';
  if (reason.startsWith('waiting until ')) return 'waiting';
  if (reason === 'already set offline') return 'already-offline';
  if (/^retrying at \S+ after \d+ failed attempts?$/.test(reason)) return 'retrying';
  if (/^updated less than \d+ s ago \(--min-interval\)$/.test(reason)) return 'min-interval';
  if (/^sent at \S+ and no answer was recorded \(a crash\?\); the server may have applied it, so it is sent again only at \S+, to make sure$/.test(reason)) return 'unanswered';
  if (address !== null && reason === `the server already has ${address}`) return 'unchanged';
  if (address === null && reason === 'updated recently (the server detects the address)') return 'unchanged';
  return undefined;
}

function skipReason(word: string, address: string | null): string {
  switch (word) {
    case 'latched': return 'latched: (a latch from the marble state)';
    case 'waiting': return 'waiting until (a wait from the marble state)';
    case 'already-offline': return 'already set offline';
    case 'retrying': return 'retrying at 1970-01-01T00:00:00.000Z after 1 failed attempt';
    case 'min-interval': return 'updated less than 600 s ago (--min-interval)';
    case 'unanswered': return 'sent at 1970-01-01T00:00:00.000Z and no answer was recorded (a crash?); the server may have applied it, so it is sent again only at 1970-01-01T00:01:00.000Z, to make sure';
    case 'unchanged': return address === null ? 'updated recently (the server detects the address)' : `the server already has ${address}`;
    default: throw new Error(`skipped: unknown reason word "${word}" (latched, waiting, already-offline, retrying, min-interval, unanswered, unchanged, or the reason in quotes)`);
  }
}

// ---- why the fallback chain moved: silence, a source that works again, or a failure's reason ----

function switchWord(reason: string, to: string): string {
  if (/^no address within \d+ s$/.test(reason)) return 'silent';
  if (reason === `${to} works again`) return 'works-again';
  return reason;
}

function switchReason(word: string, to: string): string {
  if (word === 'silent') return 'no address within 0 s';
  if (word === 'works-again') return `${to} works again`;
  return word;
}

// ---- events ----

export function formatEvent(event: EventBody): string {
  switch (event.type) {
    case 'CandidateObserved':
      return words(familyWord('seen', event.family), event.address, ...fromSource(event.source));
    case 'ServerDetectionChosen':
      return words(familyWord('server-detects', event.family), ...fromSource(event.source));
    case 'CandidateRejected':
      return words('rejected', event.address, rejectionWord(event.reason) ?? event.reason, ...fromSource(event.source));
    case 'SourceFailed':
      return words('failed', ...(event.reason === DEFAULT_FAILURE ? [] : [event.reason]), ...fromSource(event.source));
    case 'SourceSwitched':
      return words('switched', event.from ?? '-', event.to, switchWord(event.reason, event.to));
    case 'UpdateDecided':
      return words(familyWord('due', event.family), event.reason, event.address ?? AUTO, event.hosts.join(','));
    case 'UpdateSkipped':
      return words('skipped', skipWord(event.reason, event.address) ?? event.reason, event.address ?? AUTO, event.hosts.join(','));
    case 'RecheckStarted':
      return words('recheck', event.reason);
    case 'HostUpdated':
      if (event.code === 'good' && !event.offline) return words(familyWord('updated', event.family), event.host, event.address ?? AUTO);
      return JSON.stringify(event);
    case 'HostLatched':
      if (event.detail === '' && event.message === event.code && event.credential === undefined) {
        return words('latched', 'host' in event.scope ? event.scope.host : 'account', event.code);
      }
      return JSON.stringify(event);
    default:
      return JSON.stringify(event);
  }
}

export function parseEvent(text: string): EventBody {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as EventBody;
  const [word = '', ...args] = tokenize(trimmed);
  const family: Family = word.endsWith('6') ? 'ipv6' : 'ipv4';
  const { rest, source } = takeSource(args);
  const expect = (count: number, form: string) => {
    if (rest.length !== count) throw new Error(`"${text}": expected ${form}`);
  };
  switch (word) {
    case 'seen':
    case 'seen6':
      expect(1, `${word} ADDRESS [from SOURCE]`);
      return { type: 'CandidateObserved', source, family, address: rest[0] ?? '' };
    case 'server-detects':
    case 'server-detects6':
      expect(0, `${word} [from SOURCE]`);
      return { type: 'ServerDetectionChosen', source, family };
    case 'rejected': {
      expect(2, 'rejected ADDRESS WHY [from SOURCE]');
      const [address = '', why = ''] = rest;
      const known = /^[a-z0-9-]+$/.test(why);
      return { type: 'CandidateRejected', source, address, reason: known ? rejectionReason(address, why) : why };
    }
    case 'failed':
      if (rest.length > 1) throw new Error(`"${text}": expected failed [REASON] [from SOURCE]`);
      return { type: 'SourceFailed', source, reason: rest[0] ?? DEFAULT_FAILURE };
    case 'switched': {
      if (args.length !== 3) throw new Error(`"${text}": expected switched FROM TO WHY (FROM - for none)`);
      const [from = '', to = '', why = ''] = args;
      return { type: 'SourceSwitched', ...(from === '-' ? {} : { from }), to, reason: switchReason(why, to) };
    }
    case 'due':
    case 'due6': {
      if (args.length !== 3) throw new Error(`"${text}": expected ${word} REASON ADDRESS HOSTS`);
      const [reason = '', address, hosts] = args;
      if (!UPDATE_REASONS.includes(reason as UpdateReason)) throw new Error(`"${text}": the reason is one of ${UPDATE_REASONS.join(', ')}`);
      return { type: 'UpdateDecided', hosts: hostList(hosts, text), family, address: addressOrAuto(address, text), reason: reason as UpdateReason };
    }
    case 'skipped': {
      if (args.length !== 3) throw new Error(`"${text}": expected skipped WHY ADDRESS HOSTS`);
      const [why = '', addressText, hosts] = args;
      const address = addressOrAuto(addressText, text);
      const reason = /^[a-z-]+$/.test(why) ? skipReason(why, address) : why;
      return { type: 'UpdateSkipped', hosts: hostList(hosts, text), address, reason };
    }
    case 'recheck':
      if (args.length !== 1) throw new Error(`"${text}": expected recheck "REASON"`);
      return { type: 'RecheckStarted', reason: args[0] ?? '' };
    case 'updated':
    case 'updated6': {
      if (args.length !== 2) throw new Error(`"${text}": expected ${word} HOST ADDRESS`);
      return { type: 'HostUpdated', host: args[0] ?? '', family, address: addressOrAuto(args[1], text), code: 'good', offline: false };
    }
    case 'latched': {
      if (args.length !== 2) throw new Error(`"${text}": expected latched HOST|account CODE`);
      const [who = '', code = ''] = args;
      return { type: 'HostLatched', scope: scopeOf(who), code, detail: '', message: code };
    }
    default:
      throw new Error(`"${text}": unknown event word "${word}" (see marbles/README.md, or write the event as JSON)`);
  }
}

/** The text an event is compared by: what a marble file must say for it. */
export function canonicalEvent(text: string): string {
  return formatEvent(parseEvent(text));
}

// ---- state ----

const UNIT_MS: Readonly<Record<string, number>> = { '': 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `now`, `-26d`, `+30m`, `-90s`, `+5` (frames, i.e. virtual ms), or a sum such as `-25d+5`
 * (25 days ago, plus five frames), relative to `now`.
 */
export function relativeTime(text: string, now: number): number {
  if (text === 'now') return now;
  if (!/^([+-]\d+[dhms]?)+$/.test(text)) throw new Error(`"${text}" is not a relative time (write now, -26d, +30m, -90s, -5 for frames, or a sum like -25d+5)`);
  let at = now;
  for (const [, sign, amount, unit] of text.matchAll(/([+-])(\d+)([dhms]?)/g)) {
    const ms = Number(amount) * (UNIT_MS[unit ?? ''] ?? 1);
    at += sign === '-' ? -ms : ms;
  }
  return at;
}

/** `10m`, `1d`, `30s` or a bare number of frames (virtual ms). */
export function duration(text: string): number {
  const match = /^(\d+)(d|h|m|s)?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration (write 5 for frames, or 30s, 10m, 2h, 1d)`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 1);
}

const HOST_FORM = 'host H [ipv4 ADDRESS updated WHEN] [ipv6 ADDRESS updated WHEN] [offline] [failed N at WHEN] [sent ADDRESS at WHEN]';

function scopeOf(who: string): Scope {
  return who === 'account' ? { account: true } : { host: who };
}

function withHost(state: State, host: string, change: (h: HostState) => HostState): State {
  return { ...state, hosts: { ...state.hosts, [host]: change(state.hosts[host] ?? { families: {} }) } };
}

/**
 * Builds the state from facts separated by `;` (several `state:` lines add up):
 *   host H [ipv4 ADDRESS updated WHEN] [ipv6 ADDRESS updated WHEN] [offline] [failed N at WHEN]
 *     [sent ADDRESS at WHEN]   (a request sent then and never answered: in flight at a crash)
 *   last seen ADDRESS [from SOURCE]   (or last seen6 …: the last candidate, seen now)
 *   latched H|account CODE
 *   wait H|account until WHEN [CODE]
 *   empty
 * WHEN is relative to `now`, the virtual clock when the state is read.
 */
export function buildState(facts: readonly string[], now: number): State {
  let state: State = EMPTY_STATE;
  for (const fact of facts.flatMap((line) => line.split(';')).map((f) => f.trim()).filter(Boolean)) {
    const [word, who, ...rest] = tokenize(fact);
    const fail = (form: string): never => { throw new Error(`state "${fact}": expected ${form}`); };
    switch (word) {
      case 'empty':
        if (who !== undefined) fail('empty');
        break;
      case 'host': {
        if (!who) fail(HOST_FORM);
        const host = who as string;
        state = withHost(state, host, (h) => h);
        for (let i = 0; i < rest.length;) {
          const clause = rest[i];
          if (clause === 'offline') { state = withHost(state, host, (h) => ({ ...h, offline: true })); i += 1; continue; }
          if (clause === 'failed' && /^\d+$/.test(rest[i + 1] ?? '') && rest[i + 2] === 'at' && rest[i + 3] !== undefined) {
            const failures = { count: Number(rest[i + 1]), at: relativeTime(rest[i + 3] ?? '', now) };
            state = withHost(state, host, (h) => ({ ...h, failures }));
            i += 4;
            continue;
          }
          if (clause === 'sent' && rest[i + 1] !== undefined && rest[i + 2] === 'at' && rest[i + 3] !== undefined) {
            const address = addressOrAuto(rest[i + 1], fact);
            const inFlight = { address, at: relativeTime(rest[i + 3] ?? '', now), family: address?.includes(':') ? 'ipv6' as const : 'ipv4' as const };
            state = withHost(state, host, (h) => ({ ...h, inFlight }));
            i += 4;
            continue;
          }
          if ((clause === 'ipv4' || clause === 'ipv6') && rest[i + 2] === 'updated' && rest[i + 3] !== undefined) {
            const record: FamilyRecord = { address: addressOrAuto(rest[i + 1], fact), updatedAt: relativeTime(rest[i + 3] ?? '', now) };
            state = withHost(state, host, (h) => ({ ...h, families: { ...h.families, [clause]: record } }));
            i += 4;
            continue;
          }
          fail(HOST_FORM);
        }
        break;
      }
      case 'last': {
        const seen = parseEvent([who ?? '', ...rest].map(quote).join(' '));
        if (seen.type !== 'CandidateObserved') fail('last seen ADDRESS [from SOURCE] (or last seen6 …)');
        else state = { ...state, lastCandidate: { source: seen.source, address: seen.address, family: seen.family, at: now } };
        break;
      }
      case 'latched': {
        if (!who || rest.length !== 1) fail('latched H|account CODE');
        const code = rest[0] ?? '';
        const latch: Latch = { code, detail: '', message: `${code} (${who === 'account' ? 'the account' : who})`, at: now };
        state = who === 'account' ? { ...state, account: { ...state.account, latch } } : withHost(state, who ?? '', (h) => ({ ...h, latch }));
        break;
      }
      case 'wait': {
        if (!who || rest[0] !== 'until' || rest[1] === undefined || rest.length > 3) fail('wait H|account until WHEN [CODE]');
        const code = rest[2] ?? 'wait';
        const wait: Wait = { code, until: relativeTime(rest[1] ?? '', now), message: `${code} (${who === 'account' ? 'the account' : who})`, at: now };
        state = who === 'account' ? { ...state, account: { ...state.account, wait } } : withHost(state, who ?? '', (h) => ({ ...h, wait }));
        break;
      }
      default:
        fail('one of: host …, last seen …, latched …, wait …, empty');
    }
  }
  return state;
}
