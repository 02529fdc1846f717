// A misbehaving "update server" for reliability tests: a raw TCP listener on loopback
// that reads each request head and then does one thing wrong on purpose: never answers, stalls
// in the middle of the body, resets the connection, sends 10 MB or an endless body, bytes that
// are not UTF-8, a redirect, any HTTP status. It counts connections, requests and the bytes it
// managed to send, so a test can tell what the client did (e.g. that it never came back).
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type Fault =
  /** Accepts and reads the request, never answers (the connection stays open). */
  | { readonly kind: 'silent' }
  /** Sends the status line, the headers and `sent` of a `length`-byte body, then nothing more. */
  | { readonly kind: 'stall'; readonly sent: string; readonly length: number }
  /** Sends the status line and headers, then one byte of body every `everyMs`, forever. */
  | { readonly kind: 'trickle'; readonly everyMs: number }
  /** Reads the request, then resets the connection (TCP RST). */
  | { readonly kind: 'reset' }
  /** Reads the request, then closes the connection without a byte of answer (FIN). */
  | { readonly kind: 'hang-up' }
  /** A well-formed HTTP/1.1 reply. */
  | { readonly kind: 'reply'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string | Buffer }
  /** 200 with a body of `bytes` bytes (Content-Length set), sent as fast as the client reads. */
  | { readonly kind: 'huge'; readonly bytes: number }
  /** 200 with a chunked body that never ends, sent as fast as the client reads. */
  | { readonly kind: 'endless' };

export interface ReceivedRequest {
  /** The request line, e.g. "GET /nic/update?... HTTP/1.1". */
  readonly line: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface FaultServer {
  /** http://host:port, for --server (https:// in front of it: a TLS handshake that never completes). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far (a client that never came counts 0). */
  connections(): number;
  /**
   * Connections on which the client sent something (a request, a TLS hello). undici may open
   * an idle connection after an aborted request and close it unused: that is not an attempt.
   */
  contacts(): number;
  /** Request heads received so far. */
  requests(): readonly ReceivedRequest[];
  /** Bytes of answer written to the sockets (what the kernel took, not what the client read). */
  bytesSent(): number;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** A loopback literal (127.0.0.0/8); default 127.0.0.1. */
  readonly host?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

function statusText(status: number): string {
  const known: Record<number, string> = {
    200: 'OK', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
    410: 'Gone', 418: "I'm a teapot", 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
    502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  return known[status] ?? 'Status';
}

function head(status: number, headers: Readonly<Record<string, string>>): string {
  const lines = [`HTTP/1.1 ${status} ${statusText(status)}`, `Date: ${new Date().toUTCString()}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes `total` bytes (or forever) in 64 KiB chunks, waiting for the client to read. */
function pour(socket: Socket, total: number | undefined, chunked: boolean, count: (n: number) => void): void {
  let left = total ?? Number.POSITIVE_INFINITY;
  const next = (): void => {
    while (left > 0 && !socket.destroyed) {
      const size = Math.min(left, CHUNK.length);
      const piece = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), CHUNK.subarray(0, size), Buffer.from('\r\n')]) : CHUNK.subarray(0, size);
      left -= size;
      count(piece.length);
      if (!socket.write(piece)) return void socket.once('drain', next);
    }
    if (left <= 0 && !socket.destroyed) socket.end();
  };
  next();
}

export async function startFaultServer(fault: Fault, options: FaultServerOptions = {}): Promise<FaultServer> {
  const host = options.host ?? '127.0.0.1';
  if (!host.startsWith('127.')) throw new Error(`the fault server listens on loopback only, not ${host}`);
  const sockets = new Set<Socket>();
  const received: ReceivedRequest[] = [];
  let connections = 0;
  let contacts = 0;
  let sent = 0;
  const count = (n: number): void => { sent += n; };

  const act = (socket: Socket): void => {
    switch (fault.kind) {
      case 'silent':
        return;
      case 'stall': {
        const text = head(200, { 'Content-Type': 'text/plain', 'Content-Length': String(fault.length) }) + fault.sent;
        count(Buffer.byteLength(text));
        socket.write(text);
        return;
      }
      case 'trickle': {
        const text = head(200, { 'Content-Type': 'text/plain', 'Content-Length': '1000000' });
        count(Buffer.byteLength(text));
        socket.write(text);
        const timer = setInterval(() => { if (!socket.destroyed) { count(1); socket.write('g'); } }, fault.everyMs);
        socket.once('close', () => clearInterval(timer));
        return;
      }
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'hang-up':
        socket.end();
        return;
      case 'reply': {
        const body = typeof fault.body === 'string' ? Buffer.from(fault.body, 'utf8') : fault.body;
        const bytes = Buffer.concat([Buffer.from(head(fault.status, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length), Connection: 'close', ...fault.headers })), body]);
        count(bytes.length);
        socket.end(bytes);
        return;
      }
      case 'huge': {
        const text = head(200, { 'Content-Type': 'text/plain', 'Content-Length': String(fault.bytes), Connection: 'close' });
        count(text.length);
        socket.write(text);
        pour(socket, fault.bytes, false, count);
        return;
      }
      case 'endless': {
        const text = head(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', Connection: 'close' });
        count(text.length);
        socket.write(text);
        pour(socket, undefined, true, count);
      }
    }
  };

  const onConnection = (socket: Socket): void => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client went away: expected here
    socket.once('data', () => { contacts++; });
    let buffered = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      answered = true;
      const [line = '', ...rest] = buffered.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const header of rest) {
        const colon = header.indexOf(':');
        if (colon > 0) headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
      }
      received.push({ line, headers });
      act(socket);
    });
  };

  const server: Server = createNetServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    connections: () => connections,
    contacts: () => contacts,
    requests: () => received,
    bytesSent: () => sent,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A loopback port on which nothing listens (bound, then released): connecting is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
