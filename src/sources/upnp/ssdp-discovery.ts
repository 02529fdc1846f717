// Finds an Internet Gateway Device with SSDP (UPnP Device Architecture §1.3): an HTTP-over-UDP
// M-SEARCH to the multicast group, answered by unicast replies carrying a LOCATION header (the
// device description's URL). The group and port are parameters so tests can aim discovery at a
// loopback responder instead of the real network.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { printable } from '../../address-ranges.js';

export interface SsdpTarget {
  readonly address: string;
  readonly port: number;
  /** Local address to send from (selects the interface for multicast). */
  readonly interfaceAddress?: string;
}

export const SSDP_MULTICAST: SsdpTarget = { address: '239.255.255.250', port: 1900 };

export const IGD_SEARCH_TARGETS: readonly string[] = [
  'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
];

/** Seconds a device may wait before answering (spreads replies out); our timeout covers it. */
const MX_SECONDS = 2;

export type DiscoveryResult =
  | { readonly ok: true; readonly location: string }
  | { readonly ok: false; readonly reason: string };

export function mSearchMessage(target: SsdpTarget, searchTarget: string): string {
  const host = isIPv6(target.address) ? `[${target.address}]` : target.address;
  return [
    'M-SEARCH * HTTP/1.1',
    `HOST: ${host}:${target.port}`,
    'MAN: "ssdp:discover"',
    `MX: ${MX_SECONDS}`,
    `ST: ${searchTarget}`,
    '',
    '',
  ].join('\r\n');
}

/** The LOCATION of an SSDP search reply for one of our targets; undefined for anything else. */
export function locationOfReply(message: string): string | undefined {
  const [statusLine = '', ...lines] = message.split(/\r?\n/);
  if (!/^HTTP\/1\.[01] 200\b/i.test(statusLine)) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const searchTarget = headers.get('st');
  if (searchTarget !== undefined && !IGD_SEARCH_TARGETS.includes(searchTarget)) return undefined;
  const location = headers.get('location');
  if (!location) return undefined;
  try {
    const url = new URL(location);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the searches (twice, as UDP may drop one) and resolves with the first IGD that answers. */
export function discoverIgd(target: SsdpTarget, timeoutMs: number): Promise<DiscoveryResult> {
  return new Promise((resolve) => {
    const socket: Socket = createSocket({ type: isIPv6(target.address) ? 'udp6' : 'udp4', reuseAddr: false });
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (result: DiscoveryResult): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      try {
        socket.close();
      } catch {
        // already closed by a failed bind: nothing left to release
      }
      resolve(result);
    };
    const where = `${target.address}:${target.port}`;
    socket.on('error', (error) => {
      finish({ ok: false, reason: `SSDP discovery on ${where} failed (${error.message}); check the network interface, or give the device description URL` });
    });
    socket.on('message', (message) => {
      const location = locationOfReply(message.toString('latin1'));
      if (location) finish({ ok: true, location });
    });
    const search = (): void => {
      if (settled) return;
      for (const searchTarget of IGD_SEARCH_TARGETS) {
        socket.send(mSearchMessage(target, searchTarget), target.port, target.address, (error) => {
          if (error) finish({ ok: false, reason: `SSDP search to ${where} could not be sent (${error.message}); check the network interface, or give the device description URL` });
        });
      }
    };
    socket.bind({ port: 0, ...(target.interfaceAddress ? { address: target.interfaceAddress } : {}) }, () => {
      if (settled) return;
      try {
        if (target.interfaceAddress && isMulticast(target.address)) socket.setMulticastInterface(target.interfaceAddress);
        if (isMulticast(target.address)) socket.setMulticastTTL(2);
      } catch (error) {
        finish({ ok: false, reason: `SSDP cannot use interface ${printable(target.interfaceAddress ?? '')} (${(error as Error).message})` });
        return;
      }
      search();
      timers.push(setTimeout(search, Math.min(1000, timeoutMs / 3)));
    });
    timers.push(
      setTimeout(() => {
        finish({
          ok: false,
          reason: `no Internet Gateway Device answered SSDP discovery on ${where} within ${timeoutMs} ms; enable UPnP on the router, or give its device description URL`,
        });
      }, timeoutMs),
    );
  });
}

function isMulticast(address: string): boolean {
  if (isIPv6(address)) return address.toLowerCase().startsWith('ff');
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}
