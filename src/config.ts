// The validated configuration of a run: one type, built from the command line, --config files
// and --acctfile, with every error a message that names the cause and the fix.
import type { Family } from './address.js';
import { printable } from './address-ranges.js';
import type { DnsSystem } from './protocol/update-request.js';

export type SourceSpec =
  | { kind: 'manual'; address: string }
  | { kind: 'web'; url: string; family?: Family }
  | { kind: 'guess' }
  | { kind: 'interface'; name: string }
  | { kind: 'syslog'; text: string; file?: string }
  | { kind: 'firewall'; file: string; pattern?: string }
  | { kind: 'snmp-walk'; target: string }
  | { kind: 'snmp-get'; target: string }
  /** The router device options as given (keys as in the device table: L, 1, WTG624…); one device is chosen. */
  | { kind: 'router'; options: Record<string, string | true>; passwordFile: boolean }
  | { kind: 'upnp'; url?: string }
  | { kind: 'natpmp'; gateway?: string };

export interface Config {
  /** The [account NAME] this configuration serves, when a --config file names several. */
  readonly account?: string;
  readonly username: string;
  readonly password: string;
  readonly hosts: string[];
  readonly directory: string;
  /** Base URL of the dyndns2 service; /nic/update is appended. */
  readonly server: string;
  readonly system: DnsSystem;
  readonly wildcard: string;
  readonly backmx: string;
  readonly mx: string;
  readonly offline: boolean;
  readonly force: boolean;
  /** -g: send no myip; the server takes the address the request comes from. */
  readonly guess: boolean;
  readonly testRun: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly logging: boolean;
  readonly syslog: boolean;
  readonly allowPrivate: boolean;
  readonly touchDays: number;
  readonly minIntervalMs: number;
  readonly execute?: string;
  readonly scriptTimeoutMs: number;
  readonly makedat: boolean;
  readonly checkDns: boolean;
  /** host[:port] of the DNS server for --makedat and -D lookups; the system resolver otherwise. */
  readonly dnsServer?: string;
  readonly totalTimeoutMs: number;
  readonly maxReplyBytes: number;
  readonly sources: SourceSpec[];
  /** --daemon: run continuously. */
  readonly daemon: boolean;
  /** --interval: how often polled sources (web, SNMP, routers) are read in the daemon. */
  readonly pollMs: number;
  /** In the daemon, a detection method silent this long hands over to the next one. */
  readonly sourceSilenceMs: number;
  readonly ipv6Param: 'myip' | 'myipv6';
  /** The address families to keep up to date (--ipv4, the default, and/or --ipv6). */
  readonly families: Family[];
  /** --ipv6-suffix: the interface identifier put after the detected /64 prefix. */
  readonly ipv6Suffix?: string;
  readonly caFile?: string;
  /** --forward: ports to map on the router to this machine. */
  readonly forward: { readonly port: number; readonly protocol: 'tcp' | 'udp' }[];
  readonly forwardRemoveOnExit: boolean;
  readonly routerUser?: string;
  readonly routerHost?: string;
  readonly warnings: string[];
}

export class ConfigError extends Error {}

/** A host name the protocol can carry: letters, digits, hyphens and dots, with at least one dot. */
export function checkHostname(host: string): string | undefined {
  if (!host.includes('.')) return `bad hostname "${printable(host)}": a fully qualified name such as myhost.dyndns.org is needed`;
  if (host.length > 253 || !/^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i.test(host)) {
    return `bad hostname "${printable(host)}": only letters, digits, hyphens and dots are allowed`;
  }
  return undefined;
}

/** Values that go into the query or a header must not be able to break them. */
export function checkCredential(what: string, value: string): string | undefined {
  if (value === '') return `the ${what} is empty`;
  // The user name is shown in messages and ipcheck.err, so C1 controls (U+0080-U+009F, such as
  // the terminal's CSI) are refused there too; the password is only ever sent, base64-encoded.
  const control = what === 'user name' ? /[\u0000-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f]/;
  if (control.test(value)) return `the ${what} contains a control character (such as a newline); check the file or the quoting`;
  if (what === 'user name' && value.includes(':')) return 'the user name contains ":", which HTTP Basic authentication cannot carry';
  return undefined;
}
