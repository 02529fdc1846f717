import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, toArray, type Observable } from 'rxjs';
import {
  addressFromIndex,
  addressFromValue,
  parseSnmpTarget,
  snmpGet,
  snmpWalk,
} from '../../src/sources/snmp-address.js';
import type { SourceEvent } from '../../src/sources/source.js';
import { record } from '../support/observable-recorder.js';
import { IP_AD_ENT_ADDR, SYS_LOCATION, startSnmpTestAgent, type SnmpTestAgent } from '../support/snmp-test-agent.js';
import { startSnmpd, type SnmpdProcess } from '../support/snmpd-process.js';
import { startSilentUdpPort } from '../support/silent-udp-port.js';

const deps = { now: () => Date.now() };
const once = (source: { once(): Observable<SourceEvent> }) => firstValueFrom(source.once().pipe(toArray()));
const reasonOf = (e: SourceEvent | undefined) => (e?.type === 'SourceFailed' ? e.reason : `(not a failure: ${JSON.stringify(e)})`);

test('importing the SNMP source does not load net-snmp (it loads on the first request)', () => {
  const source = new URL('../../src/sources/snmp-address.ts', import.meta.url).href;
  const program = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(source)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('net-snmp'));
    process.stdout.write(String(loaded));`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    encoding: 'utf8',
  });
  assert.equal(output, 'false');
});

describe('parseSnmpTarget', () => {
  test('agent,community,oid; the community may hold commas', () => {
    assert.deepEqual(parseSnmpTarget('192.168.1.1,public,.1.3.6.1.2.1.4.20.1.1'), {
      ok: true,
      target: { agent: '192.168.1.1', community: 'public', oid: '.1.3.6.1.2.1.4.20.1.1' },
    });
    assert.deepEqual(parseSnmpTarget('router.lan:1161,se,cr,et,1.3.6.1.2.1.1.6.0'), {
      ok: true,
      target: { agent: 'router.lan:1161', community: 'se,cr,et', oid: '1.3.6.1.2.1.1.6.0' },
    });
  });

  test('bad input gives a clear reason that never repeats the community', () => {
    const cases: [string, RegExp][] = [
      ['192.168.1.1,secret', /needs three parts, agent,community,oid \(e\.g\. 192\.168\.1\.1,public,\.1\.3\.6\.1\.2\.1\.4\.20\.1\.1\); got 2/],
      [',secret,.1.3.6.1', /no agent before the first comma/],
      ['192.168.1.1,,.1.3.6.1', /empty community/],
      ['192.168.1.1,secret,ipAdEntAddr', /the OID "ipAdEntAddr" is not a numeric OID: write it like \.1\.3\.6\.1\.2\.1\.4\.20\.1\.1 \(MIB names/],
      ['192.168.1.1,secret,.1.3..6', /not a numeric OID/],
      ['192.168.1.1:99999,secret,.1.3.6', /port "99999" is not a port number/],
    ];
    for (const [input, expected] of cases) {
      const parsed = parseSnmpTarget(input);
      assert.equal(parsed.ok, false, input);
      const reason = parsed.ok ? '' : parsed.reason;
      assert.match(reason, expected, input);
      assert.ok(!reason.includes('secret'), `community leaked: ${reason}`);
    }
  });
});

describe('SNMP values and indexes', () => {
  test('values: IpAddress text, OctetString text, raw 4 and 16 bytes', () => {
    assert.equal(addressFromValue('81.2.69.160'), '81.2.69.160');
    assert.equal(addressFromValue(Buffer.from(' 81.2.69.160\0')), '81.2.69.160');
    assert.equal(addressFromValue(Buffer.from([81, 2, 69, 160])), '81.2.69.160');
    assert.equal(addressFromValue(Buffer.from('2a00145040010 81b000000000000200e'.replace(/ /g, ''), 'hex')), '2a00:1450:4001:81b::200e');
    assert.equal(addressFromValue(Buffer.from('sysadmin')), undefined);
  });

  test('indexes: ipAdEntAddr a.b.c.d and IP-MIB type.length.octets', () => {
    assert.equal(addressFromIndex([81, 2, 69, 160]), '81.2.69.160');
    assert.equal(addressFromIndex([1, 4, 81, 2, 69, 160]), '81.2.69.160');
    assert.equal(addressFromIndex([2, 16, 0x2a, 0, 0x14, 0x50, 0x40, 1, 8, 0x1b, 0, 0, 0, 0, 0, 0, 0x20, 0x0e]), '2a00:1450:4001:81b::200e');
    assert.equal(addressFromIndex([7]), undefined);
  });
});

describe('snmpWalk / snmpGet against a controlled agent', () => {
  let agent: SnmpTestAgent;
  before(async () => {
    agent = await startSnmpTestAgent({ addresses: ['127.0.0.1', '10.0.0.1', '192.168.1.5', '81.2.69.160'], location: '81.2.69.161' });
  });
  after(async () => {
    await agent.close();
  });
  const options = () => ({ agent: `127.0.0.1:${agent.port}`, community: agent.community, allowPrivate: false, timeoutMs: 500, retries: 0 });

  for (const version of ['1', '2c'] as const) {
    test(`walk (v${version}): loopback, private and the agent's own address are rejected, the public one is used`, async () => {
      const events = await once(snmpWalk({ ...options(), oid: IP_AD_ENT_ADDR, version }, deps));
      const source = `snmp walk 127.0.0.1:${agent.port} ${IP_AD_ENT_ADDR}`;
      // Rows come in the agent's order; the last usable one is taken (ipcheck.py's rule).
      assert.deepEqual(
        events.map((e) => `${e.type} ${'address' in e ? e.address : ''}`),
        ['CandidateRejected 10.0.0.1', 'CandidateRejected 127.0.0.1', 'CandidateRejected 192.168.1.5', 'CandidateObserved 81.2.69.160'],
      );
      assert.ok(events.every((e) => e.source === source));
      assert.match(JSON.stringify(events), /127\.0\.0\.1 is the SNMP agent's own address/);
      assert.match(JSON.stringify(events), /10\.0\.0\.1 is private \(RFC 1918\)/);
    });
  }

  test('walk: only unusable addresses → SourceFailed listing them', async () => {
    const local = await startSnmpTestAgent({ addresses: ['127.0.0.1', '10.0.0.1'] });
    try {
      const events = await once(snmpWalk({ ...options(), agent: `127.0.0.1:${local.port}`, community: local.community, oid: IP_AD_ENT_ADDR }, deps));
      assert.match(reasonOf(events[events.length - 1]), /lists no usable address under \.1\.3\.6\.1\.2\.1\.4\.20\.1\.1 \(10\.0\.0\.1, 127\.0\.0\.1\)/);
    } finally {
      await local.close();
    }
  });

  test('walk: an OID with nothing under it → SourceFailed naming the OID', async () => {
    const events = await once(snmpWalk({ ...options(), oid: '.1.3.6.1.4.1.99999', version: '2c' }, deps));
    assert.match(reasonOf(events[0]), /has no entries under \.1\.3\.6\.1\.4\.1\.99999: check the OID/);
  });

  test('get: an OctetString holding the address', async () => {
    const events = await once(snmpGet({ ...options(), oid: SYS_LOCATION, version: '2c' }, deps));
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: `snmp 127.0.0.1:${agent.port} ${SYS_LOCATION}`, family: 'ipv4', address: '81.2.69.161' }]);
  });

  test('get: an IpAddress value (a table cell)', async () => {
    const events = await once(snmpGet({ ...options(), oid: `${IP_AD_ENT_ADDR}.81.2.69.160`, version: '1' }, deps));
    assert.deepEqual(events.map((e) => e.type === 'CandidateObserved' && e.address), ['81.2.69.160']);
  });

  test('get: no such object → SourceFailed about the OID', async () => {
    for (const version of ['1', '2c'] as const) {
      const events = await once(snmpGet({ ...options(), oid: '.1.3.6.1.2.1.1.99.0', version }, deps));
      assert.match(reasonOf(events[0]), /has no value at \.1\.3\.6\.1\.2\.1\.1\.99\.0: check the OID/, `v${version}`);
    }
  });

  test('get: a value that is not an address', async () => {
    const events = await once(snmpGet({ ...options(), oid: '.1.3.6.1.2.1.1.4.0', version: '2c' }, deps));
    assert.match(reasonOf(events[0]), /gives "admin@example\.org" at \.1\.3\.6\.1\.2\.1\.1\.4\.0, which is not an IP address/);
  });

  test('watch: polls and emits on a change of address only', async () => {
    const changing = await startSnmpTestAgent({ location: '81.2.69.1' });
    const recorder = record(
      snmpGet({ ...options(), agent: `127.0.0.1:${changing.port}`, community: changing.community, oid: SYS_LOCATION, version: '2c', pollMs: 50 }, deps).watch(),
    );
    try {
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.1');
      await new Promise((resolve) => setTimeout(resolve, 200)); // several unchanged polls
      changing.setLocation('81.2.69.2');
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.2');
      assert.equal(recorder.values.length, 2, JSON.stringify(recorder.values));
    } finally {
      recorder.stop();
      await changing.close();
    }
  });
});

describe('an agent that does not answer', () => {
  test('a bounded wait, then SourceFailed saying what to check', async () => {
    const silent = await startSilentUdpPort();
    try {
      const started = performance.now();
      const events = await once(
        snmpGet({ agent: `127.0.0.1:${silent.port}`, community: 'secret-community', oid: SYS_LOCATION, timeoutMs: 300, retries: 1, allowPrivate: false }, deps),
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 550 && elapsed < 2000, `waited ${elapsed.toFixed(0)} ms for 2 tries of 300 ms`);
      assert.equal(silent.received(), 2, 'the request was sent, then retried once');
      assert.match(
        reasonOf(events[0]),
        new RegExp(`SNMP agent 127\\.0\\.0\\.1:${silent.port} did not answer within 0\\.6 s \\(2 tries of 300 ms\\): check the agent address and port, that SNMP is enabled on the device, and the community`),
      );
      assert.ok(!JSON.stringify(events).includes('secret-community'));
    } finally {
      await silent.close();
    }
  });

  test('walk too', async () => {
    const silent = await startSilentUdpPort();
    try {
      const events = await once(
        snmpWalk({ agent: `127.0.0.1:${silent.port}`, community: 'c', oid: IP_AD_ENT_ADDR, timeoutMs: 200, retries: 0, allowPrivate: false }, deps),
      );
      assert.match(reasonOf(events[0]), /did not answer within 0\.2 s \(1 try of 200 ms\)/);
    } finally {
      await silent.close();
    }
  });
});

// CI installs snmpd (.ci/run); if it is missing here, startSnmpd throws and these tests fail.
describe('snmpGet against Debian snmpd', () => {
  let snmpd: SnmpdProcess;
  before(async () => {
    snmpd = await startSnmpd({ community: 'ipcheck-test', sysLocation: '81.2.69.160', sysContact: '10.1.2.3' });
  });
  after(async () => {
    await snmpd?.stop();
  });

  for (const version of ['1', '2c'] as const) {
    test(`v${version} GET of sysLocation gives the address`, async () => {
      const events = await once(
        snmpGet({ agent: `127.0.0.1:${snmpd.port}`, community: snmpd.community, oid: SYS_LOCATION, version, allowPrivate: false, timeoutMs: 1000 }, deps),
      );
      assert.deepEqual(events, [{ type: 'CandidateObserved', source: `snmp 127.0.0.1:${snmpd.port} ${SYS_LOCATION}`, family: 'ipv4', address: '81.2.69.160' }]);
    });
  }

  test('v1 noSuchName (an error status, not a value) → SourceFailed about the OID', async () => {
    const events = await once(
      snmpGet({ agent: `127.0.0.1:${snmpd.port}`, community: snmpd.community, oid: '.1.3.6.1.2.1.1.99.0', version: '1', allowPrivate: false, timeoutMs: 1000 }, deps),
    );
    assert.match(reasonOf(events[0]), /refused the request \(.*NoSuchName.*\): check the OID/);
  });

  test('a private value is rejected with the reason', async () => {
    const events = await once(
      snmpGet({ agent: `127.0.0.1:${snmpd.port}`, community: snmpd.community, oid: '1.3.6.1.2.1.1.4.0', version: '2c', allowPrivate: false, timeoutMs: 1000 }, deps),
    );
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'SourceFailed']);
    assert.match(reasonOf(events[1]), /gives 10\.1\.2\.3 is private \(RFC 1918\)/);
  });

  test('a wrong community is ignored by snmpd: a bounded wait and the hint to check it', async () => {
    const events = await once(
      snmpGet({ agent: `127.0.0.1:${snmpd.port}`, community: 'wrong', oid: SYS_LOCATION, version: '2c', allowPrivate: false, timeoutMs: 300, retries: 0 }, deps),
    );
    assert.match(reasonOf(events[0]), /did not answer within 0\.3 s .*and the community \(an agent ignores a wrong one\)/);
  });
});
