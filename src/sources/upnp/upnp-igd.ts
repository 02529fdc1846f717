// Source: the WAN address the router itself reports over UPnP IGD (GetExternalIPAddress on its
// WANIPConnection / WANPPPConnection service). No third party is asked; but if the router is
// itself behind another NAT, what it reports is private and is rejected with that explanation.
import { defer, exhaustMap, from, timer, type Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { failed, type CandidateSource, type SourceDeps, type SourceEvent } from '../source.js';
import { DEFAULT_UPNP_TIMEOUT_MS, locateIgd } from './locate-igd.js';
import { callSoapAction } from './soap-action.js';
import { wanAddressEvent } from './double-nat.js';
import type { SsdpTarget } from './ssdp-discovery.js';

export interface UpnpIgdOptions {
  /** The router's device description URL; without it the router is found by SSDP. */
  readonly descriptionUrl?: string;
  readonly allowPrivate: boolean;
  /** Bound on each step (discovery, description, SOAP call). */
  readonly timeoutMs?: number;
  /** How often watch() asks the router again. */
  readonly pollMs?: number;
  readonly ssdp?: SsdpTarget;
}

export interface UpnpIgdDeps extends SourceDeps {
  readonly dispatcher?: Dispatcher;
}

export const DEFAULT_UPNP_POLL_MS = 5 * 60 * 1000;

export function upnpIgd(options: UpnpIgdOptions, deps: UpnpIgdDeps): CandidateSource {
  const name = options.descriptionUrl ? `upnp ${options.descriptionUrl}` : 'upnp (SSDP discovery)';
  const once = (): Observable<SourceEvent> => defer(() => from(askRouter(name, options, deps)));
  return {
    name,
    once,
    watch: () => timer(0, options.pollMs ?? DEFAULT_UPNP_POLL_MS, deps.scheduler).pipe(exhaustMap(() => once())),
  };
}

async function askRouter(name: string, options: UpnpIgdOptions, deps: UpnpIgdDeps): Promise<SourceEvent> {
  try {
    const timeoutMs = options.timeoutMs ?? DEFAULT_UPNP_TIMEOUT_MS;
    const igd = await locateIgd({ ...options, timeoutMs }, deps);
    if (!igd.ok) return failed(name, igd.reason);
    const problems: string[] = [];
    // A router may list several connections (e.g. an idle IP one beside the live PPP one).
    for (const service of igd.services) {
      const reply = await callSoapAction(service, 'GetExternalIPAddress', {}, { timeoutMs, dispatcher: deps.dispatcher });
      if (!reply.ok) {
        problems.push(reply.reason);
        continue;
      }
      const address = (reply.values['NewExternalIPAddress'] ?? '').trim();
      if (address === '') {
        problems.push(`${service.controlUrl} reports no external address: the router's internet connection is down`);
        continue;
      }
      return wanAddressEvent(name, address, options.allowPrivate, 'router');
    }
    return failed(name, problems.join('; '));
  } catch (error) {
    // Sources never throw; anything unforeseen still becomes a clear event.
    return failed(name, `UPnP query failed unexpectedly: ${(error as Error).message}`);
  }
}
