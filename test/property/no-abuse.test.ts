// Abuse safety (issues 2 and 7): long random histories of one-shot runs through the real
// pipeline (oneShot, a real Store re-opened from disk for every run, the legacy files), against
// a loopback update server whose every answer is drawn at random: every reply code, multi-host
// replies, waits, 5xx, 429, lost replies. Between runs the clock moves by seconds or weeks and
// jumps backwards or forwards, the snapshot is lost or the log torn, and the user deletes
// ipcheck.err or ipcheck.wait, runs `ipcheck clear`, touches ipcheck.dat back to ask for a refresh,
// or fixes the password. An independent model
// of what the server said checks every request as it arrives:
//   1. never a request for a latched host (or a latched account) until the user clears it;
//   2. never a request for a host during a wait the server asked for;
//   3. never the address the server already has for a host, within touch-days of its acceptance,
//      unless the run is forced (-f) or the acceptance never reached ipcheck (a lost reply);
//   4. never two requests for one host closer than --min-interval, whatever the first one was
//      answered (measured on the clock ipcheck sees: a clock that jumped backwards in between
//      cannot be told apart and is exempt; a user's action, such as `ipcheck clear`, lifts it).
// A failure prints fast-check's shrunk history; IPCHECK_ABUSE_SEED=<seed> replays a run.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { buildConfig } from '../../src/cli/build-config.js';
import { normalizeLegacyArgv } from '../../src/cli/legacy-argv.js';
import { parseOptions } from '../../src/cli/options.js';
import { clockScheduler } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import { runClear } from '../../src/commands/clear.js';
import { exitStatusFor } from '../../src/exit-status.js';
import { oneShot } from '../../src/pipeline.js';
import { type NicServer, type ScriptedReply, startNicServer } from '../../src/server/nic-server.js';
import { manualAddress } from '../../src/sources/manual-address.js';
import { DAT_FILE, ERR_FILE, WAIT_FILE } from '../../src/store/legacy-files.js';
import { EVENT_LOG_FILE, SNAPSHOT_FILE, Store } from '../../src/store/store.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse('2031-03-01T10:00:00Z');
const USER = 'alice';
const PASSWORDS = ['first-pw-4417', 'second-pw-9023'] as const;
const ALL_HOSTS = ['a.example.org', 'b.example.org', 'c.example.org'];
const PUBLIC = ['81.2.69.160', '81.2.69.161', '81.2.69.162'];
const NOT_USABLE = ['192.168.1.20', '100.64.3.4', '300.1.1.1'];
const HOST_CODES = ['notfqdn', 'nohost', '!yours', 'abuse', 'numhost', 'dnserr'] as const;
const ACCOUNT_CODES = ['badauth', 'badagent', 'badsys', '!donator'] as const;

// tmpfs where there is one: every event is fdatasync'ed, and durability is not what this tests.
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

// ---- What the server answers ----

/** One result line; `good`/`nochg` echo the address the request carried. */
type Line = 'good' | 'nochg' | (typeof HOST_CODES)[number] | '!active' | '911' | `w${number}${'h' | 'm' | 's'}` | `wu${string}` | 'unknown';

type Reply =
  | { kind: 'honest'; code: 'good' | 'nochg' }
  | { kind: 'lines'; lines: Line[] }
  | { kind: 'account'; code: (typeof ACCOUNT_CODES)[number]; status: 200 | 401 }
  | { kind: 'ignored' } // good 127.0.0.1: Dyn's sign that it ignored the request
  | { kind: 'server-error'; status: number; body: string }
  | { kind: 'too-many'; retryAfterSeconds?: number }
  | { kind: 'other'; status: number; body: string }
  /** The connection drops: before the server acted, or after it accepted the update. */
  | { kind: 'drop'; accepted: boolean };

const waitLine: fc.Arbitrary<Line> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom('h', 'm', 's')).map(([n, unit]) => `w${n}${unit}` as Line),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `wu${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}` as Line),
);

const line: fc.Arbitrary<Line> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Line>('good', 'nochg') },
  { weight: 3, arbitrary: fc.constantFrom<Line>(...HOST_CODES) },
  { weight: 2, arbitrary: waitLine },
  { weight: 1, arbitrary: fc.constantFrom<Line>('!active', '911', 'unknown') },
);

const reply: fc.Arbitrary<Reply> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<Reply>({ kind: 'honest', code: 'good' }, { kind: 'honest', code: 'nochg' }) },
  { weight: 6, arbitrary: fc.array(line, { minLength: 1, maxLength: 4 }).map((lines): Reply => ({ kind: 'lines', lines })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('account' as const), code: fc.constantFrom(...ACCOUNT_CODES), status: fc.constantFrom(200 as const, 401 as const) })
    .map((r): Reply => (r.code === 'badauth' ? r : { ...r, status: 200 })) },
  { weight: 1, arbitrary: fc.constant<Reply>({ kind: 'ignored' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('server-error' as const), status: fc.constantFrom(500, 502, 503, 200), body: fc.constantFrom('911', '', 'maintenance') })
    .map((r): Reply => (r.status === 200 ? { ...r, body: '911' } : r)) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('too-many' as const), retryAfterSeconds: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }) })
    .map((r): Reply => (r.retryAfterSeconds === undefined ? { kind: 'too-many' } : { kind: 'too-many', retryAfterSeconds: r.retryAfterSeconds })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('other' as const), status: fc.constantFrom(200, 302, 400, 404, 418), body: fc.constantFrom('', '<html>oops</html>', 'something else') }) },
  { weight: 2, arbitrary: fc.boolean().map((accepted): Reply => ({ kind: 'drop', accepted })) },
);

// ---- A history ----

type Step =
  /** `replies`: what the requests of the run are answered, in order (honest `good` after them);
   * `scripts`: the same answers as the NIC v2 server is scripted with them (second property). */
  | { kind: 'run'; address: string; force: boolean; replies: Reply[]; scripts?: ScriptedReply[] }
  | { kind: 'advance'; ms: number }
  /** The clock is set to another time: the runs see it, nothing else changes. */
  | { kind: 'jump'; ms: number }
  | { kind: 'restart'; how: 'snapshot-lost' | 'torn-log' }
  | { kind: 'user'; action: 'delete-err' | 'delete-wait' | 'clear-all' | 'new-password' | 'touch-dat-back' }
  | { kind: 'user'; action: 'clear-host'; host: number };

interface History {
  readonly hosts: string[];
  readonly minIntervalSeconds: number;
  readonly touchDays: number;
  readonly steps: Step[];
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({
    kind: fc.constant('run' as const),
    address: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PUBLIC) }, { weight: 1, arbitrary: fc.constantFrom(...NOT_USABLE) }),
    force: fc.boolean().chain((f) => (f ? fc.boolean() : fc.constant(false))), // forced a quarter of the time
    replies: fc.array(reply, { minLength: 1, maxLength: 2 }),
  }) },
  { weight: 8, arbitrary: fc.oneof(
    fc.integer({ min: 1, max: 120 }).map((s) => s * SECOND),
    fc.integer({ min: 1, max: 120 }).map((m) => m * MINUTE),
    fc.integer({ min: 1, max: 48 }).map((h) => h * HOUR),
    fc.integer({ min: 1, max: 30 }).map((d) => d * DAY),
  ).map((ms): Step => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -40, max: 40 }).map((d) => d * DAY), fc.integer({ min: -120, max: 120 }).map((m) => m * MINUTE))
    .filter((ms) => ms !== 0).map((ms): Step => ({ kind: 'jump', ms })) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ kind: 'restart', how: 'snapshot-lost' }, { kind: 'restart', how: 'torn-log' }) },
  { weight: 2, arbitrary: fc.oneof(
    fc.constantFrom<Step>({ kind: 'user', action: 'delete-err' }, { kind: 'user', action: 'delete-wait' }, { kind: 'user', action: 'clear-all' }, { kind: 'user', action: 'new-password' }, { kind: 'user', action: 'touch-dat-back' }),
    fc.integer({ min: 0, max: 2 }).map((host): Step => ({ kind: 'user', action: 'clear-host', host })),
  ) },
);

function historyOf(maxSteps: number): fc.Arbitrary<History> {
  return fc.record({
    hosts: fc.integer({ min: 1, max: 3 }).map((n) => ALL_HOSTS.slice(0, n)),
    minIntervalSeconds: fc.constantFrom(60, 60, 300, 3600),
    touchDays: fc.constantFrom(25, 25, 3, 0),
    steps: fc.array(step, { minLength: 10, maxLength: maxSteps, size: 'max' }),
  });
}

// ---- The model: what the server said, and what that forbids ----

interface Model {
  /** The address the server holds per host, when it accepted it, in which clock segment. */
  readonly serverHas: Map<string, { address: string; at: number; segment: number }>;
  /** The last request per host and what it was answered (for the report). */
  readonly lastRequest: Map<string, { at: number; segment: number; answer: string }>;
  /** Hosts whose acceptance never reached ipcheck (the reply was lost), or whose refresh the user asked
   * for (ipcheck.dat touched back): resending the address is fair until it is accepted. */
  readonly uncertain: Set<string>;
  readonly latched: Set<string>;
  accountLatch: string | undefined;
  /** Lower bounds of the waits the server asked for; '*' is the account. */
  readonly waits: Map<string, number>;
  /** Increases when the clock jumps backwards: intervals across it cannot be judged. */
  segment: number;
  readonly violations: string[];
}

interface SeenRequest {
  readonly hosts: string[];
  readonly myip: string | null;
  readonly at: number;
  readonly forced: boolean;
}

function newModel(): Model {
  return { serverHas: new Map(), lastRequest: new Map(), uncertain: new Set(), latched: new Set(), accountLatch: undefined, waits: new Map(), segment: 0, violations: [] };
}

/** Checks a request against everything the server said before it. */
function checkRequest(model: Model, history: History, request: SeenRequest): void {
  const say = (text: string) => model.violations.push(`at ${new Date(request.at).toISOString()}: ${text}`);
  if (model.accountLatch) say(`a request for ${request.hosts.join(',')} while the account is latched (${model.accountLatch})`);
  for (const host of request.hosts) {
    if (model.latched.has(host)) say(`a request for the latched host ${host}`);
    for (const scope of [host, '*']) {
      const until = model.waits.get(scope);
      if (until !== undefined && request.at < until) say(`a request for ${host} during a wait (${scope === '*' ? 'account' : 'host'}) until ${new Date(until).toISOString()}`);
    }
    const last = model.lastRequest.get(host);
    const minInterval = history.minIntervalSeconds * SECOND;
    if (last && last.segment === model.segment && request.at - last.at < minInterval) {
      say(`two requests for ${host} ${(request.at - last.at) / SECOND} s apart (--min-interval ${history.minIntervalSeconds}; the first was answered ${last.answer}; this one ${request.forced ? 'forced' : 'not forced'})`);
    }
    const has = model.serverHas.get(host);
    const fresh = has && has.segment === model.segment && (history.touchDays === 0 || request.at - has.at <= history.touchDays * DAY);
    if (has && request.myip === has.address && fresh && !request.forced && !model.uncertain.has(host)) {
      say(`${host} was sent ${has.address} again ${((request.at - has.at) / DAY).toFixed(2)} days after the server accepted it (touch days ${history.touchDays}), not forced`);
    }
  }
}

function waitUntil(code: string, at: number): number | undefined {
  const relative = /^w(\d+)([hms])$/.exec(code);
  if (relative) {
    const unit = relative[2] === 'h' ? HOUR : relative[2] === 'm' ? MINUTE : SECOND;
    return at + Math.min(Number(relative[1]) * unit, DAY);
  }
  const absolute = /^wu(\d\d)(\d\d)$/.exec(code);
  if (absolute) {
    const serverNow = Date.parse(new Date(at).toUTCString()); // the Date header has whole seconds
    const target = new Date(serverNow);
    target.setUTCHours(Number(absolute[1]), Number(absolute[2]), 0, 0);
    let wait = target.getTime() - serverNow;
    if (wait <= 0) wait += DAY;
    return at + Math.min(wait, DAY);
  }
  return undefined;
}

function addWait(model: Model, scope: string, until: number): void {
  model.waits.set(scope, Math.max(model.waits.get(scope) ?? 0, until));
}

/** The least the account waits after a server failure: 30 minutes (the backoff only grows). */
const SERVER_FAILURE_WAIT = 30 * MINUTE;

/** What a reply tells the model (the protocol as the README states it, not as the code does it). */
function applyReply(model: Model, request: SeenRequest, answer: Reply): void {
  const accept = (host: string) => {
    if (request.myip) model.serverHas.set(host, { address: request.myip, at: request.at, segment: model.segment });
    model.uncertain.delete(host);
  };
  switch (answer.kind) {
    case 'honest':
      request.hosts.forEach(accept);
      return;
    case 'account':
      model.accountLatch = answer.code;
      return;
    case 'ignored':
      model.accountLatch = 'badagent';
      return;
    case 'server-error':
      addWait(model, '*', request.at + SERVER_FAILURE_WAIT);
      return;
    case 'too-many':
      addWait(model, '*', request.at + (answer.retryAfterSeconds === undefined || answer.retryAfterSeconds === 0
        ? SERVER_FAILURE_WAIT
        : Math.min(Math.max(answer.retryAfterSeconds * SECOND, MINUTE), DAY)));
      return;
    case 'other':
      return;
    case 'drop':
      if (answer.accepted) {
        request.hosts.forEach(accept);
        request.hosts.forEach((h) => model.uncertain.add(h));
      }
      return;
    case 'lines': {
      // A reply that starts with 911 is a server failure as a whole.
      if (answer.lines[0] === '911') return void addWait(model, '*', request.at + SERVER_FAILURE_WAIT);
      const perHost = answer.lines.length === 1 ? request.hosts.map(() => answer.lines[0] as Line) : answer.lines;
      request.hosts.forEach((host, index) => {
        const code = perHost[index];
        if (code === undefined || code === 'unknown') return;
        if (code === 'good' || code === 'nochg') return accept(host);
        if ((HOST_CODES as readonly string[]).includes(code)) return void model.latched.add(host);
        if (code === '911') return addWait(model, '*', request.at + SERVER_FAILURE_WAIT);
        if (code === '!active') return addWait(model, host, request.at + HOUR);
        const until = waitUntil(code, request.at);
        if (until !== undefined) addWait(model, host, until);
      });
      return;
    }
  }
}

// ---- Backend 1: a loopback server that answers every request from the history ----

interface Run {
  readonly model: Model;
  readonly history: History;
  readonly now: () => number;
  readonly forced: boolean;
  readonly replies: Reply[];
  readonly scripts: readonly ScriptedReply[];
}

const stats = { histories: 0, runs: 0, requests: 0, forced: 0, latches: 0, waits: 0, jumps: 0, userActions: 0 };

/** Checks a request, then lets the model take in the answer it gets. */
function seen(run: Run, request: SeenRequest, answer: Reply): void {
  stats.requests++;
  if (request.forced) stats.forced++;
  checkRequest(run.model, run.history, request);
  const before = { latches: run.model.latched.size + (run.model.accountLatch ? 1 : 0), waits: run.model.waits.size };
  applyReply(run.model, request, answer);
  if (run.model.latched.size + (run.model.accountLatch ? 1 : 0) > before.latches) stats.latches++;
  if (run.model.waits.size > before.waits || answer.kind === 'server-error' || answer.kind === 'too-many') stats.waits++;
  for (const host of request.hosts) run.model.lastRequest.set(host, { at: request.at, segment: run.model.segment, answer: JSON.stringify(answer) });
}

function respond(req: IncomingMessage, res: ServerResponse, run: Run | undefined): void {
  const url = new URL(req.url ?? '/', 'http://loopback');
  if (!run || url.pathname !== '/nic/update') {
    res.writeHead(404).end('not found');
    return;
  }
  const at = run.now();
  const request: SeenRequest = { hosts: (url.searchParams.get('hostname') ?? '').split(','), myip: url.searchParams.get('myip'), at, forced: run.forced };
  const answer = run.replies.shift() ?? { kind: 'honest', code: 'good' };
  seen(run, request, answer);
  // The server's clock is the one ipcheck sees (wuHHMM is computed from the Date header).
  const date = new Date(at).toUTCString();
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain', date, ...headers }).end(body);
  };
  const echo = (code: string) => `${code} ${request.myip ?? ''}`.trim();
  switch (answer.kind) {
    case 'honest':
      return send(200, request.hosts.map(() => echo(answer.code)).join('\n'));
    case 'lines':
      return send(200, answer.lines.map((l) => (l === 'good' || l === 'nochg' ? echo(l) : l === 'unknown' ? 'hello world' : l)).join('\n'));
    case 'account':
      return send(answer.status, answer.code);
    case 'ignored':
      return send(200, 'good 127.0.0.1');
    case 'server-error':
      return send(answer.status, answer.body);
    case 'too-many':
      return send(429, 'slow down', answer.retryAfterSeconds === undefined ? {} : { 'retry-after': String(answer.retryAfterSeconds) });
    case 'other':
      return send(answer.status, answer.body, answer.status === 302 ? { location: 'https://elsewhere.example/' } : {});
    case 'drop':
      return void req.socket.destroy();
  }
}

/** Where the runs of a history send their requests, and how the model learns what they got. */
interface Backend {
  readonly url: string;
  /** Before a run: the answers its requests get. */
  begin(run: Run): void;
  /** After a run: requests seen after the fact are checked now. */
  end(run: Run): void;
  /** What DNS says for a host (the first run resolves the hosts, as --makedat does). */
  resolve(host: string, model: Model): string | null;
  /** Extra settings for the run (a short timeout where replies are delayed). */
  adjust(config: Config): Config;
}

async function answeringServer(): Promise<Backend & { close(): Promise<void> }> {
  let current: Run | undefined;
  const server: Server = createServer((req, res) => respond(req, res, current));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    begin: (run) => { current = run; },
    end: () => { current = undefined; },
    // DNS answers what the server holds, as a provider's DNS would.
    resolve: (host, model) => model.serverHas.get(host)?.address ?? null,
    adjust: (config) => config,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- Backend 2: the loopback NIC v2 server of `ipcheck demo`, honest unless scripted ----

/** A reply the NIC server can be scripted with, and what it means to the model. */
const scriptable: fc.Arbitrary<{ scripted: ScriptedReply; means: Reply }> = fc.oneof(
  fc.constantFrom(...HOST_CODES).map((code) => ({ scripted: { body: code }, means: { kind: 'lines', lines: [code] } as Reply })),
  fc.constantFrom(...ACCOUNT_CODES).map((code) => ({ scripted: { status: code === 'badauth' ? 401 : 200, body: code }, means: { kind: 'account', code, status: 200 } as Reply })),
  fc.constant({ scripted: { body: 'good 127.0.0.1' }, means: { kind: 'ignored' } as Reply }),
  fc.constantFrom(500, 503).map((status) => ({ scripted: { status, body: '911' }, means: { kind: 'server-error', status, body: '911' } as Reply })),
  fc.integer({ min: 1, max: 7200 }).map((seconds) => ({ scripted: { status: 429, body: 'slow down', headers: { 'Retry-After': String(seconds) } }, means: { kind: 'too-many', retryAfterSeconds: seconds } as Reply })),
  fc.constantFrom('w30s', 'w5m', 'w2h', '!active').map((code) => ({ scripted: { body: code }, means: { kind: 'lines', lines: [code as Line] } as Reply })),
  fc.constantFrom({ status: 404, body: 'not here' }, { status: 200, body: '' }, { status: 200, body: 'what?' }).map((r) => ({ scripted: r, means: { kind: 'other', ...r } as Reply })),
  // Answered after the client gave up: a timeout; the scripted answer changes nothing on the server.
  fc.constant({ scripted: { body: 'good 81.2.69.160', delayMs: 400 }, means: { kind: 'drop', accepted: false } as Reply }),
);

async function nicBackend(now: () => number): Promise<Backend & { close(): Promise<void> }> {
  const nic: NicServer = await startNicServer({ accounts: [{ username: USER, password: PASSWORDS[0], hosts: ALL_HOSTS }], now });
  // The scripted answers not used yet, in order: a run may leave some to the next one.
  const queue: Reply[] = [];
  let checked = 0;
  return {
    url: nic.url,
    begin(run) {
      for (const reply of run.replies) queue.push(reply);
      nic.script(...run.scripts);
    },
    end(run) {
      for (const recorded of nic.updates().slice(checked)) {
        checked++;
        const request: SeenRequest = { hosts: (recorded.query.get('hostname') ?? '').split(','), myip: recorded.query.get('myip'), at: recorded.at, forced: run.forced };
        seen(run, request, queue.shift() ?? { kind: 'honest', code: 'good' });
      }
    },
    resolve: (host) => nic.addressOf(host)?.ipv4 ?? null,
    adjust: (config) => ({ ...config, totalTimeoutMs: 200 }),
    close: () => nic.close(),
  };
}

// ---- Running a history ----

/** `ipcheck clear` prints a line; the test output is not the place for thousands of them. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

/** What `ipcheck` does in one run (src/commands/run-once.ts), with the clock and DNS given. */
async function runOnce(config: Config, now: () => number, resolveHost: (host: string) => Promise<string | null>): Promise<void> {
  const store = await Store.open({ directory: config.directory, now, lockWaitMs: 0 });
  try {
    store.record({ type: 'RunStarted', mode: 'once', version: 'test', hosts: config.hosts, pid: process.pid });
    const events = await lastValueFrom(oneShot(config, store, {
      now,
      scheduler: clockScheduler(now),
      resolveHost,
      sources: [manualAddress(config.sources[0]?.kind === 'manual' ? config.sources[0].address : '')],
      warn: () => undefined,
    }).pipe(toArray()));
    store.record({ type: 'RunFinished', status: exitStatusFor(events) });
  } finally {
    await store.close();
  }
}

function configFor(directory: string, history: History, password: string, address: string, force: boolean, server: string): Config {
  const args = ['--server', server, '-d', directory, '-a', address, '--min-interval', String(history.minIntervalSeconds), '--touch-days', String(history.touchDays)];
  if (force) args.push('-f');
  const normalized = normalizeLegacyArgv([...args, USER, password, history.hosts.join(',')]);
  return buildConfig(parseOptions(normalized.argv), normalized.devices);
}

async function play(history: History, backend: Backend, clock: { now: number }): Promise<Model> {
  stats.histories++;
  const directory = mkdtempSync(join(SCRATCH, 'ipcheck-abuse-'));
  const model = newModel();
  const now = () => clock.now;
  let password: string = PASSWORDS[0];
  const resolveHost = async (host: string) => backend.resolve(host, model);
  try {
    for (const s of history.steps) {
      switch (s.kind) {
        case 'run': {
          const run: Run = { model, history, now, forced: s.force, replies: [...s.replies], scripts: s.scripts ?? [] };
          stats.runs++;
          backend.begin(run);
          try {
            await runOnce(backend.adjust(configFor(directory, history, password, s.address, s.force, backend.url)), now, resolveHost);
          } finally {
            backend.end(run);
          }
          break;
        }
        case 'advance':
          clock.now += s.ms;
          break;
        case 'jump':
          stats.jumps++;
          if (s.ms < 0) {
            // Waits that were over before the clock went back were kept: they do not come back.
            for (const [scope, until] of model.waits) if (until <= clock.now) model.waits.delete(scope);
            model.segment++;
          }
          clock.now += s.ms;
          break;
        case 'restart':
          if (s.how === 'snapshot-lost') rmSync(join(directory, SNAPSHOT_FILE), { force: true });
          else if (existsSync(join(directory, EVENT_LOG_FILE))) appendFileSync(join(directory, EVENT_LOG_FILE), '{"seq":999999,"at":1,"type":"HostUpd');
          break;
        case 'user':
          stats.userActions++;
          // A user's action lifts the holds it covers (the model lifts them all: it cannot be stricter than that).
          switch (s.action) {
            case 'delete-err':
              rmSync(join(directory, ERR_FILE), { force: true });
              model.latched.clear();
              model.accountLatch = undefined;
              model.lastRequest.clear();
              break;
            case 'delete-wait':
              rmSync(join(directory, WAIT_FILE), { force: true });
              model.waits.clear();
              model.lastRequest.clear();
              break;
            case 'clear-all':
              await quietly(() => runClear(directory, undefined));
              model.latched.clear();
              model.accountLatch = undefined;
              model.lastRequest.clear();
              break;
            case 'clear-host': {
              const host = history.hosts[s.host % history.hosts.length] as string;
              // Refused (ConfigError) when the host is not latched: that is fine.
              await quietly(() => runClear(directory, host)).catch((error: Error) => assert.match(error.message, /not stopped/));
              if (model.latched.delete(host)) model.lastRequest.delete(host);
              break;
            }
            case 'touch-dat-back': {
              // The README's way to ask for a refresh: ipcheck.dat 26 days old.
              const dat = join(directory, DAT_FILE);
              if (existsSync(dat)) {
                const old = (clock.now - 26 * DAY) / 1000;
                utimesSync(dat, old, old);
                history.hosts.forEach((h) => model.uncertain.add(h));
                model.lastRequest.clear();
              }
              break;
            }
            case 'new-password':
              password = password === PASSWORDS[0] ? PASSWORDS[1] : PASSWORDS[0];
              // New credentials lift a badauth latch by themselves.
              if (model.accountLatch === 'badauth') {
                model.accountLatch = undefined;
                model.lastRequest.clear();
              }
              break;
          }
          break;
      }
    }
    return model;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** fast-check's report (seed, shrunk counterexample) with the failure inside it. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `\n${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

async function assertProperty(t: TestContext, name: string, property: fc.IAsyncProperty<[History]>, numRuns: number, timeLimitMs: number): Promise<void> {
  const started = Date.now();
  const before = { ...stats };
  try {
    // The time limit is a safety net for a slow machine (or a long shrink), not the budget: numRuns is.
    const seed = process.env.IPCHECK_ABUSE_SEED;
    await fc.assert(property, { numRuns, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false, ...(seed ? { seed: Number(seed) } : {}) });
  } catch (error) {
    assert.fail(describeFailure(error));
  } finally {
    const d = (key: keyof typeof stats) => stats[key] - before[key];
    t.diagnostic(`${name}: ${d('histories')} histories, ${d('runs')} one-shot runs, ${d('requests')} requests (${d('forced')} forced), ` +
      `${d('latches')} latching and ${d('waits')} waiting answers, ${d('jumps')} clock jumps, ${d('userActions')} user actions, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

describe('no abuse over long random histories (one-shot runs through the real pipeline and store)', () => {
  test('a server answering anything: never latched, never waiting, never the same address within touch days, never under --min-interval', async (t) => {
    const backend = await answeringServer();
    try {
      await assertProperty(t, 'answering server', fc.asyncProperty(historyOf(60), async (history) => {
        const model = await play(history, backend, { now: START });
        assert.deepEqual(model.violations, []);
      }), Number(process.env.IPCHECK_ABUSE_RUNS ?? 200), 120_000);
    } finally {
      await backend.close();
    }
  });

  test('the loopback NIC v2 server (honest, or scripted with every code, timeouts), clock and scheduler injected', async (t) => {
    const clock = { now: START };
    const backend = await nicBackend(() => clock.now);
    const scriptedStep: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.record({
        kind: fc.constant('run' as const),
        address: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PUBLIC) }, { weight: 1, arbitrary: fc.constantFrom(...NOT_USABLE) }),
        force: fc.boolean().chain((f) => (f ? fc.boolean() : fc.constant(false))),
        scripted: fc.array(scriptable, { maxLength: 1 }),
      }).map((r): Step => ({ kind: 'run', address: r.address, force: r.force, replies: r.scripted.map((x) => x.means), scripts: r.scripted.map((x) => x.scripted) })) },
      // The NIC server knows one password: a new one would be answered badauth, honestly.
      { weight: 2, arbitrary: step.filter((s) => s.kind !== 'run' && !(s.kind === 'user' && s.action === 'new-password')) },
    );
    const history = fc.record({
      hosts: fc.integer({ min: 1, max: 3 }).map((n) => ALL_HOSTS.slice(0, n)),
      minIntervalSeconds: fc.constantFrom(60, 300),
      touchDays: fc.constantFrom(25, 3),
      steps: fc.array(scriptedStep, { minLength: 10, maxLength: 40, size: 'max' }),
    });
    try {
      await assertProperty(t, 'NIC v2 server', fc.asyncProperty(history, async (h) => {
        clock.now = START;
        const model = await play(h, backend, clock);
        assert.deepEqual(model.violations, []);
      }), Number(process.env.IPCHECK_ABUSE_NIC_RUNS ?? 30), 60_000);
    } finally {
      await backend.close();
    }
  });
});

describe('no abuse: the cases the histories found (regressions)', () => {
  test('an account latch from the first request of a run stops the second one (two decisions in one run)', async () => {
    const clock = { now: START };
    const backend = await answeringServer();
    try {
      const history: History = { hosts: ['a.example.org', 'b.example.org'], minIntervalSeconds: 60, touchDays: 25, steps: [
        // a is accepted, b's line is missing: a has a record, b none.
        { kind: 'run', address: PUBLIC[0] as string, force: false, replies: [{ kind: 'lines', lines: ['good', 'unknown'] }] },
        { kind: 'advance', ms: 26 * DAY },
        // a is due for a refresh, b is unknown: two decisions, two requests; the first is answered badauth.
        { kind: 'run', address: PUBLIC[0] as string, force: false, replies: [{ kind: 'account', code: 'badauth', status: 401 }] },
      ] };
      const requestsBefore = stats.requests;
      const model = await play(history, backend, clock);
      assert.deepEqual(model.violations, []);
      assert.equal(stats.requests - requestsBefore, 2, 'the first run, then one request only');
    } finally {
      await backend.close();
    }
  });

  test('-f right after a failed request waits for --min-interval, and so does a short wait; the user clearing a latch lifts it', async () => {
    const clock = { now: START };
    const backend = await answeringServer();
    try {
      const run = (force: boolean, replies: Reply[] = []): Step => ({ kind: 'run', address: PUBLIC[0] as string, force, replies });
      const history: History = { hosts: ['a.example.org'], minIntervalSeconds: 300, touchDays: 25, steps: [
        run(false, [{ kind: 'drop', accepted: false }]), // 1: fails
        { kind: 'advance', ms: 10 * SECOND },
        run(true), // held: 10 s after the failed request
        { kind: 'advance', ms: 100 * SECOND },
        run(false), // held: the retry backoff (about a minute) is over, --min-interval (5 minutes) is not
        { kind: 'advance', ms: 200 * SECOND },
        run(false, [{ kind: 'lines', lines: ['w10s'] }]), // 2: answered with a short wait
        { kind: 'advance', ms: 20 * SECOND },
        run(true), // held: the wait is over, --min-interval is not
        { kind: 'advance', ms: 300 * SECOND },
        run(true, [{ kind: 'lines', lines: ['nohost'] }]), // 3: latched
        { kind: 'user', action: 'clear-all' },
        run(true), // 4: the user's action lifts the hold at once
      ] };
      const requestsBefore = stats.requests;
      const model = await play(history, backend, clock);
      assert.deepEqual(model.violations, []);
      assert.equal(stats.requests - requestsBefore, 4);
    } finally {
      await backend.close();
    }
  });

  test('more than 20 hosts: an account latch or wait from the first batch stops the next batches', async () => {
    const hosts = Array.from({ length: 25 }, (_, i) => `h${i}.example.org`);
    for (const reply of [{ status: 401, body: 'badauth' }, { status: 503, body: '' }, { status: 200, body: 'good 127.0.0.1' }, { status: 429, body: '', headers: { 'Retry-After': '600' } }]) {
      const nic = await startNicServer({ accounts: [{ username: USER, password: PASSWORDS[0], hosts }] });
      const directory = mkdtempSync(join(SCRATCH, 'ipcheck-batches-'));
      try {
        nic.script(reply);
        const config = configFor(directory, { hosts, minIntervalSeconds: 60, touchDays: 25, steps: [] }, PASSWORDS[0], PUBLIC[0] as string, false, nic.url);
        await runOnce(config, () => START, async () => null);
        assert.equal(nic.updates().length, 1, `after ${reply.status} ${reply.body}`);
      } finally {
        await nic.close();
        rmSync(directory, { recursive: true, force: true });
      }
    }
  });
});
