// The honest answer of a NIC v2 (dyndns2) server to GET/POST /nic/update (reference §17).
// Account and request errors are answered once; host results one line per host, in order.
import { parseAddress } from '../address.js';
import { MAX_HOSTS_PER_REQUEST } from '../protocol/update-request.js';
import { parseBasicAuth } from './basic-auth.js';
import { type HostAddresses, type NicAccount, type NicAccounts } from './nic-accounts.js';

export interface UpdateRequest {
  method: string;
  /** Query parameters, plus form parameters of a POST body. */
  params: URLSearchParams;
  authorization: string | string[] | undefined;
  userAgent: string | string[] | undefined;
  /** The peer's address as the socket reports it (IPv4-mapped IPv6 is understood). */
  remoteAddress: string;
}

export interface NicReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const SYSTEMS = new Set(['dyndns', 'statdns', 'custom']);
// Members.dyndns.org's realm; clients that wait for a challenge (urllib) only need one to exist.
const CHALLENGE = 'Basic realm="DynDNS API Access"';

function plain(body: string, status = 200, headers: Record<string, string> = {}): NicReply {
  return { status, body, headers };
}

export function answerUpdate(request: UpdateRequest, accounts: NicAccounts): NicReply {
  const credentials = parseBasicAuth(request.authorization);
  const account = credentials && accounts.authenticate(credentials.username, credentials.password);
  // Real servers differ here (some say badauth with HTTP 200); we challenge like members.dyndns.org,
  // which ipcheck.py expects (`badauth` with 401) and which urllib-style clients need to send credentials.
  if (!account) return plain('badauth', 401, { 'WWW-Authenticate': CHALLENGE });

  if (!acceptableAgent(request.userAgent)) return plain('badagent');
  // "The user agent was not sent or HTTP method is not permitted".
  if (request.method !== 'GET' && request.method !== 'POST') return plain('badagent');

  const system = request.params.get('system') ?? 'dyndns';
  if (!SYSTEMS.has(system)) return plain('badsys');

  const hostnameParam = request.params.get('hostname') ?? '';
  if (hostnameParam.trim() === '') return plain('notfqdn');
  const hosts = hostnameParam.split(',').map((h) => h.trim());
  // The protocol's limit, the same one the client splits its requests by.
  if (hosts.length > MAX_HOSTS_PER_REQUEST) return plain('numhost');

  // Account-level: "only a single !donator will be returned".
  if (request.params.get('offline')?.toUpperCase() === 'YES' && !account.donator) return plain('!donator');

  const target = requestedAddresses(request.params, request.remoteAddress);
  return plain(hosts.map((host) => answerHost(host, account, target, accounts)).join('\n'));
}

function answerHost(host: string, account: NicAccount, target: HostAddresses, accounts: NicAccounts): string {
  if (!isFqdn(host)) return 'notfqdn';
  const ownership = accounts.ownership(host, account.username);
  if (ownership.kind === 'unknown') return 'nohost';
  if (ownership.kind === 'someone-else') return '!yours';
  if (ownership.blocked) return 'abuse';
  const changed = accounts.setAddresses(host, target);
  // No-IP style for IPv6: every address set by this request, comma-separated, IPv4 first.
  const shown = [target.ipv4, target.ipv6].filter((a): a is string => a !== undefined).join(',');
  return `${changed ? 'good' : 'nochg'} ${shown}`;
}

/** A client name, not a browser's: Dyn blocks agents that hide behind a browser's identity. */
export function acceptableAgent(userAgent: string | string[] | undefined): boolean {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return false;
  return !/^\s*mozilla\/|\bmsie\b|trident\/|\bchrome\/|\bsafari\/|\bfirefox\//i.test(userAgent);
}

/** Two or more labels of letters, digits and inner hyphens; a numeric top label (an IP) is not a name. */
export function isFqdn(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/**
 * Which addresses to set. `myip` is one address or a comma list (one IPv4, one IPv6, ddclient
 * style); `myipv6` sets the IPv6 one (Dynu/No-IP extension) and wins over an IPv6 in `myip`.
 * Invalid input is our choice, following Dyn's rule for an absent myip ("the best IP address
 * the server can determine will be used"): a malformed `myip` (an item that is not an address,
 * or two of one family) is ignored as a whole, a malformed `myipv6` likewise, and when nothing
 * valid is left the connection's own address is used. So `myip=garbage` answers `good <peer>`.
 */
export function requestedAddresses(params: URLSearchParams, remoteAddress: string): HostAddresses {
  const chosen: HostAddresses = { ...parseMyip(params.get('myip')) };
  const v6 = params.get('myipv6');
  if (v6 !== null) {
    const parsed = parseAddress(v6);
    if (parsed?.family === 'ipv6') chosen.ipv6 = parsed.text;
  }
  if (chosen.ipv4 !== undefined || chosen.ipv6 !== undefined) return chosen;
  return peerAddress(remoteAddress);
}

function parseMyip(value: string | null): HostAddresses {
  if (value === null || value.trim() === '') return {};
  const result: HostAddresses = {};
  for (const item of value.split(',')) {
    const parsed = parseAddress(item);
    if (parsed === undefined || result[parsed.family] !== undefined) return {};
    result[parsed.family] = parsed.text;
  }
  return result;
}

function peerAddress(remoteAddress: string): HostAddresses {
  const unmapped = remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const parsed = parseAddress(unmapped);
  if (parsed === undefined) return {};
  return parsed.family === 'ipv4' ? { ipv4: parsed.text } : { ipv6: parsed.text };
}
