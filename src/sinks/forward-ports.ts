// --forward: map ports on the router to this machine once the WAN address is known. The
// Alcatel Speed Touch Pro (-T) gets the original's telnet `nat create` commands (reference
// §12); every other setup asks the router by NAT-PMP when --natpmp is configured, else by UPnP.
import { defer, EMPTY, mergeAll, type Observable } from 'rxjs';
import type { Config } from '../config.js';
import type { EventBody } from '../events.js';

export function forwardPorts(config: Config, wanAddress: string, deps: { now: () => number }): Observable<EventBody> {
  if (config.forward.length === 0) return EMPTY;
  return defer(async () => {
    const router = config.sources.find((s) => s.kind === 'router');
    const alcatel = router?.kind === 'router' ? router.options.T : undefined;
    if (typeof alcatel === 'string') {
      const [{ alcatelForward }, { defaultGateway }] = await Promise.all([import('../sources/router/alcatel-forward.js'), import('../sources/default-gateway.js')]);
      const routerHost = config.routerHost ?? (await defaultGateway()) ?? '10.0.0.138';
      return alcatelForward({ routerHost, password: alcatel, ...(config.routerUser ? { user: config.routerUser } : {}), ports: config.forward, wanAddress }, deps);
    }
    const [{ mapPorts }, { defaultGateway }] = await Promise.all([import('./port-forward.js'), import('../sources/default-gateway.js')]);
    return mapPorts(mappingOptions(config), { defaultGateway: () => defaultGateway() });
  }).pipe(mergeAll());
}

/** The daemon's form: map once the address is known and renew the leases until unsubscribed. */
export function keepForwarded(config: Config, wanAddress: string, deps: { now: () => number }): Observable<EventBody> {
  const router = config.sources.find((s) => s.kind === 'router');
  if (router?.kind === 'router' && typeof router.options.T === 'string') return forwardPorts(config, wanAddress, deps);
  return defer(async () => {
    const [{ keepPortsMapped }, { defaultGateway }] = await Promise.all([import('./port-forward.js'), import('../sources/default-gateway.js')]);
    return keepPortsMapped(mappingOptions(config), { defaultGateway: () => defaultGateway() });
  }).pipe(mergeAll());
}

/** --forward-remove-on-exit: take the mappings back (UPnP and NAT-PMP; the Alcatel keeps them until it restarts). */
export function removeForwarded(config: Config): Observable<EventBody> {
  const router = config.sources.find((s) => s.kind === 'router');
  if (config.forward.length === 0 || (router?.kind === 'router' && typeof router.options.T === 'string')) return EMPTY;
  return defer(async () => {
    const [{ unmapPorts }, { defaultGateway }] = await Promise.all([import('./port-forward.js'), import('../sources/default-gateway.js')]);
    return unmapPorts(mappingOptions(config), { defaultGateway: () => defaultGateway() });
  }).pipe(mergeAll());
}

function mappingOptions(config: Config) {
  const natpmp = config.sources.find((s) => s.kind === 'natpmp');
  const upnp = config.sources.find((s) => s.kind === 'upnp');
  const gateway = natpmp?.kind === 'natpmp' ? natpmp.gateway ?? config.routerHost : undefined;
  return {
    ports: config.forward,
    via: natpmp ? 'natpmp' as const : 'upnp' as const,
    ...(gateway ? { gateway } : {}),
    ...(upnp?.kind === 'upnp' && upnp.url ? { igd: { descriptionUrl: upnp.url } } : {}),
  };
}
