// --forward on the Alcatel Speed Touch Pro (-T, reference §12): over its telnet console, one
// `nat create` per port, forwarding the WAN port to the same port on this machine (the address
// the router sees us from). The mappings last until the router restarts.
import { defer, from, mergeMap, type Observable } from 'rxjs';
import type { EventOf } from '../../events.js';
import { deviceById } from './device-table.js';
import type { DeviceOption, TelnetAccess } from './device-types.js';
import { parseRouterHost } from './router-reading.js';
import type { TelnetDialogue as Dialogue } from './telnet-dialogue.js';
import { DEFAULT_ROUTER_TIMEOUT_MS } from './router-source.js';

export type AlcatelForwardEvent = EventOf<'PortMapped'> | EventOf<'PortMappingFailed'>;

export interface AlcatelForwardOptions {
  readonly routerHost: string;
  readonly password: string;
  readonly user?: string;
  readonly ports: readonly { readonly port: number; readonly protocol: 'tcp' | 'udp' }[];
  readonly wanAddress: string;
  readonly timeoutMs?: number;
}

const VIA = 'alcatel-telnet';

/** The original's command line, trailing space included. */
export function natCreateCommand(protocol: string, insideAddress: string, port: number, wanAddress: string): string {
  return `nat create protocol=${protocol} inside_addr=${insideAddress} inside_port=${port} outside_addr=${wanAddress} outside_port=${port} `;
}

export function alcatelForward(options: AlcatelForwardOptions, _deps: { now(): number }): Observable<AlcatelForwardEvent> {
  return defer(() => from(forwardAll(options))).pipe(mergeMap((events) => from(events)));
}

async function forwardAll(options: AlcatelForwardOptions): Promise<AlcatelForwardEvent[]> {
  const device = deviceById('T') as DeviceOption & { access: TelnetAccess };
  const failAll = (reason: string): AlcatelForwardEvent[] =>
    options.ports.map(({ port, protocol }) => ({ type: 'PortMappingFailed', protocol, externalPort: port, via: VIA, reason }));
  const endpoint = parseRouterHost(options.routerHost, device.access.port);
  if ('error' in endpoint) return failAll(endpoint.error);
  const { TelnetDialogue } = await import('./telnet-dialogue.js');
  const { telnetLogin, telnetFailure } = await import('./telnet-reading.js');
  const readOptions = {
    device, endpoint, password: options.password, user: options.user ?? device.defaultUser,
    timeoutMs: options.timeoutMs ?? DEFAULT_ROUTER_TIMEOUT_MS,
  };
  let dialogue: Dialogue | undefined;
  const events: AlcatelForwardEvent[] = [];
  try {
    dialogue = await TelnetDialogue.open({
      host: endpoint.host, port: endpoint.port, timeoutMs: readOptions.timeoutMs,
      negotiation: device.access.negotiation, eol: device.access.eol,
    });
    await telnetLogin(dialogue, readOptions);
    const inside = dialogue.localAddress;
    if (!inside) return failAll('cannot tell which LAN address the router sees this machine at');
    for (const { port, protocol } of options.ports) {
      dialogue.send(natCreateCommand(protocol, inside, port, options.wanAddress));
      const answer = await dialogue.readUntilPrompt('=>');
      const complaint = /(error|invalid|unknown|syntax|fail)[^\r\n]*/i.exec(answer)?.[0];
      events.push(complaint
        ? { type: 'PortMappingFailed', protocol, externalPort: port, via: VIA, reason: `the Speed Touch refused "nat create" for ${protocol} port ${port}: ${complaint.trim()}` }
        : { type: 'PortMapped', protocol, externalPort: port, internalAddress: inside, internalPort: port, via: VIA, leaseSeconds: 0 });
    }
    return events;
  } catch (error) {
    const reason = telnetFailure(error, readOptions);
    const done = new Set(events.map((e) => `${e.protocol}/${e.externalPort}`));
    return [...events, ...failAll(reason).filter((e) => !done.has(`${e.protocol}/${e.externalPort}`))];
  } finally {
    dialogue?.close();
  }
}
