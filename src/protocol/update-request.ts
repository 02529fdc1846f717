// Builds the NIC v2 update request (reference §7.1, §17.1-17.2). Pure: no I/O.
import type { Family } from '../address.js';
import { VERSION } from '../version.js';

export type DnsSystem = 'dyndns' | 'statdns' | 'custom';

export interface UpdateRequest {
  /** Base URL of the service; /nic/update is appended to its path. */
  readonly server: string;
  readonly hosts: readonly string[];
  readonly system: DnsSystem;
  /** The addresses to send per family; an empty object with `guess` sends no myip (-g). */
  readonly addresses: Partial<Record<Family, string>>;
  readonly offline: boolean;
  readonly wildcard: string;
  readonly backmx: string;
  readonly mx: string;
  /** How IPv6 travels: in myip as "v4,v6" (dyndns2 as ddclient does it), or in its own parameter. */
  readonly ipv6Param: 'myip' | 'myipv6';
}

/** Dyn asks for "company - device - version"; a browser string gets a client blocked. */
export const USER_AGENT = `ipcheck project - ipcheck - ${VERSION}`;

/** At most this many hosts per request (the protocol's limit); more are split. */
export const MAX_HOSTS_PER_REQUEST = 20;

// Values are percent-encoded, but the commas of host lists and the colons of IPv6 stay readable
// as every dyndns2 server expects them.
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

export function buildUpdateUrl(request: UpdateRequest): URL {
  const url = new URL(request.server);
  const basePath = url.pathname.replace(/\/+$/, '');
  url.pathname = `${basePath}/nic/update`;
  const params: [string, string][] = [
    ['system', request.system],
    ['hostname', request.hosts.join(',')],
  ];
  if (request.offline) {
    params.push(['offline', 'YES']);
  } else {
    params.push(...addressParams(request));
    if (request.system !== 'custom') {
      params.push(['wildcard', request.wildcard], ['backmx', request.backmx], ['mx', request.mx]);
    }
  }
  url.search = params.map(([key, value]) => `${key}=${encodeValue(value)}`).join('&');
  return url;
}

function addressParams(request: UpdateRequest): [string, string][] {
  const { ipv4, ipv6 } = request.addresses;
  if (request.ipv6Param === 'myipv6') {
    return [
      ...(ipv4 ? ([['myip', ipv4]] as [string, string][]) : []),
      ...(ipv6 ? ([['myipv6', ipv6]] as [string, string][]) : []),
    ];
  }
  const list = [ipv4, ipv6].filter((a): a is string => Boolean(a));
  return list.length > 0 ? [['myip', list.join(',')]] : [];
}

/** Splits a host list into groups the server accepts in one request. */
export function hostBatches(hosts: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < hosts.length; i += MAX_HOSTS_PER_REQUEST) batches.push(hosts.slice(i, i + MAX_HOSTS_PER_REQUEST));
  return batches;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The request as a user may see it (-t, -v, events): the password never appears. */
export function describeUpdate(url: URL, username: string): string {
  return `GET ${url.pathname}${url.search} (as ${username}, password hidden; User-Agent: ${USER_AGENT}; to ${url.origin})`;
}
