// Corrupt or hand-edited data files: ipcheck.dat, ipcheck.wait, ipcheck.err, the snapshot
// (ipcheck.state.json) and a line in the middle of the event log. Each time the run says what
// it found, makes a safe choice and never starts an update storm: at most one request per run,
// and the same address is not sent again run after run.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, type CliResult } from '../support/run-cli.js';
import { HOSTS, startWorld, type World } from '../support/world.js';

const A = HOSTS[0] as string;
const ADDRESS = '81.2.69.160';
const LOG = 'ipcheck.events.jsonl';
const SNAPSHOT = 'ipcheck.state.json';
const DAY = 24 * 3600_000;

interface Row {
  readonly name: string;
  readonly corrupt: (dir: string) => void;
  /** What the first run after the damage says (stdout and stderr). */
  readonly message?: RegExp;
  /** Its exit status (default 0). */
  readonly status?: number;
  /** Requests over the two runs after the damage (the address does not change). */
  readonly requests: 0 | 1;
}

function editLog(dir: string, change: (lines: string[]) => void): void {
  const path = join(dir, LOG);
  const lines = readFileSync(path, 'utf8').split('\n');
  change(lines);
  writeFileSync(path, lines.join('\n'));
}

function editSnapshot(dir: string, change: (snapshot: { state: Record<string, unknown>; offset: number }) => void): void {
  const path = join(dir, SNAPSHOT);
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { state: Record<string, unknown>; offset: number };
  change(snapshot);
  writeFileSync(path, JSON.stringify(snapshot));
}

const now = () => (Date.now() / 1000).toFixed(3);

const rows: Row[] = [
  // ipcheck.dat
  { name: 'ipcheck.dat: binary junk', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), Buffer.from([0, 1, 0xff, 0xfe, 10, 0x1b, 0x5b, 0x32, 0x4a])), message: /ipcheck\.dat starts with "[^"\x1b]*", not an address; resolving the hosts in DNS instead, as --makedat does/, requests: 0 },
  { name: 'ipcheck.dat: empty', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), ''), message: /is not in the ipcheck\.dat format .*; resolving the hosts in DNS instead/, requests: 0 },
  { name: 'ipcheck.dat: an address and no host', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), `${ADDRESS}\n`), message: /is not in the ipcheck\.dat format/, requests: 0 },
  { name: 'ipcheck.dat: hand-edited to another address (the user says the server has it: sent once)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), `81.2.69.99\n${A}\n`), requests: 1 },
  { name: 'ipcheck.dat: 0.0.0.0 (ipcheck.py\'s "update next time": sent once)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), `0.0.0.0\n${A}\n`), requests: 1 },
  { name: 'ipcheck.dat: an address out of range', corrupt: (d) => writeFileSync(join(d, 'ipcheck.dat'), `999.2.69.160\n${A}\n`), message: /ipcheck\.dat starts with "999\.2\.69\.160", not an address/, requests: 0 },
  // ipcheck.wait
  { name: 'ipcheck.wait: junk', corrupt: (d) => writeFileSync(join(d, 'ipcheck.wait'), 'zzz\n\x00\x01\n'), message: /ipcheck\.wait is not in the ipcheck\.wait format .*; ignoring it/, requests: 0 },
  { name: 'ipcheck.wait: not a wait code', corrupt: (d) => writeFileSync(join(d, 'ipcheck.wait'), `hello\n${now()}\n`), message: /ipcheck\.wait holds "hello", which is not a wait code; ignoring it/, requests: 0 },
  { name: 'ipcheck.wait: a year (capped at a day)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.wait'), `u 31536000\n${now()}\n`), message: /ipcheck\.wait asks to wait \(u 31536000\) until \S+/, status: 3, requests: 0 },
  { name: 'ipcheck.wait: received a year from now (a clock gone wrong; capped at a day)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.wait'), `w5m\n${((Date.now() + 365 * DAY) / 1000).toFixed(3)}\n`), status: 3, requests: 0 },
  // ipcheck.err
  { name: 'ipcheck.err: junk with a terminal escape (stops, says so, prints no escape)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.err'), Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0x41, 10])), message: /ipcheck\.err holds a line ipcheck does not understand \("[^"\x1b]*"\): fix the cause, then run `ipcheck clear`/, status: 2, requests: 0 },
  { name: 'ipcheck.err: empty', corrupt: (d) => writeFileSync(join(d, 'ipcheck.err'), ''), requests: 0 },
  { name: 'ipcheck.err: a line for a host this run does not update', corrupt: (d) => writeFileSync(join(d, 'ipcheck.err'), 'nohost other.example.org\n'), requests: 0 },
  { name: 'ipcheck.err: hand-written "abuse" for the host (stops it)', corrupt: (d) => writeFileSync(join(d, 'ipcheck.err'), `abuse ${A}\n`), message: /abuse/, status: 2, requests: 0 },
  // the snapshot: a cache, rebuilt from the log
  { name: 'snapshot: cut short', corrupt: (d) => writeFileSync(join(d, SNAPSHOT), '{"format":1,"seq":'), requests: 0 },
  { name: 'snapshot: not a state (account: null)', corrupt: (d) => editSnapshot(d, (s) => { s.state.account = null; }), requests: 0 },
  { name: 'snapshot: hosts is a string', corrupt: (d) => editSnapshot(d, (s) => { s.state.hosts = 'x'; }), requests: 0 },
  { name: 'snapshot: an offset in the middle of a line', corrupt: (d) => editSnapshot(d, (s) => { s.offset -= 7; }), requests: 0 },
  { name: 'snapshot: hand-edited address (ipcheck.dat still says the truth)', corrupt: (d) => editSnapshot(d, (s) => { (s.state.hosts as Record<string, { families: { ipv4: { address: string } } }>)[A]!.families.ipv4.address = '81.2.69.99'; }), requests: 0 },
  // the event log
  { name: 'event log: a line in the middle cut short', corrupt: (d) => { rmSync(join(d, SNAPSHOT)); editLog(d, (l) => { l[2] = (l[2] ?? '').slice(0, 25); }); }, message: /a line of ipcheck\.events\.jsonl \(at byte \d+\) is not an event \(a disk error or a hand edit\) and was left out/, requests: 0 },
  { name: 'event log: zeros in the middle (a file system repaired after a power cut)', corrupt: (d) => { rmSync(join(d, SNAPSHOT)); editLog(d, (l) => { l[1] = '\0'.repeat(40); }); }, message: /is not an event/, requests: 0 },
  { name: 'event log: JSON in the middle that is not an event', corrupt: (d) => { rmSync(join(d, SNAPSHOT)); editLog(d, (l) => { l[3] = '{"hello":"world"}'; }); }, message: /is not an event/, requests: 0 },
  { name: 'event log: the HostUpdated line lost (the legacy files still say it)', corrupt: (d) => { rmSync(join(d, SNAPSHOT)); editLog(d, (l) => { const i = l.findIndex((x) => x.includes('"HostUpdated"')); l[i] = 'garbage'; }); }, message: /is not an event/, requests: 0 },
  { name: 'event log: the last line garbage (cut as a torn write)', corrupt: (d) => { rmSync(join(d, SNAPSHOT)); editLog(d, (l) => { l[l.length - 2] = '@@@'; }); }, message: /the event log ended in a torn write/, requests: 0 },
  { name: 'event log: deleted (the legacy files are taken over)', corrupt: (d) => { rmSync(join(d, LOG)); rmSync(join(d, SNAPSHOT)); }, requests: 0 },
];

async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const w = await startWorld();
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

describe('corrupt or hand-edited files: a clear message, a safe choice, never an update storm', { concurrency: 3 }, () => {
  for (const row of rows) {
    test(row.name, () => withWorld(async (w) => {
      const first = await w.ipcheck(['-a', ADDRESS]);
      assert.equal(first.status, 0, first.stderr);
      assert.equal(w.nic.updates().length, 1);
      row.corrupt(w.dir);
      const results: CliResult[] = [];
      for (let run = 0; run < 2; run++) {
        const before = w.nic.updates().length;
        // --min-interval 0: only the decision holds a repeat back, not the rate limit.
        const result = await w.ipcheck(['--min-interval', '0', '-a', ADDRESS]);
        results.push(result);
        assert.ok(w.nic.updates().length - before <= 1, `run ${run + 1} sent more than one request`);
        assert.equal(result.status, row.status ?? 0, `run ${run + 1}: ${result.stdout}${result.stderr}`);
      }
      const said = `${results[0]?.stdout}${results[0]?.stderr}`;
      if (row.message) assert.match(said, row.message);
      assert.doesNotMatch(said, /\x1b/, 'no terminal escape from a file reaches the output');
      assert.doesNotMatch(said, /TypeError|SyntaxError|Cannot read properties|Unexpected token/, 'no crash');
      assert.equal(w.nic.updates().length - 1, row.requests, 'requests over the two runs');
      const replay = await runCli(['replay', '-d', w.dir, '--json']);
      assert.equal(replay.status, 0, replay.stderr);
    }));
  }

  test('ipcheck.wait asking for a year: a day later updates go on', () => withWorld(async (w) => {
    await w.ipcheck(['-a', ADDRESS]);
    writeFileSync(join(w.dir, 'ipcheck.wait'), `u 31536000\n${now()}\n`);
    assert.equal((await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.161'])).status, 3);
    const tomorrow = { IPCHECK_NOW: new Date(Date.now() + DAY + 60_000).toISOString() };
    const next = await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.161'], { env: tomorrow });
    assert.equal(next.status, 0, next.stdout + next.stderr);
    assert.equal(w.nic.updates().length, 2);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), '81.2.69.161');
  }));

  test('a corrupt line in the log and a new address: the new address is sent once, then never again', () => withWorld(async (w) => {
    await w.ipcheck(['-a', ADDRESS]);
    rmSync(join(w.dir, SNAPSHOT));
    editLog(w.dir, (l) => { l[2] = 'garbage'; });
    for (let run = 0; run < 2; run++) assert.equal((await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.162'])).status, 0);
    assert.deepEqual(w.nic.updates().map((r) => r.query.get('myip')), [ADDRESS, '81.2.69.162']);
  }));
});
