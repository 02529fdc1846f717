// The data directory's disk is full, fills up in the middle of a write, is nearly full, is
// read-only, is not ours, or the file size limit (ulimit -f) is reached. Each time: a message
// that names the file, the cause and the fix; nothing torn (the event log replays and ends on
// a whole line, the legacy files are whole); and no update is sent whose result could not be
// recorded: the server receives no request. Once the cause is gone, the next run sends once.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Event } from '../../src/events.js';
import { startDnsServer, type DnsServer } from '../../src/server/dns-server.js';
import { startNicServer, type NicServer } from '../../src/server/nic-server.js';
import { startDaemon } from '../support/daemon-process.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { mountSmallTmpfs, mountUnavailableReason, type SmallTmpfs } from '../support/small-tmpfs.js';
import { runTimed } from '../support/timed-cli.js';
import { assertNoSecret, PASSWORD, USER } from '../support/world.js';

const HOST = 'a.example.org';
const LOG = 'ipcheck.events.jsonl';
const noMount = mountUnavailableReason();

let nic: NicServer;
let dns: DnsServer;
const cleanups: (() => void)[] = [];
before(async () => {
  nic = await startNicServer({ accounts: [{ username: USER, password: PASSWORD, hosts: [HOST] }] });
  dns = await startDnsServer(() => undefined);
});
after(async () => {
  await nic.close();
  await dns.close();
});
afterEach(() => { while (cleanups.length > 0) cleanups.pop()?.(); });

function args(dir: string, address: string): string[] {
  return ['--server', nic.url, '--dns-server', dns.address, '-d', dir, '--min-interval', '0', '-a', address, USER, PASSWORD, HOST];
}

async function ipcheck(dir: string, address: string): Promise<CliResult> {
  const result = await runCli(args(dir, address));
  assertNoSecret(result, dir);
  return result;
}

function tmpfs(sizeKiB: number): SmallTmpfs {
  const fs = mountSmallTmpfs(sizeKiB);
  cleanups.push(() => fs.unmount());
  return fs;
}

/** The requests the server received for an address. */
function sent(address: string): number {
  return nic.updates().filter((r) => r.query.get('myip') === address).length;
}

/** Every line of the log is an event, numbered in order, and the file ends on a whole line. */
function assertLogWhole(dir: string): Event[] {
  const text = readFileSync(join(dir, LOG), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), `the event log ends in a torn line: ${JSON.stringify(text.slice(-80))}`);
  const events = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
  events.forEach((event, i) => assert.equal(event.seq, i + 1));
  return events;
}

async function assertReplays(dir: string): Promise<void> {
  const replay = await runCli(['replay', '-d', dir, '--json']);
  assert.equal(replay.status, 0, replay.stderr);
  JSON.parse(replay.stdout);
}

/** The legacy files are whole: ipcheck.py's formats, and no temporary file is left behind. */
function assertLegacyWhole(dir: string): void {
  const dat = join(dir, 'ipcheck.dat');
  if (existsSync(dat)) assert.match(readFileSync(dat, 'utf8'), /^\d+\.\d+\.\d+\.\d+\n([a-z0-9.-]+\n)+$/);
  const wait = join(dir, 'ipcheck.wait');
  if (existsSync(wait)) assert.match(readFileSync(wait, 'utf8'), /^u \d+\n\d+\.\d{3}\n$/);
  const leftovers = readdirSync(dir).filter((name) => name.endsWith('.tmp') || name === 'ipcheck.lock');
  assert.deepEqual(leftovers, [], 'no temporary file and no lock left behind');
}

function contents(dir: string, names: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined]));
}

describe('the disk of the data directory', () => {
  test('full: nothing is sent, the message names the file and the fix; freed, the next run sends once', { skip: noMount ?? false }, async () => {
    const fs = tmpfs(512);
    assert.equal((await ipcheck(fs.dir, '81.2.69.160')).status, 0);
    const before = contents(fs.dir, ['ipcheck.dat', LOG, 'ipcheck.state.json']);
    fs.fill();
    const full = await ipcheck(fs.dir, '81.2.69.161');
    assert.equal(full.status, 4, full.stdout + full.stderr);
    assert.match(full.stderr, /cannot write \S+\/ipcheck\.lock: the disk is full \(ENOSPC\): free some space for the data directory \(-d\); the next run carries on from the event log/);
    assert.equal(sent('81.2.69.161'), 0);
    assert.deepEqual(contents(fs.dir, ['ipcheck.dat', LOG, 'ipcheck.state.json']), before, 'nothing changed');
    assertLegacyWhole(fs.dir);
    await assertReplays(fs.dir);
    fs.free();
    const freed = await ipcheck(fs.dir, '81.2.69.161');
    assert.equal(freed.status, 0, freed.stderr);
    assert.equal(sent('81.2.69.161'), 1);
    assertLogWhole(fs.dir);
  });

  test('filling up in the middle of writing an event: the half line is cut at once, nothing is sent', { skip: noMount ?? false }, async () => {
    const fs = tmpfs(512);
    // A history that leaves 300 bytes in the log's last 4 KiB page: the first event or two of
    // the run fit there, the next one is cut short by the full disk.
    const pad = 4096 - 300 - Buffer.byteLength(JSON.stringify({ seq: 1, at: Date.now(), type: 'RecheckStarted', reason: '' })) - 1;
    writeFileSync(join(fs.dir, LOG), `${JSON.stringify({ seq: 1, at: Date.now(), type: 'RecheckStarted', reason: 'x'.repeat(pad) })}\n`, { mode: 0o600 });
    // A stale lock (its owner is gone): taken over, it gives back the page the new lock needs.
    writeFileSync(join(fs.dir, 'ipcheck.lock'), '999999999\n');
    fs.fill();
    const result = await ipcheck(fs.dir, '81.2.69.162');
    assert.equal(result.status, 4, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`cannot write \\S+/${LOG.replace(/\./g, '\\.')}: the disk is full \\(ENOSPC\\)`));
    const events = assertLogWhole(fs.dir);
    assert.ok(events.length >= 2, 'the events that fitted are kept');
    assert.ok(!events.some((e) => e.type === 'UpdateAttempted'), 'no attempt recorded');
    assert.equal(sent('81.2.69.162'), 0);
    await assertReplays(fs.dir);
    fs.free();
    assert.equal((await ipcheck(fs.dir, '81.2.69.162')).status, 0);
    assert.equal(sent('81.2.69.162'), 1);
  });

  test('nearly full: the events fit, the result of an update would not, so nothing is sent', { skip: noMount ?? false }, async () => {
    const fs = tmpfs(256);
    fs.fill(192 * 1024);
    const result = await ipcheck(fs.dir, '81.2.69.163');
    assert.equal(result.status, 4, result.stdout + result.stderr);
    assert.match(result.stderr, /the disk holding \S+ has \d+ KiB free, less than the 128 KiB needed to record the result of an update, so nothing was sent: free some space there; the next run tries again/);
    const events = assertLogWhole(fs.dir);
    assert.ok(events.some((e) => e.type === 'UpdateDecided'), 'the decision is recorded');
    assert.ok(!events.some((e) => e.type === 'UpdateAttempted'), 'the attempt is not');
    assert.equal(sent('81.2.69.163'), 0);
    assertLegacyWhole(fs.dir);
    await assertReplays(fs.dir);
    fs.free();
    assert.equal((await ipcheck(fs.dir, '81.2.69.163')).status, 0);
    assert.equal(sent('81.2.69.163'), 1);
  });

  test('read-only: nothing is sent or changed, the message says so; read-write again, the next run sends once', { skip: noMount ?? false }, async () => {
    const fs = tmpfs(1024);
    assert.equal((await ipcheck(fs.dir, '81.2.69.164')).status, 0);
    const names = readdirSync(fs.dir);
    const before = contents(fs.dir, names);
    fs.remount('ro');
    const result = await ipcheck(fs.dir, '81.2.69.165');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /cannot write \S+\/ipcheck\.lock: the file system is read-only \(EROFS\): give a writable data directory with -d/);
    assert.equal(sent('81.2.69.165'), 0);
    assert.deepEqual(contents(fs.dir, names), before);
    await assertReplays(fs.dir);
    fs.remount('rw');
    assert.equal((await ipcheck(fs.dir, '81.2.69.165')).status, 0);
    assert.equal(sent('81.2.69.165'), 1);
    assertLegacyWhole(fs.dir);
  });

  test('not writable for the user ipcheck runs as (nobody): nothing is sent, the message says so', { skip: process.getuid?.() !== 0 ? 'needs root to run the child as nobody (setpriv)' : false }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipcheck-notours-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const result = await runTimed(args(dir, '81.2.69.166'), { prefix: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /cannot write \S+\/ipcheck\.lock: permission denied \(EACCES\): make the data directory \(-d\) writable for the user ipcheck runs as, or give another one/);
    assert.equal(sent('81.2.69.166'), 0);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('ulimit -f: SIGXFSZ does not kill it; the attempt that does not fit is not sent', async () => {
    // Where the events of such a run end, from a run without a limit.
    const reference = mkdtempSync(join(tmpdir(), 'ipcheck-ulimit-'));
    const dir = mkdtempSync(join(tmpdir(), 'ipcheck-ulimit-'));
    cleanups.push(() => rmSync(reference, { recursive: true, force: true }), () => rmSync(dir, { recursive: true, force: true }));
    assert.equal((await ipcheck(reference, '81.2.69.167')).status, 0);
    let end = 0;
    const ends = new Map<string, number>();
    for (const line of readFileSync(join(reference, LOG), 'utf8').split('\n').filter(Boolean)) ends.set((JSON.parse(line) as Event).type, end += Buffer.byteLength(line) + 1);
    // sh's ulimit -f counts 512-byte blocks: the decision fits, the attempt does not.
    const blocks = Math.ceil((ends.get('UpdateDecided') ?? 0) / 512);
    assert.ok(blocks * 512 < (ends.get('UpdateAttempted') ?? 0) - 8, `no block limit falls between the decision (${ends.get('UpdateDecided')}) and the attempt (${ends.get('UpdateAttempted')})`);
    const result = await runTimed(args(dir, '81.2.69.168'), { shellSetup: `ulimit -f ${blocks}` });
    assert.equal(result.signal, null, 'not killed by SIGXFSZ');
    assert.equal(result.status, 4, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`cannot write \\S+/${LOG.replace(/\./g, '\\.')}: the file size limit \\(ulimit -f\\) is reached \\(EFBIG\\)`));
    assert.equal(sent('81.2.69.168'), 0);
    const events = assertLogWhole(dir);
    assert.equal(events.at(-1)?.type, 'UpdateDecided');
    assertLegacyWhole(dir);
    await assertReplays(dir);
  });

  test('the daemon whose disk fills up stops with the message and sends nothing', { skip: noMount ?? false }, async () => {
    const fs = tmpfs(256);
    const messages = mkdtempSync(join(tmpdir(), 'ipcheck-messages-'));
    cleanups.push(() => rmSync(messages, { recursive: true, force: true }));
    const log = join(messages, 'messages');
    writeFileSync(log, 'Nov 25 07:30:01 gw pppd[812]: local  IP address 81.2.69.169\n');
    const daemon = startDaemon(['--server', nic.url, '--dns-server', dns.address, '-d', fs.dir, '--min-interval', '0', '-A', 'pppd[812]: local  IP address', '--syslog-file', log, USER, PASSWORD, HOST]);
    cleanups.push(() => daemon.kill());
    await daemon.waitForOutput(/good 81\.2\.69\.169/, 10_000);
    fs.fill(200 * 1024);
    appendFileSync(log, 'Nov 25 07:35:01 gw pppd[812]: local  IP address 81.2.69.170\n');
    const exit = await daemon.exited(10_000);
    assert.equal(exit.code, 4, daemon.output());
    assert.match(daemon.output(), /the daemon stopped: the disk holding \S+ has \d+ KiB free, less than the 128 KiB needed to record the result of an update, so nothing was sent/);
    assert.equal(sent('81.2.69.170'), 0);
    assertLogWhole(fs.dir);
    await assertReplays(fs.dir);
  });
});
