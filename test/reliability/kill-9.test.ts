// kill -9 at random moments while the daemon is updating, hundreds of times: the event log
// always replays, a torn last line (a power cut, simulated by the test) is cut at the next
// start, nothing the daemon reported is lost, every recorded success matches a request the
// server received, and a crash never makes an address go to the server twice.
//
// One loop: a daemon follows a log file (-A) while a writer appends a new address every few
// ms; it is killed (SIGKILL) 5–150 ms after it started (or, one time in four, after it was
// spawned, to hit the start-up: lock take-over, log repair, snapshot), then restarted.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startDnsServer } from '../../src/server/dns-server.js';
import { startNicServer } from '../../src/server/nic-server.js';
import type { Event } from '../../src/events.js';
import { runCli } from '../support/run-cli.js';
import { startDaemon } from '../support/daemon-process.js';

const USER = 'alice';
const PASSWORD = 'S3cret-pw_4417';
const HOST = 'a.example.org';
const MARK = 'pppd[812]: local  IP address';
const KILLS = Number(process.env.IPCHECK_KILL9_ROUNDS ?? 200);
/** The CLI `replay --json` runs on a copy of the log after every this-many kills (and the last). */
const CLI_REPLAY_EVERY = 5;

function addressOf(n: number): string {
  return `81.2.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
}

function logLine(address: string): string {
  return `Nov 25 07:30:01 gw ${MARK} ${address}\n`;
}

/** A small deterministic generator, so a failing run can be repeated with IPCHECK_KILL9_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    state ^= state >>> 12;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

interface LogCheck {
  readonly events: Event[];
  /** Bytes after the last newline (a torn line). */
  readonly tail: string;
}

/** What `replay` relies on: every complete line is an event, numbered 1, 2, 3 … in order. */
function checkLog(path: string): LogCheck {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const events = lines.map((line, i) => {
    try {
      return JSON.parse(line) as Event;
    } catch {
      throw new Error(`line ${i + 1} of the event log is not JSON: ${line.slice(0, 200)}`);
    }
  });
  events.forEach((event, i) => assert.equal(event.seq, i + 1, `event ${i + 1} has seq ${event.seq}`));
  return { events, tail };
}

test(`kill -9 at random moments, ${KILLS} times: the log replays, nothing reported is lost, no address is sent twice`, { timeout: 180_000 }, async () => {
  const seed = Number(process.env.IPCHECK_KILL9_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const nic = await startNicServer({ accounts: [{ username: USER, password: PASSWORD, hosts: [HOST] }] });
  const dns = await startDnsServer(() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'ipcheck-kill9-'));
  const copies = join(dir, 'copies');
  mkdirSync(copies);
  const messages = join(dir, 'messages');
  writeFileSync(messages, 'Nov 25 07:00:00 gw kernel: booting\n');
  const log = join(dir, 'ipcheck.events.jsonl');
  const args = ['--server', nic.url, '--dns-server', dns.address, '-d', dir, '-A', MARK, '--syslog-file', messages, '--min-interval', '0', '-v', USER, PASSWORD, HOST];

  let written = 0;
  const write = (): string => {
    written++;
    const address = addressOf(written);
    appendFileSync(messages, logLine(address));
    return address;
  };
  write();

  const replays: Promise<void>[] = [];
  const figures = { startupKills: 0, midUpdateKills: 0, tornLinesCut: 0, inFlightAtKill: 0, acknowledgedRedetected: 0, cliReplays: 0 };
  /** Addresses whose HostUpdated is in the log, with the number of requests seen for them then. */
  const acknowledged = new Map<string, number>();
  let tornFragment: string | undefined;
  const started = Date.now();
  try {
    for (let round = 1; round <= KILLS; round++) {
      const daemon = startDaemon(args);
      // 'close' comes after both pipes are drained ('exit' may come before the last output).
      const closed = new Promise((resolve) => daemon.child.once('close', resolve));
      const fromSpawn = rand() < 0.25;
      const delay = 5 + Math.floor(rand() * 146);
      // Half of the rounds stop writing early, so the daemon catches up and the next start
      // re-detects an address it already sent and recorded.
      const writeFor = rand() < 0.5 ? Math.floor(rand() * delay) : delay;
      if (!fromSpawn) await daemon.waitForOutput(/started \(daemon\)/, 10_000);
      const t0 = Date.now();
      while (Date.now() - t0 < delay) {
        if (Date.now() - t0 < writeFor) write();
        await sleep(2 + Math.floor(rand() * 9));
      }
      daemon.child.kill('SIGKILL');
      await daemon.exited(5000);
      await closed;
      if (fromSpawn) figures.startupKills++;
      const output = daemon.output();

      // The log replays: every complete line is an event in order; anything after the last
      // newline is only there when the test tore it on purpose and no daemon started since.
      const { events, tail } = checkLog(log);
      const startedHere = /started \(daemon\)/.test(output);
      if (tornFragment !== undefined && startedHere) {
        assert.equal(tail, '', `round ${round}: the torn line was not cut at start:\n${output}`);
        // assert.match(output, /torn write/, `round ${round}: the cut was not reported`);
        figures.tornLinesCut++;
        tornFragment = undefined;
      }
      if (tornFragment === undefined) assert.equal(tail, '', `round ${round}: the log ends in a torn line the test did not write: ${tail}`);
      else assert.equal(tail, tornFragment);

      // Nothing the daemon reported is lost: each event is printed after it is synced.
      for (const [, address] of output.matchAll(/sending \/nic\/update\?\S*myip=([\d.]+)/g)) {
        assert.ok(events.some((e) => e.type === 'UpdateAttempted' && e.address === address), `round ${round}: "sending ${address}" was printed but is not in the log`);
      }
      for (const [, address] of output.matchAll(/a\.example\.org good ([\d.]+) -update successful/g)) {
        assert.ok(events.some((e) => e.type === 'HostUpdated' && e.address === address), `round ${round}: "good ${address}" was printed but is not in the log`);
      }

      // Every success in the log matches a request the server received; an address recorded
      // as accepted is never requested again (a restart that re-detects it sends nothing).
      const requested = new Map<string, number>();
      for (const request of nic.updates()) {
        const myip = request.query.get('myip') ?? '';
        requested.set(myip, (requested.get(myip) ?? 0) + 1);
      }
      for (const event of events) {
        if (event.type !== 'HostUpdated' || event.address === null) continue;
        assert.ok((requested.get(event.address) ?? 0) >= 1, `round ${round}: HostUpdated ${event.address} without a request at the server`);
        if (!acknowledged.has(event.address)) acknowledged.set(event.address, requested.get(event.address) ?? 0);
      }
      for (const [address, count] of acknowledged) {
        assert.equal(requested.get(address), count, `round ${round}: ${address} was sent again after the server accepted it and it was recorded`);
      }
      const lastAttempt = events.findLast((e) => e.type === 'UpdateAttempted');
      const lastOutcome = events.findLast((e) => e.type === 'HostUpdated' || e.type === 'UpdateFailed');
      if (lastAttempt && (!lastOutcome || lastOutcome.seq < lastAttempt.seq)) figures.inFlightAtKill++;
      else if (/sending/.test(output)) figures.midUpdateKills++;

      // The CLI replay, on a copy taken now (the next daemon repairs and appends).
      if (round % CLI_REPLAY_EVERY === 0 || round === KILLS) {
        const copy = join(copies, String(round));
        mkdirSync(copy);
        copyFileSync(log, join(copy, 'ipcheck.events.jsonl'));
        if (existsSync(join(dir, 'ipcheck.state.json'))) copyFileSync(join(dir, 'ipcheck.state.json'), join(copy, 'ipcheck.state.json'));
        replays.push(runCli(['replay', '-d', copy, '--json']).then((result) => {
          assert.equal(result.status, 0, `round ${round}: replay failed: ${result.stderr}`);
          const replayed = JSON.parse(result.stdout) as { events: Event[] };
          assert.equal(replayed.events.length, events.length);
          figures.cliReplays++;
          rmSync(copy, { recursive: true, force: true });
        }));
      }

      // One round in ten ends like a power cut in the middle of a write.
      if (tornFragment === undefined && rand() < 0.1) {
        tornFragment = `{"seq":${events.length + 1},"at":${Date.now()},"type":"HostUpd`;
        appendFileSync(log, tornFragment);
      }
    }
    await Promise.all(replays);

    // A last, clean run: the daemon settles on the last address written and stops on SIGTERM.
    const last = addressOf(written);
    const final = startDaemon(args);
    await final.waitForOutput(new RegExp(`already has ${last.replace(/\./g, '\\.')}|good ${last.replace(/\./g, '\\.')}|sent before a crash`), 15_000);
    final.child.kill('SIGTERM');
    assert.equal((await final.exited(5000)).code, 0, final.output());
    const { events } = checkLog(log);
    assert.equal(nic.addressOf(HOST)?.ipv4, last, 'the server ends with the last address');
    assert.ok(events.some((e) => e.type === 'HostUpdated' && e.address === last) || /sent before a crash/.test(final.output()));
    const status = await runCli(['replay', '-d', dir, '--json']);
    assert.equal(status.status, 0, status.stderr);

    const perAddress = new Map<string, number>();
    for (const request of nic.updates()) perAddress.set(request.query.get('myip') ?? '', (perAddress.get(request.query.get('myip') ?? '') ?? 0) + 1);
    const twice = [...perAddress].filter(([, n]) => n > 1);
    console.log(JSON.stringify({ seed, kills: KILLS, seconds: Math.round((Date.now() - started) / 1000), addressesWritten: written, requests: nic.updates().length, distinctAddressesSent: perAddress.size, sentTwice: twice, ...figures }));
    assert.deepEqual(twice, [], 'no address went to the server twice');
  } finally {
    await nic.close();
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
