import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray, type Observable } from 'rxjs';
import { firewallLog } from '../../src/sources/firewall-log.js';
import type { SourceEvent } from '../../src/sources/source.js';
import { record } from '../support/observable-recorder.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipcheck-firewall-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = { now: () => Date.now() };
const packet = (inIf: string, dst: string, src = '198.51.100.77') =>
  `Nov 25 08:00:01 gw kernel: [1234.5] DROP IN=${inIf} OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=${src} DST=${dst} LEN=60 TOS=0x00 PROTO=TCP SPT=4444 DPT=22`;
const outbound = (dst: string) => `Nov 25 08:00:02 gw kernel: [1234.6] ACCEPT IN= OUT=ppp0 SRC=81.2.69.99 DST=${dst} LEN=60`;

async function logFile(name: string, lines: readonly string[], ending = '\n'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join(ending) + ending);
  return path;
}
const once = (source: { once(): Observable<SourceEvent> }) => firstValueFrom(source.once().pipe(toArray()));
const isObserved = (address: string) => (e: SourceEvent) => e.type === 'CandidateObserved' && e.address === address;
const reasonOf = (e: SourceEvent | undefined) => (e?.type === 'SourceFailed' ? e.reason : `(not a failure: ${JSON.stringify(e)})`);

describe('firewallLog once()', () => {
  test('DST of the last packet that came in on the WAN interface; other interfaces ignored', async () => {
    const path = await logFile('fw.log', [packet('ppp0', '81.2.69.1'), packet('ppp0', '81.2.69.2'), packet('eth1', '81.2.69.3'), outbound('81.2.69.4')]);
    const events = await once(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false }, deps));
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: `firewall log ${path}`, family: 'ipv4', address: '81.2.69.2' }]);
  });

  test('an interface name that is a prefix of another does not match it', async () => {
    const path = await logFile('prefix.log', [packet('ppp0', '81.2.69.1'), packet('ppp01', '81.2.69.2')]);
    const events = await once(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false }, deps));
    assert.ok(events.some(isObserved('81.2.69.1')), JSON.stringify(events));
  });

  test('broadcast and multicast destinations are skipped (and reported), the last usable one wins', async () => {
    const path = await logFile('bcast.log', [packet('eth0', '81.2.69.160'), packet('eth0', '255.255.255.255'), packet('eth0', '224.0.0.1'), packet('eth0', '255.255.255.255')]);
    const events = await once(firewallLog({ file: path, wanInterface: 'eth0', allowPrivate: false }, deps));
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'CandidateRejected', 'CandidateObserved']);
    assert.ok(events.some(isObserved('81.2.69.160')));
  });

  test('IPv6 packets give an IPv6 address', async () => {
    const path = await logFile('v6.log', [packet('eth0', '2001:DB8::1'), packet('eth0', '2a00:1450:4001:81b::200e')]);
    const events = await once(firewallLog({ file: path, wanInterface: 'eth0', allowPrivate: false }, deps));
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: `firewall log ${path}`, family: 'ipv6', address: '2a00:1450:4001:81b::200e' }]);
  });

  test('a match split across the block boundary, with CRLF lines', async () => {
    const path = await logFile('split.log', [packet('ppp0', '81.2.69.160'), 'tail'], '\r\n');
    for (const blockSize of [7, 50, 101]) {
      const events = await once(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false, blockSize }, deps));
      assert.ok(events.some(isObserved('81.2.69.160')), `blockSize ${blockSize}: ${JSON.stringify(events)}`);
    }
  });

  test('no inbound line: SourceFailed saying what was looked for', async () => {
    const path = await logFile('none.log', [outbound('81.2.69.4'), 'Nov 25 kernel: nothing']);
    const events = await once(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false }, deps));
    assert.equal(events.length, 1);
    assert.match(reasonOf(events[0]), /no line of .*none\.log is a firewall log line for a packet that came in on ppp0 \(IN=ppp0/);
  });

  test('only unusable destinations: SourceFailed listing why', async () => {
    const path = await logFile('private.log', [packet('eth0', '192.168.1.20')]);
    const events = await once(firewallLog({ file: path, wanInterface: 'eth0', allowPrivate: false }, deps));
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'SourceFailed']);
    assert.match(reasonOf(events[1]), /gives a usable address \(192\.168\.1\.20 is private/);
  });

  test('a missing file: SourceFailed naming the file and the fix', async () => {
    const events = await once(firewallLog({ file: join(dir, 'absent.log'), wanInterface: 'eth0', allowPrivate: false }, deps));
    assert.match(reasonOf(events[0]), /absent\.log does not exist; give the file your packet filter logs to/);
  });

  describe('with a pattern', () => {
    test('the capture group of the last matching line', async () => {
      const path = await logFile('pattern.log', ['NAT wan=81.2.69.1 up', 'NAT wan=81.2.69.2 up', 'other wan=81.2.69.3']);
      const events = await once(firewallLog({ file: path, wanInterface: 'eth0', pattern: '^NAT wan=(\\S+)', allowPrivate: false }, deps));
      assert.ok(events.some(isObserved('81.2.69.2')), JSON.stringify(events));
    });

    test('an invalid regex: SourceFailed naming the problem, for once() and watch()', async () => {
      const source = firewallLog({ file: join(dir, 'x.log'), wanInterface: 'eth0', pattern: 'wan=([0-9.]+', allowPrivate: false }, deps);
      for (const events of [await once(source), await firstValueFrom(source.watch().pipe(toArray()))]) {
        assert.equal(events.length, 1);
        assert.match(reasonOf(events[0]), /"wan=\(\[0-9\.\]\+" is not a valid regular expression \(.*\); fix the firewall log pattern/);
      }
    });

    test('a pattern without a capture group is refused', async () => {
      const events = await once(firewallLog({ file: join(dir, 'x.log'), wanInterface: 'eth0', pattern: 'wan=[0-9.]+', allowPrivate: false }, deps));
      assert.match(reasonOf(events[0]), /has no capture group/);
    });

    test('a catastrophically backtracking pattern fails in bounded time instead of hanging', async () => {
      const path = await logFile('redos.log', ['a'.repeat(40) + 'b']);
      const started = performance.now();
      const events = await once(
        firewallLog({ file: path, wanInterface: 'eth0', pattern: '^(a+)+$', allowPrivate: false, patternTimeoutMs: 100 }, deps),
      );
      assert.ok(performance.now() - started < 3000);
      assert.match(reasonOf(events[events.length - 1]), /took more than 100 ms.*backtracks catastrophically/);
    });
  });
});

describe('firewallLog watch()', () => {
  const fast = { pollMs: 50, missingGraceMs: 60_000 };

  test('the last address now, then changes only; follows rotation and truncation', async () => {
    const path = await logFile('watch.log', [packet('ppp0', '81.2.69.1')]);
    const recorder = record(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false, ...fast }, deps).watch());
    try {
      await recorder.waitFor(isObserved('81.2.69.1'));
      // The same address again is no news; a broadcast is reported once; a new address is.
      await appendFile(path, `${packet('ppp0', '81.2.69.1')}\n${packet('ppp0', '255.255.255.255')}\n${packet('ppp0', '255.255.255.255')}\n${packet('ppp0', '81.2.69.2')}\n`);
      await recorder.waitFor(isObserved('81.2.69.2'));
      await rename(path, `${path}.1`);
      await writeFile(path, `${packet('ppp0', '81.2.69.3')}\n`);
      await recorder.waitFor(isObserved('81.2.69.3'));
      await truncate(path, 0);
      await appendFile(path, `${packet('ppp0', '81.2.69.4')}\n`);
      await recorder.waitFor(isObserved('81.2.69.4'));
      assert.deepEqual(
        recorder.values.map((e) => `${e.type} ${'address' in e ? e.address : ''}`),
        [
          'CandidateObserved 81.2.69.1',
          'CandidateRejected 255.255.255.255',
          'CandidateObserved 81.2.69.2',
          'CandidateObserved 81.2.69.3',
          'CandidateObserved 81.2.69.4',
        ],
      );
    } finally {
      recorder.stop();
    }
  });

  test('a log that does not exist yet: SourceFailed, then its address once it appears', async () => {
    const path = join(dir, 'fw-later.log');
    const recorder = record(firewallLog({ file: path, wanInterface: 'ppp0', allowPrivate: false, ...fast }, deps).watch());
    try {
      await recorder.waitFor((e) => e.type === 'SourceFailed');
      await writeFile(path, `${packet('ppp0', '81.2.69.160')}\n`);
      await recorder.waitFor(isObserved('81.2.69.160'));
    } finally {
      recorder.stop();
    }
  });
});
