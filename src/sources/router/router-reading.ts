// What reading a device gives: the address text found (still to be validated) and where it was
// found, or a failure whose reason names the cause and the fix (never the password).
export type RouterReading =
  | { readonly ok: true; readonly address: string; readonly where: string }
  | { readonly ok: false; readonly reason: string };

export interface RouterEndpoint {
  readonly host: string;
  readonly port: number;
  /** host:port as shown in messages ([v6]:port for IPv6). */
  readonly label: string;
}

/** Parses -n "host[:port]" ("[::1]:8080" for IPv6); the device's usual port when none is given. */
export function parseRouterHost(text: string, defaultPort: number): RouterEndpoint | { readonly error: string } {
  const trimmed = text.trim();
  let host = trimmed;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (trimmed.split(':').length === 2) {
    [host = '', portText] = trimmed.split(':');
  }
  if (!host) return { error: `router address "${trimmed}" has no host; use -n host or -n host:port` };
  let port = defaultPort;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      return { error: `router address "${trimmed}" has a bad port; use -n host:port with a port from 1 to 65535` };
    }
  }
  const label = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { host, port, label };
}
