// Reads an HTTP device described by the table: optional login form, then its pages in order
// until one shows the address, then its logout page. Requests go through undici (dispatcher
// injectable) with bounded time and size; cookies the device sets are sent back.
import { request, type Dispatcher } from 'undici';
import { addressAfterAnchors } from './address-after-anchor.js';
import type { DeviceOption, FieldValue, HttpAccess, PageRead } from './device-types.js';
import { pageText, type PageText } from './page-text.js';
import type { RouterEndpoint, RouterReading } from './router-reading.js';

// Some embedded servers serve other pages to unknown browsers; the original sent this one.
const ROUTER_USER_AGENT = 'Mozilla/4.76 [en] (X11; U; Linux 2.4.1-0.1.9 i586)';
export const DEFAULT_MAX_PAGE_BYTES = 1024 * 1024;

export interface HttpReadOptions {
  readonly device: DeviceOption & { readonly access: HttpAccess };
  readonly endpoint: RouterEndpoint;
  readonly password?: string;
  readonly user?: string;
  readonly timeoutMs: number;
  readonly maxBytes?: number;
  readonly dispatcher?: Dispatcher;
  /** Nexland Pro800Turbo: which WAN port to use. */
  readonly wanPort?: WanPortChoice;
}

export type WanPortChoice = { readonly mode: 'any' } | { readonly mode: 'prefer' | 'force'; readonly port: number };

interface Reply { status: number; body: string; location?: string }

class PageError extends Error {}

function describeNetworkError(error: unknown, endpoint: RouterEndpoint): string {
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  if (code === 'ECONNREFUSED') return `cannot reach the router at ${endpoint.label}: connection refused; check the router address (-n) and that its web admin is on`;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `the router at ${endpoint.label} did not answer in time; check the router address (-n)`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `cannot reach the router at ${endpoint.label}: no route to it; check the router address (-n)`;
  return `cannot reach the router at ${endpoint.label}: ${code ?? name ?? 'network error'}`;
}

class RouterHttpClient {
  private readonly cookies = new Map<string, string>();
  /** How many answers the device gave (no logout attempt at a router that never answered). */
  replies = 0;

  constructor(private readonly options: HttpReadOptions) {}

  async fetch(method: 'GET' | 'POST', path: string, form?: URLSearchParams, basicUser?: string): Promise<Reply> {
    const { endpoint, timeoutMs, dispatcher } = this.options;
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_PAGE_BYTES;
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    const url = `http://${host}:${endpoint.port}${path}`;
    const headers: Record<string, string> = { 'user-agent': ROUTER_USER_AGENT };
    if (basicUser !== undefined) {
      const token = Buffer.from(`${basicUser}:${this.options.password ?? ''}`, 'latin1').toString('base64');
      headers['authorization'] = `Basic ${token}`;
    }
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    try {
      const response = await request(url, {
        method,
        headers,
        body: form?.toString(),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      this.replies++;
      this.keepCookies(response.headers['set-cookie']);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new PageError(`${method} ${path} on ${endpoint.label} sent more than ${maxBytes} bytes; is this really the router?`);
        }
        chunks.push(chunk as Buffer);
      }
      const location = response.headers['location'];
      return {
        status: response.statusCode,
        // Old devices send Latin-1; addresses and anchors are ASCII either way.
        body: Buffer.concat(chunks).toString('latin1'),
        location: typeof location === 'string' ? location : undefined,
      };
    } catch (error) {
      if (error instanceof PageError) throw error;
      throw new PageError(describeNetworkError(error, endpoint));
    }
  }

  private keepCookies(header: string | string[] | undefined): void {
    for (const line of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

function fieldValue(value: FieldValue, options: HttpReadOptions, form: ReadonlyMap<string, string>): string {
  if (typeof value === 'string') return value;
  if (value.from === 'password') return options.password ?? '';
  if (value.from === 'user') return options.user ?? options.device.defaultUser ?? '';
  return 'name' in value ? (form.get(value.name) ?? '') : '';
}

function encodeFields(
  fields: readonly (readonly [string, FieldValue])[],
  options: HttpReadOptions,
  form: ReadonlyMap<string, string>,
  base: readonly (readonly [string, string])[] = [],
): URLSearchParams {
  const entries = base.map(([name, value]) => [name, value] as [string, string]);
  for (const [name, value] of fields) {
    const resolved = fieldValue(value, options, form);
    const existing = entries.find(([n]) => n === name);
    if (existing) existing[1] = resolved;
    else entries.push([name, resolved]);
  }
  return new URLSearchParams(entries);
}

function authFailure(options: HttpReadOptions, what: string): string {
  const user = options.user !== undefined && options.user.trim() !== '' ? ` for user "${options.user}"` : '';
  return `the ${options.device.model} at ${options.endpoint.label} refused the password${user} (${what}); check the device password given with ${options.device.flag}${options.user !== undefined ? ' and the user (-U)' : ''}`;
}

function selectWanPort(text: PageText, choice: WanPortChoice): { address?: string; reason: string } {
  const ports: { status: string; address?: string }[] = [];
  const { chunks } = text;
  for (let i = 0; i < chunks.length; i++) {
    if (!chunks[i]?.includes('Connection Status')) continue;
    const status = chunks[i + 1] ?? '';
    let address: string | undefined;
    for (let j = i + 1; j < chunks.length && !chunks[j]?.includes('Connection Status'); j++) {
      if (chunks[j]?.includes('IP Address')) {
        address = /\d{1,3}(?:\.\d{1,3}){3}/.exec(chunks.slice(j).join(' '))?.[0];
        break;
      }
    }
    ports.push({ status, address });
  }
  if (ports.length === 0) return { reason: 'no "Connection Status" block on the page' };
  const usable = (p: { address?: string } | undefined) => p?.address !== undefined && p.address !== '0.0.0.0';
  if (choice.mode !== 'any') {
    const wanted = ports[choice.port];
    if (usable(wanted) && (choice.mode === 'force' || wanted?.status === 'Connected')) return { address: wanted?.address, reason: '' };
    if (choice.mode === 'force') return { reason: `WAN port ${choice.port} has no address (${ports.length} port(s) on the page)` };
  }
  const connected = ports.find((p) => usable(p) && p.status === 'Connected');
  // As the original: a port with an address that is not "Connected" has still been usable.
  const fallback = [...ports].reverse().find(usable);
  const chosen = connected ?? fallback;
  return chosen ? { address: chosen.address, reason: '' } : { reason: 'no WAN port has an address' };
}

async function login(client: RouterHttpClient, options: HttpReadOptions): Promise<RouterReading | undefined> {
  const loginForm = options.device.access.login;
  if (!loginForm) return undefined;
  let form = new Map<string, string>();
  let base: readonly (readonly [string, string])[] = [];
  if (loginForm.formPage) {
    const reply = await client.fetch('GET', loginForm.formPage);
    if (reply.status >= 400) return { ok: false, reason: `GET ${loginForm.formPage} on ${options.endpoint.label} answered HTTP ${reply.status}; is this a ${options.device.model}?` };
    const parsed = await pageText(reply.body);
    form = new Map(parsed.inputs);
    if (loginForm.copyFormInputs) base = parsed.inputs;
    if (loginForm.onlyIfFormHas && !form.has(loginForm.onlyIfFormHas)) return undefined;
  }
  const send = async (leading: readonly (readonly [string, string])[]) => {
    const fields = encodeFields(loginForm.fields, options, form, [...leading, ...base]);
    return loginForm.method === 'GET'
      ? client.fetch('GET', `${loginForm.action}?${fields.toString()}`)
      : client.fetch('POST', loginForm.action, fields);
  };
  let reply = await send([]);
  if (loginForm.retryWithLeadingFields && (reply.status === 404 || /not found/i.test(reply.body))) {
    reply = await send(loginForm.retryWithLeadingFields);
  }
  if (reply.status === 401 || reply.status === 403) return { ok: false, reason: authFailure(options, `HTTP ${reply.status} to the login form`) };
  if (reply.status >= 400) return { ok: false, reason: `the login form ${loginForm.action} on ${options.endpoint.label} answered HTTP ${reply.status}; is this a ${options.device.model}?` };
  return undefined;
}

type PageResult = RouterReading | 'visited' | { readonly ok: false; readonly reason: string; readonly final: true };

async function readPage(client: RouterHttpClient, options: HttpReadOptions, page: PageRead): Promise<PageResult> {
  const { access } = options.device;
  const basic = access.auth === 'basic' || (access.auth === 'basic-if-password' && options.password);
  const basicUser = basic ? (options.user ?? page.user ?? options.device.defaultUser ?? '') : undefined;
  const form = page.post ? encodeFields(page.post, options, new Map()) : undefined;
  const method = form ? 'POST' : 'GET';
  const reply = await client.fetch(method, page.path, form, basicUser);
  if (reply.status === 401 || reply.status === 403) {
    return { ok: false, final: true, reason: options.password === undefined
      ? `the ${options.device.model} at ${options.endpoint.label} asks for a password (HTTP ${reply.status}) on ${page.path}; give it with the device option`
      : authFailure(options, `HTTP ${reply.status} on ${page.path}`) };
  }
  if (reply.status >= 300 && reply.status < 400) {
    return { ok: false, final: true, reason: `${page.path} on ${options.endpoint.label} redirected to ${reply.location ?? 'another page'} (HTTP ${reply.status}); the device did not accept the login: check the password` };
  }
  if (reply.status >= 400) return { ok: false, reason: `${method} ${page.path} on ${options.endpoint.label} answered HTTP ${reply.status}` };
  if (page.anchors.length === 0 && !page.parse) return 'visited';
  const text = await pageText(reply.body);
  if (page.parse === 'wan-ports') {
    const port = selectWanPort(text, options.wanPort ?? { mode: 'any' });
    return port.address
      ? { ok: true, address: port.address, where: `${page.path}, WAN port status` }
      : { ok: false, reason: `${page.path} on ${options.endpoint.label}: ${port.reason}` };
  }
  const search = addressAfterAnchors(text.text, page.anchors, reply.body);
  if (search.found) return { ok: true, address: search.address, where: `${page.path} after ${search.anchor}` };
  if (text.hasPasswordInput && access.auth !== 'none') {
    return { ok: false, final: true, reason: `${page.path} on ${options.endpoint.label} showed the login page again: the ${options.device.model} did not accept the password; check the device password given with ${options.device.flag}` };
  }
  return { ok: false, reason: `${page.path} on ${options.endpoint.label}: ${search.reason}` };
}

/** Reads the device's WAN address; never throws. */
export async function readHttpDevice(options: HttpReadOptions): Promise<RouterReading> {
  const client = new RouterHttpClient(options);
  const { access } = options.device;
  const misses: string[] = [];
  try {
    const refused = await login(client, options);
    if (refused) return refused;
    for (const page of access.pages) {
      const result = await readPage(client, options, page);
      if (result === 'visited') continue;
      if (result.ok) return result;
      // A refused password will not get better on the next page.
      if ('final' in result) return { ok: false, reason: result.reason };
      misses.push(result.reason);
    }
    return {
      ok: false,
      reason: `no WAN address found on the ${options.device.model} at ${options.endpoint.label} (${misses.join('; ')}); is ${options.device.flag} the right device option?`,
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (access.logout && client.replies > 0) await client.fetch('GET', access.logout, undefined, access.auth === 'basic' ? (options.user ?? options.device.defaultUser ?? '') : undefined).catch(() => undefined);
  }
}
