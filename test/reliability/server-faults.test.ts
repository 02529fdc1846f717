// The update server misbehaves in every way we could think of, and the built CLI (as cron runs
// it) must end within its time bound with a clear message, put the right gate in place (retry:
// exit 4 and a later run sends again; wait: ipcheck.wait and exit 3; latch: ipcheck.err and
// exit 2) and keep its memory bounded. Every server is a fault-injecting loopback listener
// (test/support/fault-server.ts); a name that does not resolve is looked up inside a network
// namespace that has nothing but its loopback, so no query can leave the machine.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDnsServer, type DnsServer } from '../../src/server/dns-server.js';
import { closedPort, type Fault, type FaultServer, startFaultServer } from '../support/fault-server.js';
import { createLoopbackNamespace } from '../support/loopback-namespace.js';
import { namespaceUnavailableReason } from '../support/network-namespace.js';
import { memoryMeasurable, runTimed, type TimedResult } from '../support/timed-cli.js';
import { assertNoSecret, PASSWORD, USER } from '../support/world.js';

const HOST = 'a.example.org';
const ADDRESS = '81.2.69.160';
/** --timeout for every run: the total time one request may take. */
const TIMEOUT_S = 2;
/** Start-up, the first DNS lookup and a loaded 2-core machine, on top of the timeout. */
const SLACK_MS = 4000;
/** Past the retry backoff after one failure (60–75 s) and --min-interval (60 s), inside every wait. */
const NEXT_RUN_MS = 90_000;

type Gate = 'retry' | 'wait' | 'latch';

let dns: DnsServer;
before(async () => { dns = await startDnsServer(() => undefined); });
after(async () => { await dns.close(); });

function run(server: string, dir: string, options: { env?: NodeJS.ProcessEnv; measureMemory?: boolean; timeoutS?: number } = {}): Promise<TimedResult> {
  return runTimed(
    ['--server', server, '--dns-server', dns.address, '-d', dir, '--timeout', String(options.timeoutS ?? TIMEOUT_S), '-a', ADDRESS, USER, PASSWORD, HOST],
    { ...(options.env ? { env: options.env } : {}), measureMemory: options.measureMemory ?? false },
  );
}

function later(ms: number): NodeJS.ProcessEnv {
  return { IPCHECK_NOW: new Date(Date.now() + ms).toISOString() };
}

function output(result: TimedResult): string {
  return `${result.stdout}${result.stderr}`;
}

/** The gate the first run put in place: its exit status and its file. */
function assertFirstGate(gate: Gate, first: TimedResult, dir: string): void {
  const expected = { retry: 4, wait: 3, latch: 2 }[gate];
  assert.equal(first.status, expected, output(first));
  assert.equal(existsSync(join(dir, 'ipcheck.wait')), gate === 'wait', 'ipcheck.wait exactly for a wait');
  assert.equal(existsSync(join(dir, 'ipcheck.err')), gate === 'latch', 'ipcheck.err exactly for a latch');
}

/**
 * The gate the first run put in place, and what the next run (90 s later) does with it.
 * `arrivals()` counts what reached the server, so "the next run tries again" is seen there.
 */
async function assertGate(gate: Gate, first: TimedResult, dir: string, server: string, arrivals: () => number): Promise<void> {
  const err = join(dir, 'ipcheck.err');
  const wait = join(dir, 'ipcheck.wait');
  assertFirstGate(gate, first, dir);
  const before = arrivals();
  const next = await run(server, dir, { env: later(NEXT_RUN_MS) });
  assertNoSecret(next, dir);
  switch (gate) {
    case 'retry':
      assert.equal(first.status, 4, output(first));
      assert.equal(existsSync(wait), false, 'no ipcheck.wait for a failure');
      assert.equal(existsSync(err), false, 'no ipcheck.err for a failure');
      assert.equal(next.status, 4, output(next));
      assert.equal(arrivals(), before + 1, `the next run tries again:\n${output(next)}`);
      break;
    case 'wait':
      assert.equal(first.status, 3, output(first));
      assert.match(readFileSync(wait, 'utf8'), /^u \d+\n\d+\.\d{3}\n$/);
      assert.equal(next.status, 3, output(next));
      assert.equal(arrivals(), before, 'nothing is sent during the wait');
      break;
    case 'latch':
      assert.equal(first.status, 2, output(first));
      assert.ok(existsSync(err), 'ipcheck.err is written');
      assert.equal(next.status, 2, output(next));
      assert.equal(arrivals(), before, 'nothing is sent while latched');
      break;
  }
}

interface FaultRow {
  readonly name: string;
  readonly fault: Fault;
  readonly gate: Gate;
  readonly message: RegExp;
  /** The server never finishes: the run is ended by --timeout (so it lasts at least that long). */
  readonly endsByTimeout?: boolean;
  readonly scheme?: 'https';
}

const faults: FaultRow[] = [
  { name: 'no answer at all (accepts, never replies)', fault: { kind: 'silent' }, gate: 'retry', message: /did not answer within 2 s/, endsByTimeout: true },
  { name: 'a TLS handshake that never completes', fault: { kind: 'silent' }, gate: 'retry', message: /did not complete a connection \(TCP and TLS handshake\) within 2 s/, endsByTimeout: true, scheme: 'https' },
  { name: 'an answer that stalls in the middle of the body', fault: { kind: 'stall', sent: 'go', length: 20 }, gate: 'retry', message: /did not answer within 2 s/, endsByTimeout: true },
  { name: 'a body that trickles one byte every 300 ms (the timeout is total, not per read)', fault: { kind: 'trickle', everyMs: 300 }, gate: 'retry', message: /did not answer within 2 s/, endsByTimeout: true },
  { name: 'a connection reset (RST) after the request', fault: { kind: 'reset' }, gate: 'retry', message: /closed the connection before answering/ },
  { name: 'a connection closed without an answer', fault: { kind: 'hang-up' }, gate: 'retry', message: /closed the connection before answering/ },
  { name: 'a body of invalid UTF-8', fault: { kind: 'reply', status: 200, body: Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x80]) }, gate: 'retry', message: /unknown result line/ },
  { name: 'an HTML page instead of a result code', fault: { kind: 'reply', status: 200, body: '<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n' }, gate: 'retry', message: /unknown result line "<!DOCTYPE html>"/ },
  { name: 'an empty body', fault: { kind: 'reply', status: 200, body: '' }, gate: 'retry', message: /empty reply/ },
  { name: '429 without Retry-After (waits 30 minutes)', fault: { kind: 'reply', status: 429, body: 'slow down' }, gate: 'wait', message: /HTTP 429 Too Many Requests; not asking again for 30 minutes/ },
  { name: '429 with Retry-After: 120 (waits 2 minutes)', fault: { kind: 'reply', status: 429, headers: { 'Retry-After': '120' }, body: 'slow down' }, gate: 'wait', message: /HTTP 429 Too Many Requests; not asking again for 2 minutes/ },
  { name: '429 with a Retry-After date 10 minutes ahead', fault: { kind: 'reply', status: 429, headers: { 'Retry-After': new Date(Date.now() + 600_000).toUTCString() }, body: '' }, gate: 'wait', message: /not asking again for 1[01] minutes/ },
  { name: '429 with Retry-After: a year (capped at a day)', fault: { kind: 'reply', status: 429, headers: { 'Retry-After': String(365 * 86_400) }, body: '' }, gate: 'wait', message: /not asking again for 1440 minutes/ },
  { name: '503 with Retry-After: 300', fault: { kind: 'reply', status: 503, headers: { 'Retry-After': '300' }, body: 'maintenance' }, gate: 'wait', message: /HTTP 503.*not asking again for 5 minutes/ },
];

describe('faults of the update server and the network: bounded, clear, the right gate', { concurrency: 3 }, () => {
  for (const row of faults) {
    test(row.name, async () => {
      const server = await startFaultServer(row.fault);
      const dir = mkdtempSync(join(tmpdir(), 'ipcheck-fault-'));
      const url = row.scheme === 'https' ? `https://127.0.0.1:${server.port}` : server.url;
      try {
        const first = await run(url, dir);
        assertNoSecret(first, dir);
        assert.match(first.stderr, row.message, output(first));
        assert.ok(first.elapsedMs < TIMEOUT_S * 1000 + SLACK_MS, `the run took ${Math.round(first.elapsedMs)} ms`);
        if (row.endsByTimeout) assert.ok(first.elapsedMs >= TIMEOUT_S * 1000 - 50, `ended by the timeout, after ${Math.round(first.elapsedMs)} ms`);
        assert.equal(server.contacts(), 1, 'one attempt, no retry within the run');
        await assertGate(row.gate, first, dir, url, () => server.contacts());
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await server.close();
      }
    });
  }

  test('a refused connection (nothing listens on the port)', async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'ipcheck-fault-'));
    try {
      const first = await run(`http://127.0.0.1:${port}`, dir);
      assert.match(first.stderr, /127\.0\.0\.1:\d+ refused the connection \(nothing listens there\): check the address and port \(the next run tries again\)/);
      assert.ok(first.elapsedMs < TIMEOUT_S * 1000 + SLACK_MS);
      // Nothing can count arrivals at a closed port: the next run's own report shows it tried.
      const next = await run(`http://127.0.0.1:${port}`, dir, { env: later(NEXT_RUN_MS) });
      assert.equal(first.status, 4);
      assert.equal(next.status, 4);
      assert.match(next.stderr, /refused the connection/, 'the next run tries again');
      const soon = await run(`http://127.0.0.1:${port}`, dir, { env: later(NEXT_RUN_MS + 5000) });
      assert.equal(soon.status, 4, 'within the backoff the update is still failed, not "up to date"');
      assert.match(soon.stdout, /retrying at \S+ after 2 failed attempts/);
      assert.doesNotMatch(output(soon), /already has the current address/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--timeout is honoured (default 30 s): 1 s and 3 s against a server that never answers', async () => {
    const server = await startFaultServer({ kind: 'silent' });
    try {
      for (const seconds of [1, 3]) {
        const dir = mkdtempSync(join(tmpdir(), 'ipcheck-fault-'));
        try {
          const result = await run(server.url, dir, { timeoutS: seconds });
          assert.equal(result.status, 4);
          assert.match(result.stderr, new RegExp(`did not answer within ${seconds} s`));
          assert.ok(result.elapsedMs >= seconds * 1000 - 50 && result.elapsedMs < seconds * 1000 + SLACK_MS, `--timeout ${seconds}: ${Math.round(result.elapsedMs)} ms`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    } finally {
      await server.close();
    }
  });

  test('a 10 MB body and an endless one are refused as too large, without buffering them', async (t) => {
    const good = await startFaultServer({ kind: 'reply', status: 200, body: `good ${ADDRESS}\n` });
    const huge = await startFaultServer({ kind: 'huge', bytes: 10 * 1024 * 1024 });
    const endless = await startFaultServer({ kind: 'endless' });
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'ipcheck-fault-')));
    try {
      const baseline = await run(good.url, dirs[0] as string, { measureMemory: true });
      assert.equal(baseline.status, 0, output(baseline));
      for (const [server, dir] of [[huge, dirs[1]], [endless, dirs[2]]] as const) {
        const result = await run(server.url, dir as string, { measureMemory: true });
        assert.equal(result.status, 4, output(result));
        assert.match(result.stderr, /the reply is larger than 65536 bytes, which no dyndns2 server sends; check --server/);
        assert.ok(result.elapsedMs < TIMEOUT_S * 1000 + SLACK_MS, `${Math.round(result.elapsedMs)} ms`);
        if (baseline.peakRssKiB !== undefined && result.peakRssKiB !== undefined) {
          t.diagnostic(`peak RSS: ${result.peakRssKiB} KiB (a plain "good" run: ${baseline.peakRssKiB} KiB); the server could push ${server.bytesSent()} bytes into the socket buffers`);
          assert.ok(result.peakRssKiB < baseline.peakRssKiB + 16 * 1024, `peak RSS ${result.peakRssKiB} KiB against ${baseline.peakRssKiB} KiB for a plain run`);
        }
        assert.ok(server.bytesSent() < 10 * 1024 * 1024, 'the client stopped reading: the rest was never sent');
        const html = join(dir as string, 'ipcheck.html');
        assert.ok(!existsSync(html) || readFileSync(html).length <= 65536, 'ipcheck.html holds no more than the limit');
      }
      if (!memoryMeasurable()) t.diagnostic('/usr/bin/time (Debian package "time") is not installed: peak memory was not measured');
    } finally {
      dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
      await Promise.all([good.close(), huge.close(), endless.close()]);
    }
  });
});

// Every HTTP status a server or a proxy in front of it may answer, with a body a dyndns2 client
// must not take for a result. Redirects point at another loopback host (127.0.0.2): the
// password must never go there, so that server must see no connection at all.
const statuses: { status: number; gate: Gate; message: RegExp }[] = [
  ...[201, 202, 203, 204, 206].map((status) => ({ status, gate: 'retry' as const, message: new RegExp(`HTTP ${status} with`) })),
  ...[300, 301, 302, 303, 304, 305, 307, 308].map((status) => ({ status, gate: 'retry' as const, message: new RegExp(`redirected.*\\(HTTP ${status}\\); ipcheck does not follow redirects with your password`) })),
  ...[400, 402, 403, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 431, 451]
    .map((status) => ({ status, gate: 'retry' as const, message: new RegExp(`the server answered HTTP ${status} with "no"`) })),
  { status: 404, gate: 'retry', message: /404 Not Found for \/nic\/update: check --server/ },
  { status: 401, gate: 'latch', message: /badauth/ },
  { status: 429, gate: 'wait', message: /HTTP 429 Too Many Requests/ },
  ...[500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511].map((status) => ({ status, gate: 'wait' as const, message: new RegExp(`HTTP ${status}: a problem or maintenance on the server's side; not asking again for 30 minutes`) })),
];

/** The statuses whose next run is checked too (one or two per gate; the rest share their code path). */
const NEXT_RUN_CHECKED = new Set([204, 302, 308, 403, 404, 401, 429, 500, 503]);

describe('every HTTP status: the right gate and a clear message', { concurrency: 4 }, () => {
  let elsewhere: FaultServer;
  before(async () => { elsewhere = await startFaultServer({ kind: 'reply', status: 200, body: `good ${ADDRESS}\n` }, { host: '127.0.0.2' }); });
  after(async () => { await elsewhere.close(); });

  for (const { status, gate, message } of statuses) {
    test(`HTTP ${status} → ${gate}`, async () => {
      const redirect = status >= 300 && status < 400 && status !== 304;
      const noBody = status === 204 || status === 304;
      const server = await startFaultServer({
        kind: 'reply', status, body: noBody ? '' : 'no',
        ...(redirect ? { headers: { Location: `http://127.0.0.2:${elsewhere.port}/nic/update?hostname=${HOST}&myip=${ADDRESS}` } } : {}),
      });
      const dir = mkdtempSync(join(tmpdir(), 'ipcheck-status-'));
      try {
        const first = await run(server.url, dir);
        assertNoSecret(first, dir);
        assert.match(first.stderr, message, output(first));
        assert.ok(first.elapsedMs < TIMEOUT_S * 1000 + SLACK_MS, `${Math.round(first.elapsedMs)} ms`);
        assert.equal(server.contacts(), 1, 'one attempt, no retry within the run');
        if (NEXT_RUN_CHECKED.has(status)) await assertGate(gate, first, dir, server.url, () => server.contacts());
        else assertFirstGate(gate, first, dir);
        if (redirect) assert.equal(elsewhere.connections(), 0, 'the redirect target received nothing (no password went there)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await server.close();
      }
    });
  }
});

describe('a server name that does not resolve', () => {
  const unavailable = namespaceUnavailableReason();
  // The machine's resolver may be another host (here 10.255.255.53): a lookup of a name under
  // .invalid from this namespace would send a packet there. In a namespace with only a loopback
  // and its own resolv.conf, the query goes to a test DNS server on 127.0.0.1:53 in it.
  test('--server http://nonexistent.invalid ends at once with "does not resolve", exit 4', { skip: unavailable ?? false }, async () => {
    const namespace = createLoopbackNamespace();
    const responder = namespace.spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/nxdomain-responder-main.ts'), '53']);
    const dir = mkdtempSync(join(tmpdir(), 'ipcheck-nxdomain-'));
    try {
      let lines = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the DNS responder did not start: ${lines}`)), 15_000);
        responder.stdout.on('data', (chunk: Buffer) => { lines += chunk.toString(); if (lines.includes('"ready"')) { clearTimeout(timer); resolve(); } });
        responder.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the DNS responder exited with ${code}: ${lines}`)); });
      });
      const args = ['--server', 'http://nonexistent.invalid', '--dns-server', '127.0.0.1:53', '-d', dir, '--timeout', String(TIMEOUT_S), '-a', ADDRESS, USER, PASSWORD, HOST];
      const first = await runTimed(args, { prefix: namespace.prefix });
      assert.equal(first.status, 4, output(first));
      assert.match(first.stderr, /the name nonexistent\.invalid does not resolve: check the spelling and the DNS setup \(the next run tries again\)/);
      assert.ok(first.elapsedMs < TIMEOUT_S * 1000 + SLACK_MS, `${Math.round(first.elapsedMs)} ms`);
      assert.match(lines, /"query":"nonexistent\.invalid"/, 'the system resolver asked the test DNS server in the namespace');
      assertNoSecret(first, dir);
      const next = await runTimed(args, { prefix: namespace.prefix, env: later(NEXT_RUN_MS) });
      assert.equal(next.status, 4);
      assert.match(next.stderr, /does not resolve/, 'the next run tries again');
    } finally {
      responder.kill('SIGTERM');
      namespace.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
