// -i NAME (the default method, ppp0): the address of a local network interface, for a machine
// that holds the public address itself (PPP, a modem in bridge mode). ipcheck.py parsed
// ifconfig's output; os.networkInterfaces() gives the same without a child process. watch()
// follows `ip monitor` on Linux, so a PPP reconnect is seen at once, and polls elsewhere.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { Observable, defer, from, type Subscription, interval, asyncScheduler, timer } from 'rxjs';
import { canonicalIPv6, type Family } from '../address.js';
import { checkAddress, specialRangeOf } from '../address-ranges.js';
import { readIpv6Flags, stability, unstableReason } from './ipv6-address-flags.js';
import { failed, observed, rejected, type CandidateSource, type SourceDeps, type SourceEvent } from './source.js';

export interface InterfaceAddressOptions {
  readonly interfaceName: string;
  readonly allowPrivate: boolean;
  /** Which address family to report (default ipv4). */
  readonly family?: Family;
  /** Polling period where `ip monitor` is not available (default 5000 ms). */
  readonly pollMs?: number;
}

export interface InterfaceAddressDeps extends SourceDeps {
  readonly networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  readonly spawn?: typeof nodeSpawn;
  /**
   * Whether a link of that name exists at all: os.networkInterfaces() lists only interfaces
   * that are up and running, so a down link would otherwise look absent. Default: /sys/class/net.
   */
  readonly linkExists?: (name: string) => boolean;
  readonly platform?: NodeJS.Platform;
  /** IPv6 address flags of the interface (temporary, deprecated, …); default: /proc/net/if_inet6. */
  readonly ipv6Flags?: (interfaceName: string) => Map<string, number>;
}

/** With `ip monitor` running, still look now and then, in case a notification was missed. */
const BACKSTOP_POLL_MS = 60_000;
/** `ip monitor` listens only some milliseconds after the spawn: look once more after that. */
const MONITOR_SETTLE_MS = 1000;

function familyOf(info: os.NetworkInterfaceInfo): Family {
  // Node 18.0–18.3 reported the family as a number.
  return String(info.family) === 'IPv6' || String(info.family) === '6' ? 'ipv6' : 'ipv4';
}

function defaultLinkExists(name: string): boolean {
  return process.platform === 'linux' && !name.includes('/') && existsSync(`/sys/class/net/${name}`);
}

export function interfaceAddress(options: InterfaceAddressOptions, deps: InterfaceAddressDeps): CandidateSource {
  const { interfaceName, allowPrivate } = options;
  const family = options.family ?? 'ipv4';
  const familyLabel = family === 'ipv4' ? 'IPv4' : 'IPv6';
  const source = family === 'ipv4' ? `interface ${interfaceName}` : `interface ${interfaceName} (IPv6)`;
  const pollMs = options.pollMs ?? 5000;
  const networkInterfaces = deps.networkInterfaces ?? os.networkInterfaces;
  const linkExists = deps.linkExists ?? defaultLinkExists;
  const scheduler = deps.scheduler ?? asyncScheduler;

  /** What the interface says now: rejections for unusable addresses, then the chosen one or why none. */
  const look = (): SourceEvent[] => {
    let interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
    try {
      interfaces = networkInterfaces();
    } catch (error) {
      return [failed(source, `cannot list the network interfaces: ${error instanceof Error ? error.message : String(error)}`)];
    }
    const infos = interfaces[interfaceName];
    if (infos === undefined) {
      if (linkExists(interfaceName)) {
        return [failed(source, `interface ${interfaceName} is down or not connected (it has no carrier); bring it up, or use -i NAME`)];
      }
      const names = Object.keys(interfaces);
      const here = names.length > 0 ? names.join(', ') : 'none';
      return [failed(source, `no interface named ${interfaceName}; interfaces here: ${here}; use -i NAME`)];
    }
    let addresses = infos.filter((info) => familyOf(info) === family).map((info) => info.address);
    if (addresses.length === 0) {
      return [failed(source, `interface ${interfaceName} has no ${familyLabel} address (not connected yet?)`)];
    }
    const events: SourceEvent[] = [];
    if (family === 'ipv6') {
      // Temporary, deprecated and tentative addresses are never published; stable ones come first.
      const flags = (deps.ipv6Flags ?? readIpv6Flags)(interfaceName);
      const flagsOf = (address: string) => flags.get(canonicalIPv6(address));
      const usable: string[] = [];
      for (const address of addresses) {
        const why = unstableReason(flagsOf(address));
        if (why) events.push(rejected(source, address, `${address} is ${why}`));
        else usable.push(address);
      }
      addresses = usable.sort((a, b) => stability(b, flagsOf(b)) - stability(a, flagsOf(a)));
    }
    const unusable: string[] = [];
    let chosen: SourceEvent | undefined;
    for (const address of addresses) {
      const checked = checkAddress(address, { allowPrivate });
      if (!checked.ok) {
        events.push(rejected(source, address, checked.reason));
        unusable.push(`${address}: ${specialRangeOf(family, address) ?? checked.reason}`);
      } else if (chosen === undefined) {
        chosen = observed(source, checked.family, checked.text);
        events.push(chosen);
      }
    }
    if (chosen === undefined) {
      events.push(
        failed(
          source,
          `interface ${interfaceName} has only addresses that are not public (${unusable.join('; ')}); ` +
            'use --allow-private if this is a LAN-only setup, or detect the public address another way (-r URL or a router option)',
        ),
      );
    }
    return events;
  };

  /** What changes the outcome: the chosen address, or the reason there is none. */
  const outcomeOf = (events: readonly SourceEvent[]): string => {
    // Rejections may come before or after the chosen address: look for the outcome itself.
    const chosen = events.find((e) => e.type === 'CandidateObserved');
    if (chosen?.type === 'CandidateObserved') return `address ${chosen.address}`;
    const failure = events.find((e) => e.type === 'SourceFailed');
    return failure?.type === 'SourceFailed' ? `failed ${failure.reason}` : '';
  };

  const watch = (): Observable<SourceEvent> =>
    new Observable<SourceEvent>((subscriber) => {
      let lastOutcome: string | undefined;
      const lookAndTell = (): void => {
        const events = look();
        const outcome = outcomeOf(events);
        if (outcome === lastOutcome) return;
        lastOutcome = outcome;
        for (const event of events) subscriber.next(event);
      };

      let polling: Subscription | undefined;
      const poll = (everyMs: number): void => {
        polling?.unsubscribe();
        polling = interval(everyMs, scheduler).subscribe(lookAndTell);
      };

      let monitor: ChildProcess | undefined;
      let settling: Subscription | undefined;
      let stopping = false;
      if ((deps.platform ?? process.platform) === 'linux') {
        try {
          // Each line is an address or link change somewhere; one look answers for all of them.
          monitor = (deps.spawn ?? nodeSpawn)('ip', ['-o', 'monitor', 'address', 'link'], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          monitor.stdout?.on('data', lookAndTell);
          // No `ip` (ENOENT) or it died: fall back to polling.
          monitor.on('error', () => {
            if (!stopping) poll(pollMs);
          });
          monitor.on('exit', () => {
            if (!stopping) poll(pollMs);
          });
          poll(Math.max(pollMs, BACKSTOP_POLL_MS));
          settling = timer(MONITOR_SETTLE_MS, scheduler).subscribe(lookAndTell);
        } catch {
          poll(pollMs);
        }
      } else {
        poll(pollMs);
      }
      lookAndTell();

      return () => {
        stopping = true;
        polling?.unsubscribe();
        settling?.unsubscribe();
        if (monitor && monitor.exitCode === null && monitor.signalCode === null) monitor.kill();
      };
    });

  return {
    name: source,
    once: () => defer(() => from(look())),
    watch,
  };
}
