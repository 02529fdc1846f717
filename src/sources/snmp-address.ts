// --snmpget / --snmp agent,community,oid: the WAN address as an SNMP agent (usually the router)
// reports it. snmpGet reads one OID whose value is the address; snmpWalk walks a table such as
// ipAdEntAddr (.1.3.6.1.2.1.4.20.1.1) and takes the last address that is neither the agent's
// own nor on its network nor unusable, as ipcheck.py meant to (reference §11.4). net-snmp is
// imported only when a request is made. The community is a secret: it is in no event or message.
import { isIP } from 'node:net';
import type { Session, Varbind } from 'net-snmp';
import { Observable, asyncScheduler, defer, exhaustMap, from, mergeMap, timer } from 'rxjs';
import { checkAddress, printable, specialRangeOf } from '../address-ranges.js';
import { parseAddress } from '../address.js';
import { failed, observed, rejected, type CandidateSource, type SourceDeps, type SourceEvent } from './source.js';

export interface SnmpOptions {
  /** host[:port] (port 161 by default); an IPv6 literal as [::1]:161 or bare. */
  readonly agent: string;
  readonly community: string;
  /** Numeric OID, with or without the leading dot. */
  readonly oid: string;
  /** SNMP version (default '1', as the pysnmp 1.x ipcheck.py used; most agents also speak 2c). */
  readonly version?: '1' | '2c';
  /** Time to wait for each answer (default 2000 ms). */
  readonly timeoutMs?: number;
  /** Requests sent again after a timeout (default 1): the wait is bounded by timeoutMs × (retries + 1). */
  readonly retries?: number;
  readonly allowPrivate: boolean;
  /** watch(): how often to ask (default 60 s). */
  readonly pollMs?: number;
}

export interface SnmpTarget {
  readonly agent: string;
  readonly community: string;
  readonly oid: string;
}

export interface SnmpAgentAddress {
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp4' | 'udp6';
}

const EXAMPLE = '192.168.1.1,public,.1.3.6.1.2.1.4.20.1.1';
/** Rows read from a walk at most: a table of addresses has a handful, a wrong OID may have millions. */
const MAX_WALK_ROWS = 10_000;

/** The OID without its leading dot, or undefined when it is not a numeric OID. */
export function normalizeOid(oid: string): string | undefined {
  const trimmed = oid.trim();
  if (!/^\.?[0-9]+(\.[0-9]+)+$/.test(trimmed)) return undefined;
  const bare = trimmed.startsWith('.') ? trimmed.slice(1) : trimmed;
  const arcs = bare.split('.').map(Number);
  if ((arcs[0] ?? 3) > 2 || arcs.some((arc) => arc > 0xffffffff)) return undefined;
  return bare;
}

export function parseSnmpAgent(agent: string): { ok: true; agent: SnmpAgentAddress } | { ok: false; reason: string } {
  const text = agent.trim();
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (text.split(':').length === 2) {
    [host = '', portText] = text.split(':');
  }
  if (host === '' || /\s/.test(host)) {
    return { ok: false, reason: `the SNMP agent "${printable(agent)}" is not host[:port]; e.g. 192.168.1.1 or 192.168.1.1:161` };
  }
  let port = 161;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      return { ok: false, reason: `the SNMP agent port "${printable(portText)}" is not a port number (1-65535)` };
    }
  }
  return { ok: true, agent: { host, port, transport: isIP(host) === 6 ? 'udp6' : 'udp4' } };
}

/**
 * Parses the legacy argument "agent,community,oid". The community may itself contain commas
 * (everything between the first and the last comma), and is never repeated in an error.
 */
export function parseSnmpTarget(text: string): { ok: true; target: SnmpTarget } | { ok: false; reason: string } {
  const parts = text.split(',');
  if (parts.length < 3) {
    return {
      ok: false,
      reason: `the SNMP target needs three parts, agent,community,oid (e.g. ${EXAMPLE}); got ${parts.length}`,
    };
  }
  const agent = (parts[0] ?? '').trim();
  const oid = (parts[parts.length - 1] ?? '').trim();
  const community = parts.slice(1, -1).join(',');
  if (agent === '') return { ok: false, reason: `the SNMP target has no agent before the first comma (e.g. ${EXAMPLE})` };
  const parsedAgent = parseSnmpAgent(agent);
  if (!parsedAgent.ok) return parsedAgent;
  if (community === '') return { ok: false, reason: `the SNMP target has an empty community (e.g. ${EXAMPLE})` };
  if (normalizeOid(oid) === undefined) {
    return {
      ok: false,
      reason: `the OID "${printable(oid)}" is not a numeric OID: write it like .1.3.6.1.2.1.4.20.1.1 (MIB names such as ipAdEntAddr are not understood)`,
    };
  }
  return { ok: true, target: { agent, community, oid } };
}

/** An address from an SNMP value: IpAddress text, an OctetString holding text, or 4/16 raw bytes. */
export function addressFromValue(value: unknown): string | undefined {
  if (typeof value === 'string') return parseAddress(value)?.text;
  if (!Buffer.isBuffer(value)) return undefined;
  const text = value.toString('latin1').replace(/\0+$/, '').trim();
  if (/^[\x20-\x7e]+$/.test(text)) return parseAddress(text)?.text;
  if (value.length === 4) return [...value].join('.');
  if (value.length === 16) return parseAddress(value.toString('hex').replace(/(.{4})(?!$)/g, '$1:'))?.text;
  return undefined;
}

/** An address from a table row's OID index: ipAdEntAddr's a.b.c.d, or IP-MIB's type.length.octets. */
export function addressFromIndex(index: readonly number[]): string | undefined {
  const n = index.length;
  if (!index.every((arc) => Number.isInteger(arc) && arc >= 0)) return undefined;
  if (n >= 18 && index[n - 17] === 16 && index[n - 18] === 2 && index.slice(n - 16).every((octet) => octet <= 255)) {
    const bytes = Buffer.from(index.slice(n - 16));
    return parseAddress(bytes.toString('hex').replace(/(.{4})(?!$)/g, '$1:'))?.text;
  }
  if (n >= 4 && index.slice(n - 4).every((octet) => octet <= 255)) return parseAddress(index.slice(n - 4).join('.'))?.text;
  return undefined;
}

function describeValue(varbind: Varbind): string {
  if (Buffer.isBuffer(varbind.value)) return `"${printable(varbind.value.toString('latin1'))}"`;
  return `"${printable(String(varbind.value))}"`;
}

interface SnmpQuery {
  readonly source: string;
  readonly where: string;
  readonly agent: SnmpAgentAddress;
  readonly oid: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

type SnmpModule = typeof import('net-snmp').default;

/** A message for a failed request that says what to check. */
function describeFailure(error: unknown, query: SnmpQuery): string {
  const name = (error as { name?: string } | undefined)?.name;
  const message = error instanceof Error ? error.message : String(error);
  const tries = query.retries + 1;
  if (name === 'RequestTimedOutError' || name === 'DeadlineExceeded') {
    return (
      `${query.where} did not answer within ${(query.timeoutMs * tries) / 1000} s (${tries} ${tries === 1 ? 'try' : 'tries'} of ${query.timeoutMs} ms): ` +
      'check the agent address and port, that SNMP is enabled on the device, and the community (an agent ignores a wrong one)'
    );
  }
  if (name === 'RequestFailedError') return `${query.where} refused the request (${message}): check the OID and the community's access`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve the SNMP agent's host name ${query.agent.host}`;
  return `${query.where}: ${message}`;
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

/**
 * Opens a session, runs `work`, and always closes it. The library bounds each request; the
 * deadline also bounds a whole walk (and guards against a request that is never settled).
 */
async function withSession<T>(
  options: SnmpOptions,
  query: SnmpQuery,
  deadlineMs: number,
  work: (snmp: SnmpModule, session: Session) => Promise<T>,
): Promise<T> {
  const snmp = (await import('net-snmp')).default;
  const session = snmp.createSession(query.agent.host, options.community, {
    port: query.agent.port,
    transport: query.agent.transport,
    timeout: query.timeoutMs,
    retries: query.retries,
    version: options.version === '2c' ? snmp.Version2c : snmp.Version1,
  });
  session.on('error', () => undefined); // socket errors also fail the pending request
  let deadline: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(snmp, session),
      new Promise<never>((_resolve, reject) => {
        deadline = setTimeout(() => reject(new DeadlineExceeded('deadline exceeded')), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
    session.close();
  }
}

function makeQuery(kind: 'get' | 'walk', options: SnmpOptions): { ok: true; query: SnmpQuery } | { ok: false; source: string; reason: string } {
  const oid = normalizeOid(options.oid);
  const shownOid = oid === undefined ? printable(options.oid) : `.${oid}`;
  const source = `snmp${kind === 'walk' ? ' walk' : ''} ${printable(options.agent)} ${shownOid}`;
  const agent = parseSnmpAgent(options.agent);
  if (!agent.ok) return { ok: false, source, reason: agent.reason };
  if (oid === undefined) {
    return { ok: false, source, reason: `the OID "${shownOid}" is not a numeric OID: write it like .1.3.6.1.2.1.4.20.1.1` };
  }
  return {
    ok: true,
    query: {
      source,
      where: `SNMP agent ${agent.agent.host}:${agent.agent.port}`,
      agent: agent.agent,
      oid,
      timeoutMs: Math.max(1, options.timeoutMs ?? 2000),
      retries: Math.max(0, Math.floor(options.retries ?? 1)),
    },
  };
}

/** once() runs `ask`; watch() runs it every pollMs and passes on a change of outcome. */
function snmpSource(
  source: string,
  options: SnmpOptions,
  deps: SourceDeps,
  ask: () => Promise<SourceEvent[]>,
): CandidateSource {
  const once = (): Observable<SourceEvent> => defer(ask).pipe(mergeMap((events) => from(events)));
  const watch = (): Observable<SourceEvent> =>
    new Observable<SourceEvent>((subscriber) => {
      let lastOutcome: string | undefined;
      return timer(0, options.pollMs ?? 60_000, deps.scheduler ?? asyncScheduler)
        .pipe(exhaustMap(ask))
        .subscribe({
          next: (events) => {
            const last = events[events.length - 1];
            const outcome = last?.type === 'CandidateObserved' ? `address ${last.address}` : `failed ${last?.type === 'SourceFailed' ? last.reason : ''}`;
            if (outcome === lastOutcome) return;
            lastOutcome = outcome;
            for (const event of events) subscriber.next(event);
          },
          error: (error: unknown) => subscriber.error(error),
        });
    });
  return { name: source, once, watch };
}

function invalid(source: string, reason: string): CandidateSource {
  return { name: source, once: () => defer(() => from([failed(source, reason)])), watch: () => defer(() => from([failed(source, reason)])) };
}

/** --snmpget: one GET; the value is the address. */
export function snmpGet(options: SnmpOptions, deps: SourceDeps): CandidateSource {
  const made = makeQuery('get', options);
  if (!made.ok) return invalid(made.source, made.reason);
  const { query } = made;
  const { source, where } = query;
  const ask = async (): Promise<SourceEvent[]> => {
    let varbind: Varbind | undefined;
    try {
      varbind = await withSession(options, query, query.timeoutMs * (query.retries + 1) + 1000, (snmp, session) =>
        new Promise<Varbind | undefined>((resolve, reject) => {
          session.get([query.oid], (error, varbinds) => {
            if (error) reject(error);
            else {
              const first = varbinds?.[0];
              resolve(first && snmp.isVarbindError(first) ? undefined : first);
            }
          });
        }),
      );
    } catch (error) {
      return [failed(source, describeFailure(error, query))];
    }
    if (varbind === undefined || varbind.value === null || varbind.value === undefined) {
      return [failed(source, `${where} has no value at .${query.oid}: check the OID (to walk a table of addresses use --snmp)`)];
    }
    const address = addressFromValue(varbind.value);
    if (address === undefined) {
      return [failed(source, `${where} gives ${describeValue(varbind)} at .${query.oid}, which is not an IP address; check the OID`)];
    }
    const checked = checkAddress(address, { allowPrivate: options.allowPrivate });
    if (checked.ok) return [observed(source, checked.family, checked.text)];
    return [rejected(source, address, checked.reason), failed(source, `${where} gives ${checked.reason}`)];
  };
  return snmpSource(source, options, deps, ask);
}

/** --snmp: walk the table under the OID and take the last usable address (see the file comment). */
export function snmpWalk(options: SnmpOptions, deps: SourceDeps): CandidateSource {
  const made = makeQuery('walk', options);
  if (!made.ok) return invalid(made.source, made.reason);
  const { query } = made;
  const { source, where, agent } = query;
  const agentAddress = parseAddress(agent.host);
  // ipcheck.py skipped addresses starting with the agent's first two octets: its own network.
  const agentNetwork = agentAddress?.family === 'ipv4' ? agentAddress.text.split('.').slice(0, 2).join('.') + '.' : undefined;

  const ask = async (): Promise<SourceEvent[]> => {
    const rows: Varbind[] = [];
    let previousOid: string | undefined;
    try {
      // A walk is many requests: give it a deadline of its own, far beyond one request's.
      const deadlineMs = Math.max(30_000, query.timeoutMs * (query.retries + 1) * 4);
      await withSession(options, query, deadlineMs, (snmp, session) =>
        new Promise<void>((resolve, reject) => {
          session.subtree(
            query.oid,
            20,
            (varbinds) => {
              for (const varbind of varbinds) {
                // endOfMibView/noSuch* or an OID that does not advance ends the walk: some agents
                // answer a v1 GETNEXT past their last object with the same OID, forever.
                if (snmp.isVarbindError(varbind) || varbind.oid === previousOid) return true;
                previousOid = varbind.oid;
                rows.push(varbind);
              }
              return rows.length >= MAX_WALK_ROWS;
            },
            (error) => (error ? reject(error) : resolve()),
          );
        }),
      );
    } catch (error) {
      if (rows.length === 0) return [failed(source, describeFailure(error, query))];
      // Some rows arrived before the failure: use them.
    }
    if (rows.length === 0) {
      return [failed(source, `${where} has no entries under .${query.oid}: check the OID (e.g. .1.3.6.1.2.1.4.20.1.1, ipAdEntAddr)`)];
    }
    const seen = new Set<string>();
    const events: SourceEvent[] = [];
    let chosen: { family: 'ipv4' | 'ipv6'; text: string } | undefined;
    for (const row of rows) {
      const index = row.oid.startsWith(`${query.oid}.`) ? row.oid.slice(query.oid.length + 1).split('.').map(Number) : [];
      const address = addressFromIndex(index) ?? addressFromValue(row.value);
      if (address === undefined || seen.has(address)) continue;
      seen.add(address);
      let reason: string | undefined;
      if (agentAddress !== undefined && address === agentAddress.text) reason = `${address} is the SNMP agent's own address`;
      else if (agentNetwork !== undefined && address.startsWith(agentNetwork)) {
        reason = `${address} is on the SNMP agent's own network (${agentNetwork}x.x), so not its WAN address`;
      } else if (specialRangeOf(parseAddress(address)?.family ?? 'ipv4', address) === 'loopback') reason = `${address} is loopback`;
      else {
        const checked = checkAddress(address, { allowPrivate: options.allowPrivate });
        if (checked.ok) chosen = { family: checked.family, text: checked.text };
        else reason = checked.reason;
      }
      if (reason !== undefined) events.push(rejected(source, address, reason));
    }
    if (chosen !== undefined) return [...events, observed(source, chosen.family, chosen.text)];
    if (seen.size === 0) {
      return [failed(source, `${where} has ${rows.length} entries under .${query.oid}, but none holds an IP address; check the OID`)];
    }
    return [...events, failed(source, `${where} lists no usable address under .${query.oid} (${[...seen].join(', ')}); use --allow-private for a LAN-only setup`)];
  };
  return snmpSource(source, options, deps, ask);
}
