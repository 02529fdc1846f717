// Simulated NAT routers on 127.0.0.1 (port 0): status pages served from fixture files with the
// device's own authentication (Basic auth, a login form remembered by cookie or by client
// address, the Linksys/Macsense blank user), or a telnet console driven by a small script.
// The simulators record what they receive so tests can assert the exact requests and lines.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const FIXTURES = fileURLToPath(new URL('../fixtures/routers/', import.meta.url));

export function fixture(device: string, file: string): string {
  return readFileSync(join(FIXTURES, device, file), 'latin1');
}

export interface FormAuth {
  readonly type: 'form';
  readonly method: 'GET' | 'POST';
  readonly action: string;
  /** Decides whether the submitted fields log in; 'not-found' answers the quirky "not found" page. */
  readonly check: (fields: URLSearchParams) => boolean | 'not-found';
  readonly remember: 'cookie' | 'address';
  /** File answered to a successful login, and to a refused one (usually the login page). */
  readonly okFile?: string;
  readonly loginFile: string;
  readonly notFoundFile?: string;
}

export type HttpAuth =
  | { readonly type: 'none' }
  | { readonly type: 'basic'; readonly user: string; readonly password: string }
  | FormAuth;

export interface HttpDeviceSimulation {
  readonly dir: string;
  readonly auth: HttpAuth;
  /** GET path (with query, if the device uses one) → fixture file. */
  readonly pages: Readonly<Record<string, string>>;
  /** Paths served without logging in (login forms). */
  readonly open?: readonly string[];
  /** POST path → handler answering a file name or undefined (not logged in). */
  readonly posts?: Readonly<Record<string, (fields: URLSearchParams) => string | undefined>>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly body: string;
}

export interface RunningSimulator {
  readonly port: number;
  readonly host: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('latin1');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => resolve(body));
  });
}

export async function startHttpRouter(sim: HttpDeviceSimulation): Promise<RunningSimulator> {
  const requests: RecordedRequest[] = [];
  const sessions = new Set<string>();
  let cookieCounter = 0;
  const send = (response: ServerResponse, status: number, file: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'text/html', ...headers });
    response.end(fixture(sim.dir, file));
  };
  const server = createHttpServer(async (request, response) => {
    const body = await readBody(request);
    const url = request.url ?? '/';
    requests.push({ method: request.method ?? 'GET', url, authorization: request.headers.authorization, body });
    const { auth } = sim;
    const sessionKey = (): string | undefined => {
      if (auth.type !== 'form') return undefined;
      if (auth.remember === 'address') return request.socket.remoteAddress;
      return /(?:^|;\s*)SESSIONID=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    };
    if (auth.type === 'basic') {
      const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'latin1').toString('base64')}`;
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="Router"', 'content-type': 'text/html' });
        response.end('<html><body><h1>401 Unauthorized</h1></body></html>');
        return;
      }
    }
    const path = url.split('?')[0] ?? '/';
    if (auth.type === 'form' && path === auth.action && request.method === auth.method) {
      const fields = new URLSearchParams(auth.method === 'GET' ? url.slice(path.length + 1) : body);
      const verdict = auth.check(fields);
      if (verdict === 'not-found') { send(response, 200, auth.notFoundFile ?? auth.loginFile); return; }
      if (!verdict) { send(response, 200, auth.loginFile); return; }
      const key = auth.remember === 'address' ? request.socket.remoteAddress ?? '' : `s${++cookieCounter}`;
      sessions.add(key);
      send(response, 200, auth.okFile ?? auth.loginFile, auth.remember === 'cookie' ? { 'set-cookie': `SESSIONID=${key}; path=/` } : {});
      return;
    }
    if (request.method === 'POST' && sim.posts?.[path]) {
      const file = sim.posts[path]?.(new URLSearchParams(body));
      if (file) send(response, 200, file);
      else if (auth.type === 'form') send(response, 200, auth.loginFile);
      else { response.writeHead(403); response.end(); }
      return;
    }
    const file = sim.pages[url] ?? sim.pages[path];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html><body>404 Not Found</body></html>');
      return;
    }
    const key = sessionKey();
    if (auth.type === 'form' && !(sim.open ?? []).includes(path) && !(key && sessions.has(key))) {
      // As the real devices do: the status page is replaced by the login form.
      send(response, 200, auth.loginFile);
      return;
    }
    send(response, 200, file);
  });
  const port = await listen(server);
  return {
    port, host: `127.0.0.1:${port}`, requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// ---------------------------------------------------------------------------- telnet consoles

export interface ConsoleCommand {
  readonly file?: string;
  readonly text?: string;
  /** The prompt shown after this command (menus change it). */
  readonly prompt?: string;
  readonly close?: boolean;
  /** The next line is a secret (e.g. the enable password); right: show `prompt`, wrong: refuse. */
  readonly secret?: { readonly expect: string; readonly prompt: string };
}

export interface TelnetDeviceSimulation {
  readonly dir: string;
  readonly banner?: string;
  /** Sent at connect: IAC WILL ECHO, IAC WILL SGA, IAC DO TTYPE (a client must answer or ignore). */
  readonly negotiate?: boolean;
  /** Prompts in order, and the line each one expects (`password` marks the secret). */
  readonly login: readonly ({ readonly prompt: string; readonly expect: string; readonly password?: boolean })[];
  readonly refusal: string;
  readonly prompt: string;
  /** Fixture shown once after login, before the prompt (menu-driven consoles). */
  readonly welcome?: string;
  readonly echo?: boolean;
  readonly commands: Readonly<Record<string, ConsoleCommand>>;
  readonly unknown?: string;
}

export interface RunningConsole extends RunningSimulator {
  /** Every line received after login, in order (passwords excluded). */
  readonly lines: string[];
  /** Negotiation replies received (IAC verb option triples). */
  readonly negotiation: number[][];
}

export async function startTelnetRouter(sim: TelnetDeviceSimulation): Promise<RunningConsole> {
  const lines: string[] = [];
  const negotiation: number[][] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const write = (text: string) => { if (!socket.destroyed) socket.write(Buffer.from(text, 'latin1')); };
    let step = 0;
    let prompt = sim.prompt;
    let pending = '';
    let afterCR = false;
    let iac: number[] = [];
    let secret: { expect: string; prompt: string } | undefined;
    if (sim.negotiate) socket.write(Buffer.from([255, 251, 1, 255, 251, 3, 255, 253, 24]));
    write((sim.banner ?? '') + (sim.login[0]?.prompt ?? prompt));
    const onLine = (line: string) => {
      if (step < sim.login.length) {
        const expected = sim.login[step]!;
        if (line !== expected.expect) {
          step = 0;
          write(`\r\n${sim.refusal}\r\n${sim.login[0]!.prompt}`);
          return;
        }
        step++;
        if (!expected.password) lines.push(line);
        if (step < sim.login.length) write(`\r\n${sim.login[step]!.prompt}`);
        else write(`\r\n${sim.welcome ? fixture(sim.dir, sim.welcome) : ''}${prompt}`);
        return;
      }
      if (secret) {
        const wanted = secret;
        secret = undefined;
        if (line === wanted.expect) { prompt = wanted.prompt; write(`\r\n${prompt}`); }
        else write(`\r\n${sim.refusal}\r\n${prompt}`);
        return;
      }
      lines.push(line);
      if (sim.echo) write(`${line}\r\n`);
      const command = sim.commands[line];
      if (!command) { write(`${sim.unknown ?? 'Unknown command'}\r\n${prompt}`); return; }
      if (command.secret) { secret = command.secret; write(command.text ?? ''); return; }
      if (command.prompt) prompt = command.prompt;
      const output = command.file ? fixture(sim.dir, command.file) : (command.text ?? '');
      if (command.close) { write(output); socket.end(); return; }
      write(`${output}${prompt}`);
    };
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) {
        if (iac.length > 0 || byte === 255) {
          iac.push(byte);
          if (iac.length === 3) { negotiation.push(iac); iac = []; }
          continue;
        }
        const char = String.fromCharCode(byte);
        if (char === '\n' && afterCR) { afterCR = false; continue; }
        afterCR = char === '\r';
        if (char === '\r' || char === '\n') { const line = pending; pending = ''; onLine(line); }
        else if (char !== '\0') pending += char;
      }
    });
  });
  const port = await listen(server);
  return {
    port, host: `127.0.0.1:${port}`, requests: [], lines, negotiation,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
