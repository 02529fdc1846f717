// A NIC v2 (dyndns2) update server for loopback use: `ipcheck demo` runs against it and every
// integration test uses it. It answers honestly (nic-update-answer.ts) unless a test scripts
// the next replies, records every request, and refuses to listen anywhere but loopback.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4, isIPv6, type Socket } from 'node:net';
import { ipv6ToBigInt } from '../address.js';
import { parseBasicAuth } from './basic-auth.js';
import { NicAccounts, type NicAccount } from './nic-accounts.js';
import { answerUpdate, type NicReply } from './nic-update-answer.js';
import { describeRequest, type RecordedRequest } from './recorded-request.js';

export type { NicAccount } from './nic-accounts.js';
export type { RecordedRequest } from './recorded-request.js';
export { describeRequest } from './recorded-request.js';

export interface ScriptedReply {
  /** Default 200. */
  status?: number;
  body: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
}

export interface NicServer {
  /** Base URL, e.g. http://127.0.0.1:43123 or http://[::1]:43123 (https:// with tls). */
  readonly url: string;
  /** Every request received, in order of arrival (404s and malformed-but-parsed ones too). */
  readonly requests: RecordedRequest[];
  /** Only the requests for /nic/update. */
  updates(): RecordedRequest[];
  /** The next requests (any path) get these answers, in order, instead of the honest one; state is not changed. */
  script(...replies: ScriptedReply[]): void;
  addressOf(host: string): { ipv4?: string; ipv6?: string } | undefined;
  /** Resolves with all requests so far once at least `count` have arrived; rejects after timeoutMs (default 5000). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export interface NicServerOptions {
  /** A literal loopback address: 127.0.0.0/8 or ::1. Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  accounts: NicAccount[];
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Clock for RecordedRequest.at; default Date.now. */
  now?: () => number;
}

// Dyn's answers are a few bytes per host; a POST body beyond this is not a client we serve.
const MAX_BODY_BYTES = 16 * 1024;
const DEFAULT_WAIT_MS = 5000;

export async function startNicServer(options: NicServerOptions): Promise<NicServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackLiteral(host)) {
    throw new Error(
      `startNicServer: host "${host}" is not a loopback address; this server must never be reachable from ` +
        `another machine, so it listens only on 127.0.0.0/8 or ::1: pass host '127.0.0.1' or '::1'`,
    );
  }
  const accounts = new NicAccounts(options.accounts);
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedReply[] = [];
  const waiters = new Set<{ count: number; resolve: (r: RecordedRequest[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const delayed = new Set<NodeJS.Timeout>();
  let closed = false;

  const record = (r: RecordedRequest): void => {
    requests.push(r);
    for (const waiter of waiters) {
      if (requests.length < waiter.count) continue;
      clearTimeout(waiter.timer);
      waiters.delete(waiter);
      waiter.resolve([...requests]);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => undefined); // the client went away; nothing to do
    readBody(req, (body, tooLarge) => {
      try {
        const recorded = recordOf(req, body, now());
        record(recorded);
        if (tooLarge) return send(res, { status: 413, body: 'request body too large', headers: { Connection: 'close' } });
        const next = scripted.shift();
        if (next !== undefined) return sendScripted(res, next);
        send(res, honestReply(recorded, req));
      } catch (error) {
        // Never let one request take the server down (an injected clock may throw, too).
        send(res, { status: 500, body: `nic-server bug: ${(error as Error).message}`, headers: {} });
      }
    });
  };

  const honestReply = (r: RecordedRequest, req: IncomingMessage): NicReply => {
    if (r.path !== '/nic/update') return { status: 404, body: 'not found: the update path is /nic/update', headers: {} };
    const params = new URLSearchParams(r.query);
    if (isForm(req)) for (const [k, v] of new URLSearchParams(r.body)) params.append(k, v);
    try {
      return answerUpdate(
        { method: r.method, params, authorization: req.headers.authorization, userAgent: req.headers['user-agent'], remoteAddress: r.remoteAddress },
        accounts,
      );
    } catch (error) {
      // A bug in this server must not look like a protocol answer (911 means maintenance).
      return { status: 500, body: `nic-server bug: ${(error as Error).message}`, headers: {} };
    }
  };

  const sendScripted = (res: ServerResponse, reply: ScriptedReply): void => {
    const answer: NicReply = { status: reply.status ?? 200, body: reply.body, headers: reply.headers ?? {} };
    if (!reply.delayMs || reply.delayMs <= 0) return send(res, answer);
    const timer = setTimeout(() => {
      delayed.delete(timer);
      send(res, answer);
    }, reply.delayMs);
    delayed.add(timer);
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => rejectMalformed(error, socket));
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  server.on('error', () => undefined); // after listen: nothing a loopback test server can fix

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(new Error(`startNicServer: cannot listen on ${host} port ${options.port ?? 0}: ${error.message}`));
    server.once('error', onError);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `${options.tls ? 'https' : 'http'}://${isIPv6(host) ? `[${host}]` : host}:${port}`;

  return {
    url,
    requests,
    updates: () => requests.filter((r) => r.path === '/nic/update'),
    script: (...replies) => void scripted.push(...replies),
    addressOf: (h) => accounts.addressOf(h),
    waitForRequests(count, timeoutMs = DEFAULT_WAIT_MS) {
      if (requests.length >= count) return Promise.resolve([...requests]);
      if (closed) return Promise.reject(new Error(`nic-server at ${url} is closed; it received ${requests.length} of ${count} requests`));
      return new Promise((resolve, reject) => {
        const waiter = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(waitFailure(url, count, timeoutMs, requests)));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`nic-server at ${url} closed after ${requests.length} of ${waiter.count} requests`));
      }
      waiters.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // keep-alive and delayed replies would hold close() open
      await done;
    },
  };
}

function waitFailure(url: string, count: number, timeoutMs: number, requests: readonly RecordedRequest[]): string {
  const seen = requests.length === 0 ? 'none' : requests.map(describeRequest).join('; ');
  return `nic-server at ${url}: expected ${count} requests within ${timeoutMs} ms, got ${requests.length}: ${seen}`;
}

/** Only literal loopback addresses: a name like "localhost" could resolve anywhere. */
export function isLoopbackLiteral(host: string): boolean {
  if (isIPv4(host)) return host.split('.')[0] === '127';
  if (!isIPv6(host) || host.includes('%')) return false;
  const value = ipv6ToBigInt(host);
  // ::1, or 127.0.0.0/8 written IPv4-mapped (::ffff:127.x.y.z).
  return value === 1n || (value >> 32n === 0xffffn && ((value >> 24n) & 0xffn) === 127n);
}

function recordOf(req: IncomingMessage, body: string, at: number): RecordedRequest {
  const rawUrl = req.url ?? '';
  // Split by hand: new URL() reads "//host/x" as another host and throws on some targets.
  const mark = rawUrl.indexOf('?');
  const path = mark < 0 ? rawUrl : rawUrl.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : rawUrl.slice(mark + 1));
  const credentials = parseBasicAuth(req.headers.authorization);
  return {
    method: req.method ?? '',
    path,
    query,
    rawUrl,
    headers: { ...req.headers },
    ...(credentials && { username: credentials.username, password: credentials.password }),
    body,
    at,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

function isForm(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function readBody(req: IncomingMessage, done: (body: string, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (tooLarge: boolean): void => {
    if (finished) return;
    finished = true;
    done(tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      finish(true);
      req.pause();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => finish(false));
  req.on('error', () => undefined);
}

function send(res: ServerResponse, reply: NicReply): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length };
  for (const [name, value] of Object.entries(reply.headers)) {
    // A scripted header replaces ours whatever its case.
    for (const own of Object.keys(headers)) if (own.toLowerCase() === name.toLowerCase()) delete headers[own];
    headers[name] = value;
  }
  try {
    res.writeHead(reply.status, headers);
    res.end(body);
  } catch (error) {
    // Only scripted replies can be invalid (status 42, a header with a newline): say so and answer 500.
    if (res.headersSent) return void res.destroy();
    const message = Buffer.from(`nic-server: cannot send the scripted reply: ${(error as Error).message}`);
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': message.length });
    res.end(message);
  }
}

function rejectMalformed(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
