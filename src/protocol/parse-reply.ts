// Interprets a NIC v2 reply, host by host and line by line (reference §8, §17.3), fixing the
// original's bugs (§15): one line for several hosts applies to all, missing lines are failures,
// badauth is fatal with HTTP 200 as well as 401, unknown lines fail and are quoted. Pure.
import { parseAddress } from '../address.js';
import { printable } from '../address-ranges.js';
import type { Scope } from '../events.js';
import { accountLatchMessage, hostLatchMessage, isAccountCode, isHostCode } from './reply-codes.js';
import { parseRetryAfter, parseWaitCode, serverFailureWaitMs } from './wait-codes.js';

export interface ReplyInput {
  readonly status: number;
  readonly body: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly hosts: readonly string[];
  /** The addresses the request carried, to spot `good 127.0.0.1` answers to other addresses. */
  readonly sent: readonly string[];
  readonly username: string;
  readonly system: string;
  readonly now: number;
  /** Server failures (911, 5xx, 429) in a row before this reply: waits grow with them. */
  readonly serverFailures: number;
}

export type Outcome =
  | { kind: 'updated'; host: string; code: 'good' | 'nochg'; addresses: string[] }
  | { kind: 'latched'; scope: Scope; code: string; detail: string; message: string }
  | { kind: 'wait'; scope: Scope; code: string; until: number; message: string }
  | { kind: 'failed'; hosts: string[]; reason: string; transient: boolean };

const ACCOUNT: Scope = { account: true };

export function parseReply(input: ReplyInput): Outcome[] {
  const { status, body } = input;
  const firstToken = body.trim().split(/\s+/)[0] ?? '';
  if (status === 401 || (status === 200 && firstToken === 'badauth')) {
    return [latchAccount('badauth', input.username)];
  }
  if (status === 429) return [serverWait(input, 'HTTP 429 Too Many Requests', parseRetryAfter(input.headers['retry-after'], input.now))];
  if (status >= 500 || (status === 200 && firstToken === '911')) {
    const what = status >= 500 ? `HTTP ${status}${firstToken === '911' ? ' (911)' : ''}` : '911';
    return [serverWait(input, `${what}: a problem or maintenance on the server's side`, parseRetryAfter(input.headers['retry-after'], input.now))];
  }
  if (status === 404) {
    return [failAll(input, `the server answered 404 Not Found for /nic/update: check --server (it must be the base URL of a dyndns2 service)`, false)];
  }
  if (status >= 300 && status < 400) {
    const location = input.headers.location ? ` to ${printable(input.headers.location)}` : '';
    return [failAll(input, `the server redirected${location} (HTTP ${status}); ipcheck does not follow redirects with your password: point --server at the final address`, false)];
  }
  if (status !== 200) {
    return [failAll(input, `the server answered HTTP ${status} with ${describeBody(body)}: check --server and the account`, false)];
  }
  return parseLines(input);
}

function parseLines(input: ReplyInput): Outcome[] {
  const lines = input.body.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) return [failAll(input, 'the server sent an empty reply (HTTP 200 with no result line)', true)];

  const accountLine = lines.find((line) => isAccountCode(codeOf(line)));
  if (accountLine) {
    const code = codeOf(accountLine);
    // What the server wrote after the code goes into messages and ipcheck.err: never raw.
    const detail = code === 'badauth' ? input.username : code === 'badsys' ? input.system : printable(argumentOf(accountLine));
    return [latchAccount(code, detail)];
  }

  // One line for several hosts applies to all of them (the original crashed here).
  const perHost = lines.length === 1 ? input.hosts.map(() => lines[0] as string) : lines;
  const outcomes: Outcome[] = [];
  const missing: string[] = [];
  input.hosts.forEach((host, index) => {
    const line = perHost[index];
    if (line === undefined) missing.push(host);
    else outcomes.push(hostOutcome(input, host, line));
  });
  if (missing.length > 0) {
    outcomes.push({ kind: 'failed', hosts: missing, reason: `the server sent ${lines.length} result lines for ${input.hosts.length} hosts; no result for ${missing.join(', ')}`, transient: true });
  }
  return outcomes;
}

function hostOutcome(input: ReplyInput, host: string, line: string): Outcome {
  const code = codeOf(line);
  if (code === 'good' || code === 'nochg') {
    const addresses = argumentOf(line).split(',').map((a) => parseAddress(a)?.text).filter((a): a is string => Boolean(a));
    // Dyn's sign of an ignored request; without myip (-g, -o) only a loopback setup sees it.
    if (code === 'good' && addresses.includes('127.0.0.1') && input.sent.length > 0 && !input.sent.includes('127.0.0.1')) {
      return latchAccount('badagent', 'the server answered good 127.0.0.1, its sign that it ignored a request from a client it does not accept');
    }
    return { kind: 'updated', host, code, addresses };
  }
  if (isHostCode(code)) {
    return { kind: 'latched', scope: { host }, code, detail: printable(argumentOf(line)), message: hostLatchMessage(code, host) };
  }
  if (code === '911') return serverWait(input, '911: a problem or maintenance on the server\'s side', undefined);
  if (code === '!active') {
    return { kind: 'wait', scope: { host }, code, until: input.now + 3600_000, message: `${host}: the custom DNS zone is not active yet (!active); trying again in an hour` };
  }
  const wait = parseWaitCode(code, input.now, input.headers.date);
  if (wait) {
    const until = Math.min(wait.until, input.now + MAX_WAIT_MS);
    return { kind: 'wait', scope: { host }, code, until, message: `${host}: the server asked to wait (${code}) until ${new Date(until).toISOString()}` };
  }
  return { kind: 'failed', hosts: [host], reason: `${host}: the server answered an unknown result line "${printable(line)}"`, transient: false };
}

function codeOf(line: string): string {
  return line.split(/\s+/)[0] ?? '';
}

function argumentOf(line: string): string {
  return line.split(/\s+/).slice(1).join(' ');
}

function latchAccount(code: string, detail: string): Outcome {
  return { kind: 'latched', scope: ACCOUNT, code, detail, message: accountLatchMessage(code, detail) };
}

// No server-requested wait lasts longer than a day: a broken or hostile answer must not stop
// updates for good.
const MAX_WAIT_MS = 24 * 3600_000;

function serverWait(input: ReplyInput, what: string, retryAfter: number | undefined): Outcome {
  const backoff = input.now + serverFailureWaitMs(input.serverFailures);
  const asked = retryAfter !== undefined && retryAfter > input.now ? Math.max(retryAfter, input.now + 60_000) : backoff;
  const until = Math.min(asked, input.now + MAX_WAIT_MS);
  const minutes = Math.round((until - input.now) / 60_000);
  return { kind: 'wait', scope: ACCOUNT, code: 'server', until, message: `${what}; not asking again for ${minutes} minutes (until ${new Date(until).toISOString()})` };
}

function failAll(input: ReplyInput, reason: string, transient: boolean): Outcome {
  return { kind: 'failed', hosts: [...input.hosts], reason, transient };
}

function describeBody(body: string): string {
  const text = body.trim();
  if (text === '') return 'an empty body';
  if (/^<(!doctype|html)/i.test(text)) return 'an HTML page instead of a result code';
  return `"${printable(text.split(/\r?\n/)[0] ?? '')}"`;
}
