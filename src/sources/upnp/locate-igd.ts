// Finds the router's WAN connection service: from a given device description URL, or by SSDP
// discovery when none is given. Shared by the upnp source and the port-forward sink.
import type { Dispatcher } from 'undici';
import { httpText } from './bounded-http-text.js';
import { WAN_CONNECTION_SERVICE_TYPES, wanConnectionServices, type DescribedService } from './device-description.js';
import { discoverIgd, SSDP_MULTICAST, type SsdpTarget } from './ssdp-discovery.js';

export interface IgdLocation {
  /** Device description URL, e.g. http://192.168.1.1:5000/rootDesc.xml. */
  readonly descriptionUrl?: string;
  /** Where SSDP searches go when no URL is given; defaults to 239.255.255.250:1900. */
  readonly ssdp?: SsdpTarget;
  readonly timeoutMs?: number;
}

export interface IgdDeps {
  readonly dispatcher?: Dispatcher;
}

export const DEFAULT_UPNP_TIMEOUT_MS = 3000;

export type LocatedIgd =
  | { readonly ok: true; readonly descriptionUrl: string; readonly services: readonly DescribedService[] }
  | { readonly ok: false; readonly reason: string };

export async function locateIgd(location: IgdLocation, deps: IgdDeps): Promise<LocatedIgd> {
  const timeoutMs = location.timeoutMs ?? DEFAULT_UPNP_TIMEOUT_MS;
  let descriptionUrl = location.descriptionUrl;
  if (descriptionUrl === undefined) {
    const discovered = await discoverIgd(location.ssdp ?? SSDP_MULTICAST, timeoutMs);
    if (!discovered.ok) return discovered;
    descriptionUrl = discovered.location;
  }
  const reply = await httpText(descriptionUrl, { method: 'GET', timeoutMs, dispatcher: deps.dispatcher });
  if (!reply.ok) return reply;
  if (reply.status !== 200) {
    return { ok: false, reason: `the device description ${descriptionUrl} answered HTTP ${reply.status}; check the URL (e.g. http://192.168.1.1:5000/rootDesc.xml)` };
  }
  const services = wanConnectionServices(reply.text, descriptionUrl);
  if (services.length === 0) {
    return {
      ok: false,
      reason: `${descriptionUrl} describes no Internet Gateway Device: it offers none of ${WAN_CONNECTION_SERVICE_TYPES.map((t) => t.split(':').slice(-2).join(':')).join(', ')}`,
    };
  }
  return { ok: true, descriptionUrl, services };
}
