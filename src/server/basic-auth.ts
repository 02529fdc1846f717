// HTTP Basic credentials (RFC 7617) as the NIC v2 update URL expects them.

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Decodes an Authorization header; undefined when it is absent or not well-formed Basic. */
export function parseBasicAuth(header: string | string[] | undefined): BasicCredentials | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
