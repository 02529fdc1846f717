// Turns the configured detection methods into sources, in priority order. Each method's module
// is loaded only when it is configured, so a one-shot -a run loads none of the heavy ones.
import { defer, from, mergeAll, type Observable, of } from 'rxjs';
import { type Family, parseAddress } from '../address.js';
import { type Config, ConfigError, type SourceSpec } from '../config.js';
import type { EventBody } from '../events.js';
import { manualAddress } from './manual-address.js';
import { serverDetection } from './server-detection.js';
import { type CandidateSource, failed } from './source.js';

export interface BuildSourceDeps {
  readonly now: () => number;
  readonly warn?: (message: string) => void;
}

function describeSpec(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'manual': return 'address given with -a';
    case 'web': return `web${spec.family === 'ipv6' ? ' (IPv6)' : ''} ${spec.url}`;
    case 'guess': return 'the update server (-g)';
    case 'interface': return `interface ${spec.name}`;
    case 'syslog': return `system log text ${JSON.stringify(spec.text)}`;
    case 'firewall': return `firewall log ${spec.file}`;
    case 'snmp-walk': return `SNMP walk ${spec.target.split(',')[0] ?? ''}`;
    case 'snmp-get': return `SNMP get ${spec.target.split(',')[0] ?? ''}`;
    case 'router': return `router ${Object.keys(spec.options).map((k) => (k.length === 1 ? `-${k}` : `--${k}`)).join(' ')}`;
    case 'upnp': return `UPnP IGD${spec.url ? ` ${spec.url}` : ''}`;
    case 'natpmp': return `NAT-PMP${spec.gateway ? ` ${spec.gateway}` : ''}`;
  }
}

/** A source whose module loads on first use; a failure to build it becomes a SourceFailed event. */
function lazySource(name: string, load: () => Promise<CandidateSource>): CandidateSource {
  let loaded: Promise<CandidateSource> | undefined;
  const stream = (pick: (source: CandidateSource) => Observable<EventBody>): Observable<EventBody> =>
    defer(() => from((loaded ??= load()).then(pick, (error: Error) => of(failed(name, error.message)))).pipe(mergeAll()));
  return {
    name,
    once: () => stream((source) => source.once()) as ReturnType<CandidateSource['once']>,
    watch: () => stream((source) => source.watch()) as ReturnType<CandidateSource['watch']>,
  };
}

/**
 * The detection chain of one address family. IPv6 comes from -a, the interface and
 * --checkip6; every other method knows IPv4 only.
 */
export function buildSources(config: Config, deps: BuildSourceDeps, family: Family = config.families[0] ?? 'ipv4'): CandidateSource[] {
  const sources = config.sources.flatMap((spec) => (appliesTo(spec, family) ? [buildSource(spec, config, deps, family)] : []));
  if (sources.length > 0) return sources;
  const name = `${family === 'ipv6' ? 'IPv6' : 'IPv4'} detection`;
  const none = () => of(failed(name, `no detection method gives an ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address: use -i INTERFACE, ${family === 'ipv6' ? '--checkip6 URL' : '-r URL'} or -a with such an address`));
  return [{ name, once: none, watch: none }];
}

function appliesTo(spec: SourceSpec, family: Family): boolean {
  switch (spec.kind) {
    case 'manual': return spec.address.split(',').some((a) => parseAddress(a)?.family === family || (family === 'ipv4' && !parseAddress(a)));
    case 'web': return (spec.family ?? 'ipv4') === family;
    case 'interface': return true;
    default: return family === 'ipv4';
  }
}

function buildSource(spec: SourceSpec, config: Config, deps: BuildSourceDeps, family: Family): CandidateSource {
  const name = describeSpec(spec);
  switch (spec.kind) {
    case 'manual': {
      const parts = spec.address.split(',');
      // An unparsable -a goes to the IPv4 chain, whose source then says what is wrong with it.
      return manualAddress(parts.find((a) => parseAddress(a)?.family === family) ?? parts[0] ?? '');
    }
    case 'guess': return serverDetection('ipv4');
    case 'web':
      return lazySource(name, async () => (await import('./web-checkip.js')).webCheckip({ url: spec.url, family, allowPrivate: config.allowPrivate, timeoutMs: config.totalTimeoutMs, pollMs: config.pollMs }));
    case 'router':
      return lazySource(name, async () => (await import('./router/router-from-options.js')).routerFromOptions(spec, config, deps));
    case 'interface':
      return lazySource(`${name}${family === 'ipv6' ? ' (IPv6)' : ''}`, async () => (await import('./interface-address.js')).interfaceAddress(
        { interfaceName: spec.name, allowPrivate: config.allowPrivate, family }, { now: deps.now }));
    case 'syslog':
      return lazySource(name, async () => (await import('./syslog-text.js')).syslogText(
        { text: spec.text, ...(spec.file ? { files: [spec.file] } : {}), allowPrivate: config.allowPrivate }, { now: deps.now }));
    case 'firewall': {
      const wan = config.sources.find((s) => s.kind === 'interface');
      return lazySource(name, async () => (await import('./firewall-log.js')).firewallLog({
        file: spec.file, wanInterface: wan?.kind === 'interface' ? wan.name : 'ppp0',
        ...(spec.pattern ? { pattern: spec.pattern } : {}), allowPrivate: config.allowPrivate,
      }, { now: deps.now }));
    }
    case 'snmp-get':
    case 'snmp-walk':
      return lazySource(name, async () => {
        const snmp = await import('./snmp-address.js');
        const parsed = snmp.parseSnmpTarget(spec.target);
        if (!parsed.ok) throw new ConfigError(parsed.reason);
        const options = { ...parsed.target, allowPrivate: config.allowPrivate, pollMs: Math.max(config.pollMs, 10_000) };
        return spec.kind === 'snmp-get' ? snmp.snmpGet(options, { now: deps.now }) : snmp.snmpWalk(options, { now: deps.now });
      });
    case 'upnp':
      return lazySource(name, async () => (await import('./upnp/upnp-igd.js')).upnpIgd(
        { ...(spec.url ? { descriptionUrl: spec.url } : {}), allowPrivate: config.allowPrivate, pollMs: config.pollMs }, { now: deps.now }));
    case 'natpmp':
      return lazySource(name, async () => {
        const [{ natPmp }, { defaultGateway }] = await Promise.all([import('./upnp/nat-pmp.js'), import('./default-gateway.js')]);
        const gateway = spec.gateway ?? config.routerHost;
        return natPmp({ ...(gateway ? { gateway } : {}), allowPrivate: config.allowPrivate, pollMs: config.pollMs }, { now: deps.now, defaultGateway: () => defaultGateway() });
      });
  }
}

/** The chains of a run: the first configured family's, and IPv6's when both are configured. */
export function detectionChains(config: Config, deps: BuildSourceDeps): { sources: CandidateSource[]; sources6?: CandidateSource[] } {
  const [first = 'ipv4', second] = config.families;
  return { sources: buildSources(config, deps, first), ...(second ? { sources6: buildSources(config, deps, second) } : {}) };
}
