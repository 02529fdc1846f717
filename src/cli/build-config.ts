// Builds the validated Config from the command line, the --config files and --acctfile.
// The command line wins over config files; later config files win over earlier ones.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Family, ipv6ToBigInt, parseAddress } from '../address.js';
import { printable } from '../address-ranges.js';
import { checkCredential, checkHostname, type Config, ConfigError, type SourceSpec } from '../config.js';
import { ForwardSpecError, parseForwardSpec } from '../sinks/forward-spec.js';
import { readAccountFile } from './account-file.js';
import { readIniConfig } from './ini-config.js';
import type { DeviceOption } from './legacy-argv.js';
import type { RawOptions } from './options.js';

export const DEFAULT_SERVER = 'https://members.dyndns.org';
const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'false', 'off', '']);

type Merged = Record<string, string | boolean | undefined>;

function merge(raw: RawOptions, warnings: string[], account?: Record<string, string>): Merged {
  const merged: Merged = {};
  for (const file of (raw.config as string[] | undefined) ?? []) {
    const ini = readIniConfig(file);
    warnings.push(...ini.warnings);
    Object.assign(merged, ini.values);
  }
  Object.assign(merged, account);
  for (const [key, value] of Object.entries(raw)) {
    if (key === '_' || key === '$0' || key === 'config' || value === undefined) continue;
    if (typeof value === 'boolean' && value === false) continue;
    merged[key] = value as string | boolean;
  }
  return merged;
}

function flag(merged: Merged, name: string): boolean {
  const value = merged[name];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError(`${name} = ${JSON.stringify(printable(value, 200))} in the config file is not a yes/no value (use 1 or 0)`);
}

function text(merged: Merged, name: string): string | undefined {
  const value = merged[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  return value;
}

function number(merged: Merged, name: string, fallback: number, min: number, max: number): number {
  const value = text(merged, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`--${name} ${JSON.stringify(printable(value, 200))} must be a number from ${min} to ${max}`);
  return n;
}

/** -w/-b on the command line mean ON/YES (reference §2.1); config files may give any value. */
function switchValue(merged: Merged, name: string, on: string): string {
  const value = merged[name];
  if (value === undefined) return 'NOCHG';
  if (value === true) return on;
  const word = String(value).trim().toUpperCase();
  if (word === '') return 'NOCHG';
  if (!/^[A-Z]+$/.test(word)) throw new ConfigError(`${name} = ${JSON.stringify(printable(String(value), 200))}: use ${on}, NOCHG or NO/OFF`);
  return word;
}

function serverUrl(merged: Merged, warnings: string[]): string {
  const given = text(merged, 'server') ?? text(merged, 'updatehost');
  const noHttps = flag(merged, 'no-https');
  const httpsOnly = text(merged, 'https-only');
  if (noHttps && httpsOnly !== undefined && TRUE_WORDS.has(httpsOnly.trim().toLowerCase())) {
    throw new ConfigError('-j (plain HTTP) and --https_only=1 contradict each other: drop one of them');
  }
  let url: URL;
  try {
    url = new URL(given === undefined ? DEFAULT_SERVER : /^https?:\/\//i.test(given) ? given : `https://${given}`);
  } catch {
    throw new ConfigError(`--server ${JSON.stringify(printable(given ?? '', 200))} is not a URL; give the service's base URL, such as https://members.dyndns.org`);
  }
  if (url.username || url.password) throw new ConfigError('--server must not carry credentials: give them as Username Password or in --acctfile');
  if (url.search || url.hash) throw new ConfigError('--server is the base URL of the service, without ?query or #fragment');
  if (noHttps && url.protocol === 'https:') url.protocol = 'http:';
  if (flag(merged, 'port-8245')) url.port = '8245';
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol === 'http:' && !loopback) warnings.push(`the password goes to ${url.host} unencrypted (plain HTTP); use HTTPS unless your network forces otherwise`);
  return url.href.replace(/\/$/, '');
}

function sources(merged: Merged, devices: readonly DeviceOption[]): SourceSpec[] {
  const list: SourceSpec[] = [];
  const address = text(merged, 'address');
  if (address !== undefined) list.push({ kind: 'manual', address });
  const syslogText = text(merged, 'syslog-text');
  const syslogFile = text(merged, 'syslog-file');
  if (syslogText !== undefined) list.push({ kind: 'syslog', text: syslogText, ...(syslogFile ? { file: syslogFile } : {}) });
  const firewall = text(merged, 'firewall-log');
  const pattern = text(merged, 'firewall-pattern');
  if (firewall !== undefined) list.push({ kind: 'firewall', file: firewall, ...(pattern ? { pattern } : {}) });
  const snmp = text(merged, 'snmp');
  if (snmp !== undefined) list.push({ kind: 'snmp-walk', target: snmp });
  const snmpget = text(merged, 'snmpget');
  if (snmpget !== undefined) list.push({ kind: 'snmp-get', target: snmpget });
  if (devices.length > 0) {
    const options = Object.fromEntries(devices.map((d) => [d.option.replace(/^-+/, ''), d.value ?? true] as const));
    list.push({ kind: 'router', options, passwordFile: flag(merged, 'pfile') });
  }
  const upnp = merged.upnp;
  if (upnp !== undefined) list.push({ kind: 'upnp', ...(typeof upnp === 'string' && upnp !== '' ? { url: upnp } : {}) });
  const natpmp = merged.natpmp;
  if (natpmp !== undefined) list.push({ kind: 'natpmp', ...(typeof natpmp === 'string' && natpmp !== '' ? { gateway: natpmp } : {}) });
  const checkip = text(merged, 'checkip');
  if (checkip !== undefined) list.push({ kind: 'web', url: checkip });
  const checkip6 = text(merged, 'checkip6');
  if (checkip6 !== undefined) list.push({ kind: 'web', url: checkip6, family: 'ipv6' });
  const iface = text(merged, 'interface');
  if (iface !== undefined) list.push({ kind: 'interface', name: iface });
  if (list.length === 0) list.push(flag(merged, 'guess') ? { kind: 'guess' } : { kind: 'interface', name: 'ppp0' });
  const order = text(merged, 'sources');
  return order === undefined ? list : explicitChain(order, list);
}

/** --sources interface,upnp,web: the fallback chain in the user's order, only those methods. */
const CHAIN_NAMES: Readonly<Record<string, SourceSpec['kind']>> = {
  address: 'manual', syslog: 'syslog', firewall: 'firewall', snmp: 'snmp-walk', snmpget: 'snmp-get',
  router: 'router', upnp: 'upnp', natpmp: 'natpmp', web: 'web', interface: 'interface', guess: 'guess',
};

function explicitChain(order: string, configured: readonly SourceSpec[]): SourceSpec[] {
  return order.split(',').map((word) => word.trim().toLowerCase()).filter((w) => w !== '').map((word) => {
    const kind = CHAIN_NAMES[word];
    if (!kind) throw new ConfigError(`--sources: unknown method "${printable(word)}"; use ${Object.keys(CHAIN_NAMES).join(', ')}`);
    const found = configured.find((spec) => spec.kind === kind);
    if (found) return found;
    // Methods that need nothing more can be named alone; the others need their option.
    if (kind === 'interface') return { kind, name: 'ppp0' };
    if (kind === 'upnp' || kind === 'natpmp' || kind === 'guess') return { kind } as SourceSpec;
    throw new ConfigError(`--sources names ${word}, but its option is missing (e.g. ${word === 'web' ? '-r URL' : word === 'address' ? '-a ADDRESS' : `the ${word} option`})`);
  });
}

/** --ipv4 (the default) and/or --ipv6. */
function families(merged: Merged): Family[] {
  const v6 = flag(merged, 'ipv6');
  return [...(flag(merged, 'ipv4') || !v6 ? ['ipv4' as const] : []), ...(v6 ? ['ipv6' as const] : [])];
}

function ipv6Suffix(merged: Merged): { ipv6Suffix?: string } {
  const suffix = text(merged, 'ipv6-suffix');
  if (suffix === undefined) return {};
  const parsed = parseAddress(suffix);
  if (parsed?.family !== 'ipv6' || (ipv6ToBigInt(parsed.text) >> 64n) !== 0n) {
    throw new ConfigError(`--ipv6-suffix ${JSON.stringify(printable(suffix))} must be an interface identifier written as an IPv6 address with an empty prefix, such as ::1:2:3:4`);
  }
  return { ipv6Suffix: parsed.text };
}

function forwardPorts(merged: Merged): Config['forward'] {
  const spec = text(merged, 'forward');
  if (spec === undefined) return [];
  try {
    return parseForwardSpec(spec).map(({ port, protocol }) => ({ port, protocol }));
  } catch (error) {
    if (error instanceof ForwardSpecError) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * Every account a run serves: the one of the command line, or each [account NAME] section of
 * the --config files (over their [ipcheck] section), each with a data directory of its own
 * (-d DIR/NAME) so that each has its own state and gates.
 */
export function buildConfigs(raw: RawOptions, devices: readonly DeviceOption[]): Config[] {
  const accounts = ((raw.config as string[] | undefined) ?? []).flatMap((file) => readIniConfig(file).accounts);
  if (accounts.length === 0) return [buildConfig(raw, devices)];
  if (raw._.length > 0) throw new ConfigError('the --config file names accounts ([account NAME] sections): give no Username Password Hostnames on the command line');
  const base = resolve(typeof raw.directory === 'string' ? raw.directory : '.');
  return accounts.map(({ name, values }) => {
    const directory = resolve(base, name);
    if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: 0o700 });
    const config = buildConfig({ ...raw, directory }, devices, values);
    return { ...config, account: name };
  });
}

export function buildConfig(raw: RawOptions, devices: readonly DeviceOption[], account?: Record<string, string>): Config {
  const warnings: string[] = [];
  const merged = merge(raw, warnings, account);
  const positional = raw._;

  let username = text(merged, 'username');
  let password = text(merged, 'password');
  let hostnames = text(merged, 'hostnames');
  const acctfile = text(merged, 'acctfile');
  if (acctfile !== undefined) {
    if (positional.length > 0) throw new ConfigError('give either --acctfile or "Username Password Hostnames", not both');
    const account = readAccountFile(acctfile);
    ({ username, password, hostnames } = account);
    warnings.push(...account.warnings);
  } else if (positional.length === 3) {
    [username, password, hostnames] = positional as [string, string, string];
  } else if (positional.length > 0 || username === undefined || password === undefined || hostnames === undefined) {
    throw new ConfigError(`expected "Username Password Hostnames" (or --acctfile FILE, or a --config file with them), got ${positional.length} argument${positional.length === 1 ? '' : 's'}; ipcheck --help shows the usage`);
  }
  for (const [what, value] of [['user name', username], ['password', password]] as const) {
    const problem = checkCredential(what, value ?? '');
    if (problem) throw new ConfigError(problem);
  }
  const hosts = [...new Set((hostnames ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))];
  if (hosts.length === 0) throw new ConfigError('no host names given: the third argument is a comma-separated list such as a.dyndns.org,b.dyndns.org');
  for (const host of hosts) {
    const problem = checkHostname(host);
    if (problem) throw new ConfigError(problem);
  }

  const directory = resolve(text(merged, 'directory') ?? '.');
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new ConfigError(`bad directory option: ${printable(directory, 200)} does not exist or is not a directory; create it or fix -d`);
  }

  const custom = flag(merged, 'custom');
  const statik = flag(merged, 'static');
  const offline = flag(merged, 'offline');
  if (offline && statik) throw new ConfigError('-o (offline) cannot be used with -s (static DNS)');
  if (custom && statik) throw new ConfigError('-c (custom DNS) and -s (static DNS) exclude each other');
  const mxGiven = text(merged, 'mxhost');
  const mx = mxGiven === undefined || mxGiven === '' ? 'NOCHG' : mxGiven;
  if (!mx.includes('NOCHG') && (!mx.includes('.') || checkHostname(mx))) throw new ConfigError(`bad mxhost "${printable(mx)}": give a mail server's host name such as mail.example.org`);

  const ipv6Param = text(merged, 'ipv6-param') ?? 'myip';
  if (ipv6Param !== 'myip' && ipv6Param !== 'myipv6') throw new ConfigError('--ipv6-param must be myip or myipv6');

  return {
    username: username as string,
    password: password as string,
    hosts,
    directory,
    server: serverUrl(merged, warnings),
    system: custom ? 'custom' : statik ? 'statdns' : 'dyndns',
    wildcard: switchValue(merged, 'wildcard', 'ON'),
    backmx: switchValue(merged, 'backmx', 'YES'),
    mx,
    offline,
    force: flag(merged, 'force'),
    guess: flag(merged, 'guess'),
    testRun: flag(merged, 'test'),
    quiet: flag(merged, 'quiet'),
    verbose: flag(merged, 'verbose'),
    logging: flag(merged, 'logging'),
    syslog: flag(merged, 'syslog'),
    allowPrivate: flag(merged, 'allow-private'),
    touchDays: number(merged, 'touch-days', 25, 0, 3650),
    minIntervalMs: number(merged, 'min-interval', 60, 0, 86_400) * 1000,
    ...(text(merged, 'execute') ? { execute: text(merged, 'execute') as string } : {}),
    scriptTimeoutMs: number(merged, 'script-timeout', 60, 1, 3600) * 1000,
    makedat: flag(merged, 'makedat'),
    checkDns: flag(merged, 'check-dns'),
    ...(text(merged, 'dns-server') ? { dnsServer: text(merged, 'dns-server') as string } : {}),
    totalTimeoutMs: number(merged, 'timeout', 30, 1, 600) * 1000,
    maxReplyBytes: 64 * 1024,
    sources: sources(merged, devices),
    daemon: flag(merged, 'daemon'),
    pollMs: number(merged, 'interval', 300, 1, 86_400) * 1000,
    sourceSilenceMs: 30_000,
    ipv6Param,
    families: families(merged),
    ...ipv6Suffix(merged),
    ...(text(merged, 'ca') ? { caFile: text(merged, 'ca') as string } : {}),
    forward: forwardPorts(merged),
    forwardRemoveOnExit: flag(merged, 'forward-remove-on-exit'),
    ...(text(merged, 'router-user') ? { routerUser: text(merged, 'router-user') as string } : {}),
    ...(text(merged, 'router-host') ? { routerHost: text(merged, 'router-host') as string } : {}),
    warnings,
  };
}
