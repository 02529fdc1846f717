// One HTTP(S) GET with every bound a dynamic DNS client needs: a total time, a cap on the reply
// size, no redirects followed, certificates always verified (even if NODE_TLS_REJECT_UNAUTHORIZED
// says otherwise for some other program), extra trust anchors only by --ca, and no keep-alive
// (one request per run: nothing should hold the process open afterwards). Node's own http and
// https modules do this without loading an HTTP client library at every start.
import type { IncomingHttpHeaders } from 'node:http';

export interface BoundedGetOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly totalTimeoutMs: number;
  readonly maxBytes: number;
  /** PEM certificates trusted besides the system's roots (--ca). */
  readonly extraCa?: readonly string[];
}

export interface BoundedReply {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]));
}

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export async function boundedGet(url: URL, options: BoundedGetOptions): Promise<BoundedReply> {
  const secure = url.protocol === 'https:';
  const { request } = secure ? await import('node:https') : await import('node:http');
  const { rootCertificates } = secure ? await import('node:tls') : { rootCertificates: [] as readonly string[] };
  return new Promise<BoundedReply>((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { ...options.headers, connection: 'close' },
      agent: false,
      ...(secure ? { rejectUnauthorized: true, ...(options.extraCa?.length ? { ca: [...rootCertificates, ...options.extraCa] } : {}) } : {}),
    });
    // Whether the connection (TCP, and TLS for https) was ever completed: a server that accepts
    // and then never finishes the handshake gets a message of its own.
    let connected = false;
    req.on('socket', (socket) => socket.once(secure ? 'secureConnect' : 'connect', () => { connected = true; }));
    const deadline = setTimeout(() => req.destroy(connected
      ? coded(`no complete answer within ${options.totalTimeoutMs} ms`, 'TimeoutError')
      : coded(`no connection within ${options.totalTimeoutMs} ms`, 'CONNECT_TIMEOUT')), options.totalTimeoutMs);
    const fail = (error: Error) => { clearTimeout(deadline); reject(error); };
    req.on('error', fail);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          req.destroy(coded(`the reply is larger than ${options.maxBytes} bytes, which no dyndns2 server sends; check --server`, 'REPLY_TOO_LARGE'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(deadline);
        // Replies are ASCII; anything else is shown, never trusted.
        resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers), body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}
