// The router source: reads the WAN address from the device chosen on the command line (its
// status page or console), at -n host[:port], else at the default gateway, else at the
// device's usual address. The HTTP and telnet readers load only when a read happens.
import { defer, exhaustMap, from, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { Dispatcher } from 'undici';
import { checkAddress } from '../../address-ranges.js';
import { failed, observed, rejected, type CandidateSource, type SourceEvent } from '../source.js';
import type { DeviceOption, HttpAccess, TelnetAccess } from './device-types.js';
import type { WanPortChoice } from './router-page.js';
import { parseRouterHost, type RouterEndpoint, type RouterReading } from './router-reading.js';

export const DEFAULT_ROUTER_TIMEOUT_MS = 10_000;
export const DEFAULT_ROUTER_POLL_MS = 5 * 60_000;

export interface RouterSourceOptions {
  readonly device: DeviceOption;
  readonly password?: string;
  /** -U: replaces the device's default user. */
  readonly user?: string;
  /** -n: host or host:port. */
  readonly routerHost?: string;
  readonly allowPrivate: boolean;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** -P: which Nexland WAN port. */
  readonly wanPort?: WanPortChoice;
  /** -Q: the Instant Internet PPP interface. */
  readonly pppInterface?: string;
}

export interface RouterSourceDeps {
  now(): number;
  defaultGateway?: () => Promise<string | undefined>;
  dispatcher?: Dispatcher;
  scheduler?: SchedulerLike;
}

async function routerEndpoint(options: RouterSourceOptions, deps: RouterSourceDeps): Promise<RouterEndpoint | { error: string }> {
  const { device } = options;
  if (options.routerHost) return parseRouterHost(options.routerHost, device.access.port);
  const gateway = await deps.defaultGateway?.().catch(() => undefined);
  const host = gateway ?? device.usualAddress;
  if (!host) {
    return { error: `no router address: the routing table has no default gateway and the ${device.model} has no usual address; give it with -n host` };
  }
  return parseRouterHost(host, device.access.port);
}

async function readDevice(options: RouterSourceOptions, deps: RouterSourceDeps, endpoint: RouterEndpoint): Promise<RouterReading> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ROUTER_TIMEOUT_MS;
  const user = options.user ?? options.device.defaultUser;
  if (options.device.access.method === 'http') {
    const { readHttpDevice } = await import('./router-page.js');
    return readHttpDevice({
      device: options.device as DeviceOption & { access: HttpAccess },
      endpoint, password: options.password, user, timeoutMs, dispatcher: deps.dispatcher, wanPort: options.wanPort,
    });
  }
  const { readTelnetDevice } = await import('./telnet-reading.js');
  return readTelnetDevice({
    device: options.device as DeviceOption & { access: TelnetAccess },
    endpoint, password: options.password, user, timeoutMs, pppInterface: options.pppInterface,
  });
}

/** Belt and braces: no message leaves with the password in it, whatever a device echoed. */
function withoutPassword(text: string, password: string | undefined): string {
  return password && password.length >= 4 ? text.split(password).join('********') : text;
}

export function routerSource(options: RouterSourceOptions, deps: RouterSourceDeps): CandidateSource {
  const name = `router ${options.device.flag} (${options.device.model})`;

  const readOnce = async (): Promise<SourceEvent[]> => {
    try {
      const endpoint = await routerEndpoint(options, deps);
      if ('error' in endpoint) return [failed(name, endpoint.error)];
      const reading = await readDevice(options, deps, endpoint);
      if (!reading.ok) return [failed(name, withoutPassword(reading.reason, options.password))];
      const verdict = checkAddress(reading.address, { allowPrivate: options.allowPrivate });
      if (verdict.ok) return [observed(name, verdict.family, verdict.text)];
      const upstream = /private|shared|loopback|link-local/.test(verdict.reason)
        ? '; the router itself sits behind another NAT (double NAT or carrier-grade NAT), so its WAN address is not your public one: use web detection (-r) or UPnP on the outer router'
        : '';
      return [rejected(name, reading.address, `${verdict.reason} (router at ${endpoint.label}, ${reading.where})${upstream}`)];
    } catch (error) {
      return [failed(name, withoutPassword(`router read failed: ${error instanceof Error ? error.message : String(error)}`, options.password))];
    }
  };

  const once = (): Observable<SourceEvent> => defer(() => from(readOnce())).pipe(exhaustMap((events) => from(events)));

  return {
    name,
    once,
    watch: () => timer(0, options.pollMs ?? DEFAULT_ROUTER_POLL_MS, deps.scheduler).pipe(exhaustMap(() => once())),
  };
}
