// Sink: asks the router to forward ports to this machine, over UPnP IGD (AddPortMapping /
// DeletePortMapping) or NAT-PMP (RFC 6886 opcodes 1 and 2), and answers with PortMapped,
// PortMappingFailed and PortUnmapped events. The successor of ipcheck.py's --forward, which only
// knew the Alcatel Speed Touch Pro's telnet console.
import { asyncScheduler, defer, from, mergeMap, repeat, tap, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { Dispatcher } from 'undici';
import type { EventOf } from '../events.js';
import { DEFAULT_UPNP_TIMEOUT_MS, locateIgd, type IgdLocation } from '../sources/upnp/locate-igd.js';
import type { DescribedService } from '../sources/upnp/device-description.js';
import { callSoapAction } from '../sources/upnp/soap-action.js';
import { resolveNatPmpGateway } from '../sources/upnp/nat-pmp.js';
import { DEFAULT_NAT_PMP_TIMEOUT_MS, natPmpExchange, type NatPmpGateway } from '../sources/upnp/nat-pmp-exchange.js';
import { decodeMapReply, mapRequest, OPCODE_MAP_TCP, OPCODE_MAP_UDP } from '../sources/upnp/nat-pmp-protocol.js';
import type { ForwardedPort } from './forward-spec.js';
import { localAddressToward } from './local-address-toward.js';

export { parseForwardSpec, ForwardSpecError, SERVICE_PORTS, type ForwardedPort } from './forward-spec.js';

export interface PortMappingOptions {
  readonly ports: readonly ForwardedPort[];
  readonly via: 'upnp' | 'natpmp';
  /** Where the UPnP IGD is (description URL, or SSDP discovery); used when via is 'upnp'. */
  readonly igd?: IgdLocation;
  /** NAT-PMP gateway "host[:port]"; without it the default gateway. Used when via is 'natpmp'. */
  readonly gateway?: string;
  /** The LAN address to forward to; by default this machine's address toward the router. */
  readonly internalAddress?: string;
  /** Requested lease; the router may grant less (NAT-PMP) or only permanent ones (UPnP 725). */
  readonly leaseSeconds?: number;
  readonly description?: string;
  /** NAT-PMP total retransmission time per request. */
  readonly timeoutMs?: number;
}

export interface PortMappingDeps {
  readonly dispatcher?: Dispatcher;
  readonly defaultGateway?: () => Promise<string | undefined>;
  /** Drives keepPortsMapped's renewals; a VirtualTimeScheduler in tests. */
  readonly scheduler?: SchedulerLike;
  /** keepPortsMapped retries this soon after a failed round. */
  readonly retryMs?: number;
}

export type PortMappingEvent = EventOf<'PortMapped'> | EventOf<'PortMappingFailed'>;
export type PortUnmappingEvent = EventOf<'PortUnmapped'> | EventOf<'PortMappingFailed'>;

export const DEFAULT_LEASE_SECONDS = 3600;
export const DEFAULT_RETRY_MS = 60_000;
const UPNP_ONLY_PERMANENT_LEASES = 725;
const UPNP_NO_SUCH_ENTRY = 714;

/** One attempt per port, in order; completes when every port has its event. */
export function mapPorts(options: PortMappingOptions, deps: PortMappingDeps): Observable<PortMappingEvent> {
  return defer(() => from(options.via === 'upnp' ? mapWithUpnp(options, deps) : mapWithNatPmp(options, deps))).pipe(mergeMap((events) => from(events)));
}

/** Removes the mappings; a mapping the router no longer has counts as removed. */
export function unmapPorts(options: PortMappingOptions, deps: PortMappingDeps): Observable<PortUnmappingEvent> {
  return defer(() => from(options.via === 'upnp' ? unmapWithUpnp(options, deps) : unmapWithNatPmp(options, deps))).pipe(mergeMap((events) => from(events)));
}

/**
 * Maps the ports now and again at half the shortest granted lease, until unsubscribed; after a
 * failure, sooner (deps.retryMs). Unsubscribing leaves the leases to expire: call unmapPorts to
 * remove them at once.
 */
export function keepPortsMapped(options: PortMappingOptions, deps: PortMappingDeps): Observable<PortMappingEvent> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  return defer(() => {
    let delayMs = 0;
    const round = defer(() => {
      const granted: number[] = [];
      let anyFailed = false;
      return mapPorts(options, deps).pipe(
        tap({
          next: (event) => {
            if (event.type === 'PortMapped') granted.push(event.leaseSeconds);
            else anyFailed = true;
          },
          complete: () => {
            delayMs = renewalDelayMs(granted, anyFailed, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS, deps.retryMs ?? DEFAULT_RETRY_MS);
          },
        }),
      );
    });
    return round.pipe(repeat({ delay: () => timer(delayMs, scheduler) }));
  });
}

/** Half the shortest granted lease; permanent leases (0) are re-asserted at half the requested one, as routers forget them on reboot. */
export function renewalDelayMs(grantedSeconds: readonly number[], anyFailed: boolean, requestedSeconds: number, retryMs: number): number {
  const leases = grantedSeconds.filter((s) => s > 0);
  const lease = leases.length > 0 ? Math.min(...leases) : requestedSeconds;
  const renewal = Math.max(1000, (lease * 1000) / 2);
  return anyFailed ? Math.min(retryMs, renewal) : renewal;
}

// ---- UPnP IGD ----

interface UpnpTarget {
  readonly service: DescribedService;
  readonly via: string;
  readonly timeoutMs: number;
}

function failedAll(ports: readonly ForwardedPort[], via: string, reason: string): EventOf<'PortMappingFailed'>[] {
  return ports.map(({ port, protocol }) => ({ type: 'PortMappingFailed', protocol, externalPort: port, via, reason }));
}

async function upnpTarget(options: PortMappingOptions, deps: PortMappingDeps): Promise<{ ok: true; target: UpnpTarget } | { ok: false; reason: string }> {
  const timeoutMs = options.igd?.timeoutMs ?? DEFAULT_UPNP_TIMEOUT_MS;
  const igd = await locateIgd({ ...options.igd, timeoutMs }, deps);
  if (!igd.ok) return igd;
  // Prefer the connection that is up (has an external address), as miniupnpc does: a router
  // may list an idle IP connection beside the live PPP one.
  let chosen = igd.services[0];
  for (const service of igd.services) {
    const reply = await callSoapAction(service, 'GetExternalIPAddress', {}, { timeoutMs, dispatcher: deps.dispatcher });
    if (reply.ok && (reply.values['NewExternalIPAddress'] ?? '').trim() !== '') {
      chosen = service;
      break;
    }
  }
  if (!chosen) return { ok: false, reason: `${igd.descriptionUrl} has no WAN connection service` };
  return { ok: true, target: { service: chosen, via: `upnp ${chosen.controlUrl}`, timeoutMs } };
}

async function mapWithUpnp(options: PortMappingOptions, deps: PortMappingDeps): Promise<PortMappingEvent[]> {
  try {
    const located = await upnpTarget(options, deps);
    if (!located.ok) return failedAll(options.ports, 'upnp', located.reason);
    const { service, via, timeoutMs } = located.target;
    let internalAddress = options.internalAddress;
    if (internalAddress === undefined) {
      const control = new URL(service.controlUrl);
      const local = await localAddressToward(control.hostname, Number(control.port || (control.protocol === 'https:' ? 443 : 80)));
      if (!local.ok) return failedAll(options.ports, via, local.reason);
      internalAddress = local.address;
    }
    const events: PortMappingEvent[] = [];
    for (const { port, protocol } of options.ports) {
      const add = (leaseSeconds: number) =>
        callSoapAction(
          service,
          'AddPortMapping',
          {
            NewRemoteHost: '',
            NewExternalPort: port,
            NewProtocol: protocol.toUpperCase(),
            NewInternalPort: port,
            NewInternalClient: internalAddress ?? '',
            NewEnabled: 1,
            NewPortMappingDescription: options.description ?? 'ipcheck',
            NewLeaseDuration: leaseSeconds,
          },
          { timeoutMs, dispatcher: deps.dispatcher },
        );
      let leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
      let reply = await add(leaseSeconds);
      if (!reply.ok && reply.errorCode === UPNP_ONLY_PERMANENT_LEASES && leaseSeconds !== 0) {
        leaseSeconds = 0;
        reply = await add(leaseSeconds);
      }
      events.push(
        reply.ok
          ? { type: 'PortMapped', protocol, externalPort: port, internalAddress, internalPort: port, via, leaseSeconds }
          : { type: 'PortMappingFailed', protocol, externalPort: port, via, reason: reply.reason },
      );
    }
    return events;
  } catch (error) {
    return failedAll(options.ports, 'upnp', `UPnP port mapping failed unexpectedly: ${(error as Error).message}`);
  }
}

async function unmapWithUpnp(options: PortMappingOptions, deps: PortMappingDeps): Promise<PortUnmappingEvent[]> {
  try {
    const located = await upnpTarget(options, deps);
    if (!located.ok) return failedAll(options.ports, 'upnp', located.reason);
    const { service, via, timeoutMs } = located.target;
    const events: PortUnmappingEvent[] = [];
    for (const { port, protocol } of options.ports) {
      const reply = await callSoapAction(
        service,
        'DeletePortMapping',
        { NewRemoteHost: '', NewExternalPort: port, NewProtocol: protocol.toUpperCase() },
        { timeoutMs, dispatcher: deps.dispatcher },
      );
      events.push(
        reply.ok || reply.errorCode === UPNP_NO_SUCH_ENTRY
          ? { type: 'PortUnmapped', protocol, externalPort: port, via }
          : { type: 'PortMappingFailed', protocol, externalPort: port, via, reason: reply.reason },
      );
    }
    return events;
  } catch (error) {
    return failedAll(options.ports, 'upnp', `UPnP port unmapping failed unexpectedly: ${(error as Error).message}`);
  }
}

// ---- NAT-PMP ----

async function natPmpGateway(options: PortMappingOptions, deps: PortMappingDeps): Promise<{ ok: true; gateway: NatPmpGateway; via: string } | { ok: false; reason: string }> {
  const resolved = await resolveNatPmpGateway(options.gateway, deps.defaultGateway);
  if (!resolved.ok) return resolved;
  return { ...resolved, via: `nat-pmp ${resolved.gateway.host}:${resolved.gateway.port}` };
}

async function mapWithNatPmp(options: PortMappingOptions, deps: PortMappingDeps): Promise<PortMappingEvent[]> {
  try {
    const resolved = await natPmpGateway(options, deps);
    if (!resolved.ok) return failedAll(options.ports, 'nat-pmp', resolved.reason);
    const { gateway, via } = resolved;
    const events: PortMappingEvent[] = [];
    for (const { port, protocol } of options.ports) {
      const opcode = protocol === 'udp' ? OPCODE_MAP_UDP : OPCODE_MAP_TCP;
      const result = await natPmpExchange(
        gateway,
        mapRequest(protocol, port, port, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS),
        (message) => decodeMapReply(message, opcode),
        options.timeoutMs ?? DEFAULT_NAT_PMP_TIMEOUT_MS,
      );
      if (!result.ok) {
        events.push({ type: 'PortMappingFailed', protocol, externalPort: port, via, reason: result.reason });
      } else if (options.internalAddress !== undefined && options.internalAddress !== result.localAddress) {
        // NAT-PMP always maps to the machine that asks; a different target cannot be honoured.
        events.push({
          type: 'PortMappingFailed',
          protocol,
          externalPort: port,
          via,
          reason: `NAT-PMP maps ports only to the machine that asks (${result.localAddress}), not to ${options.internalAddress}; run ipcheck on that machine or use UPnP`,
        });
      } else {
        events.push({
          type: 'PortMapped',
          protocol,
          externalPort: result.reply.externalPort,
          internalAddress: result.localAddress,
          internalPort: result.reply.internalPort,
          via,
          leaseSeconds: result.reply.lifetimeSeconds,
        });
      }
    }
    return events;
  } catch (error) {
    return failedAll(options.ports, 'nat-pmp', `NAT-PMP port mapping failed unexpectedly: ${(error as Error).message}`);
  }
}

async function unmapWithNatPmp(options: PortMappingOptions, deps: PortMappingDeps): Promise<PortUnmappingEvent[]> {
  try {
    const resolved = await natPmpGateway(options, deps);
    if (!resolved.ok) return failedAll(options.ports, 'nat-pmp', resolved.reason);
    const { gateway, via } = resolved;
    const events: PortUnmappingEvent[] = [];
    for (const { port, protocol } of options.ports) {
      const opcode = protocol === 'udp' ? OPCODE_MAP_UDP : OPCODE_MAP_TCP;
      // RFC 6886 §3.4: lifetime 0 and external port 0 delete the mapping of this internal port.
      const result = await natPmpExchange(gateway, mapRequest(protocol, port, 0, 0), (message) => decodeMapReply(message, opcode), options.timeoutMs ?? DEFAULT_NAT_PMP_TIMEOUT_MS);
      events.push(
        result.ok
          ? { type: 'PortUnmapped', protocol, externalPort: port, via }
          : { type: 'PortMappingFailed', protocol, externalPort: port, via, reason: result.reason },
      );
    }
    return events;
  } catch (error) {
    return failedAll(options.ports, 'nat-pmp', `NAT-PMP port unmapping failed unexpectedly: ${(error as Error).message}`);
  }
}
