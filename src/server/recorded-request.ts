// What the loopback NIC server remembers of each request, and how to show one to a human.

export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. /nic/update. */
  path: string;
  query: URLSearchParams;
  /** The request target exactly as sent. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  /** Decoded from Basic auth, for test assertions; describeRequest() masks the password. */
  username?: string;
  password?: string;
  /** The request body (POST); empty for GET. Always set by the server. */
  body?: string;
  /** When the request arrived (milliseconds since the epoch, from the server's clock). */
  at: number;
  remoteAddress: string;
}

const MASK = '***';

/** One line: the request line, user, user agent and peer, with the password masked everywhere. */
export function describeRequest(r: RecordedRequest): string {
  const target = r.password ? maskSecret(r.rawUrl, r.password) : r.rawUrl;
  const who = r.username === undefined ? 'no credentials' : `user "${r.username}" password ${MASK}`;
  const agent = r.headers['user-agent'];
  const ua = typeof agent === 'string' ? `UA "${agent}"` : 'no UA';
  return `${r.method} ${target} (${who}, ${ua}) from ${r.remoteAddress}`;
}

// A client may also put the password in the URL (some providers take ?password=): hide it there
// too, whether sent raw or percent-encoded.
function maskSecret(text: string, secret: string): string {
  let masked = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) masked = masked.split(form).join(MASK);
  return masked;
}
