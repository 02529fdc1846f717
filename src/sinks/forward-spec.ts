// Parses the --forward list of ipcheck.py: "80,5060/udp,time/udp,21/6" — ports or service
// names, each with an optional protocol given by name or by IP protocol number (default tcp).
import { printable } from '../address-ranges.js';

export interface ForwardedPort {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** Well-known services (from /etc/services) a user is likely to forward to a home machine. */
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  time: 37,
  domain: 53,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap: 143,
  imap2: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  submissions: 465,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  mysql: 3306,
  rdp: 3389,
  'ms-wbt-server': 3389,
  sip: 5060,
  sips: 5061,
  vnc: 5900,
  'http-alt': 8080,
  wireguard: 51820,
};

const PROTOCOL_NAMES: Readonly<Record<string, 'tcp' | 'udp'>> = { tcp: 'tcp', udp: 'udp', '6': 'tcp', '17': 'udp' };

export class ForwardSpecError extends Error {
  override readonly name = 'ForwardSpecError';
}

/**
 * The ports of a --forward list, in order, without repeats. Throws ForwardSpecError naming the
 * bad entry and what would be accepted. `services` adds or overrides service names.
 */
export function parseForwardSpec(spec: string, services: Readonly<Record<string, number>> = SERVICE_PORTS): ForwardedPort[] {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new ForwardSpecError('--forward needs at least one port, e.g. --forward 80,5060/udp');
  const ports: ForwardedPort[] = [];
  for (const entry of entries) {
    if (entry === '') throw new ForwardSpecError(`--forward "${printable(spec)}" has an empty entry; separate ports with single commas, e.g. 80,5060/udp`);
    const parsed = parseEntry(entry, services);
    if (!ports.some((p) => p.port === parsed.port && p.protocol === parsed.protocol)) ports.push(parsed);
  }
  return ports;
}

function parseEntry(entry: string, services: Readonly<Record<string, number>>): ForwardedPort {
  const parts = entry.split('/');
  if (parts.length > 2) throw new ForwardSpecError(`--forward entry "${printable(entry)}" has more than one "/"; write port[/protocol], e.g. 5060/udp`);
  const [portText = '', protocolText = 'tcp'] = parts.map((part) => part.trim().toLowerCase());
  const protocol = PROTOCOL_NAMES[protocolText];
  if (!protocol) {
    throw new ForwardSpecError(`--forward entry "${printable(entry)}": unknown protocol "${printable(protocolText)}"; only tcp (6) and udp (17) can be forwarded`);
  }
  return { port: parsePort(entry, portText, services), protocol };
}

function parsePort(entry: string, text: string, services: Readonly<Record<string, number>>): number {
  if (/^\d+$/.test(text)) {
    const port = Number(text);
    if (port >= 1 && port <= 65535) return port;
    throw new ForwardSpecError(`--forward entry "${printable(entry)}": port ${text} is out of range; ports go from 1 to 65535`);
  }
  const port = Object.prototype.hasOwnProperty.call(services, text) ? services[text] : undefined;
  if (port === undefined) {
    throw new ForwardSpecError(`--forward entry "${printable(entry)}": "${printable(text)}" is neither a port number nor a known service name (such as http, ssh, time)`);
  }
  return port;
}
