import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { NetworkInterfaceInfo } from 'node:os';
import { PassThrough } from 'node:stream';
import type { spawn } from 'node:child_process';
import { firstValueFrom, toArray } from 'rxjs';
import { interfaceAddress } from '../../src/sources/interface-address.js';
import type { SourceEvent } from '../../src/sources/source.js';
import { record } from '../support/observable-recorder.js';

function v4(address: string): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: `${address}/24` };
}
function v6(address: string): NetworkInterfaceInfo {
  return { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: `${address}/64`, scopeid: 0 };
}

/** A network whose interfaces the test changes at will. */
function fakeNetwork(initial: Record<string, NetworkInterfaceInfo[]>) {
  let current = initial;
  return {
    set(next: Record<string, NetworkInterfaceInfo[]>) {
      current = next;
    },
    networkInterfaces: () => current,
  };
}

/** A stand-in for `ip monitor`: the test writes its lines, and sees whether it was killed. */
function fakeMonitor() {
  const child = Object.assign(new EventEmitter(), {
    stdout: new PassThrough(),
    exitCode: null as number | null,
    signalCode: null as string | null,
    killed: false,
    kill() {
      child.killed = true;
      child.signalCode = 'SIGTERM';
      return true;
    },
  });
  const calls: string[][] = [];
  const spawnFake = ((command: string, args: string[]) => {
    calls.push([command, ...args]);
    return child;
  }) as unknown as typeof spawn;
  return { child, calls, spawn: spawnFake };
}

const noLink = () => false;
const once = (source: ReturnType<typeof interfaceAddress>) => firstValueFrom(source.once().pipe(toArray()));
const reasonOf = (e: SourceEvent | undefined) => (e?.type === 'SourceFailed' ? e.reason : `(not a failure: ${JSON.stringify(e)})`);

describe('interfaceAddress once()', () => {
  test('only private addresses: nothing observed, each rejected, a clear message', async () => {
    const net = fakeNetwork({ lo: [v4('127.0.0.1')], eth0: [v4('10.0.0.5'), v4('169.254.3.4')] });
    const events = await once(interfaceAddress({ interfaceName: 'eth0', allowPrivate: false }, { now: Date.now, networkInterfaces: net.networkInterfaces }));
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'CandidateRejected', 'SourceFailed']);
    assert.equal(
      reasonOf(events[2]),
      'interface eth0 has only addresses that are not public (10.0.0.5: private (RFC 1918); 169.254.3.4: link-local); ' +
        'use --allow-private if this is a LAN-only setup, or detect the public address another way (-r URL or a router option)',
    );
  });

  test('mixed: the public address is chosen, the others rejected', async () => {
    const net = fakeNetwork({ eth0: [v4('10.0.0.5'), v6('2a00:1450:4001:81b::200e'), v4('81.2.69.160'), v4('81.2.69.161')] });
    const events = await once(interfaceAddress({ interfaceName: 'eth0', allowPrivate: false }, { now: Date.now, networkInterfaces: net.networkInterfaces }));
    assert.deepEqual(events, [
      { type: 'CandidateRejected', source: 'interface eth0', address: '10.0.0.5', reason: '10.0.0.5 is private (RFC 1918), not reachable from the internet; use --allow-private if this is a LAN-only setup' },
      { type: 'CandidateObserved', source: 'interface eth0', family: 'ipv4', address: '81.2.69.160' },
    ]);
  });

  test('allowPrivate takes the private address', async () => {
    const net = fakeNetwork({ eth0: [v4('10.0.0.5')] });
    const events = await once(interfaceAddress({ interfaceName: 'eth0', allowPrivate: true }, { now: Date.now, networkInterfaces: net.networkInterfaces }));
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: 'interface eth0', family: 'ipv4', address: '10.0.0.5' }]);
  });

  test('family ipv6 reports the interface IPv6 address', async () => {
    const net = fakeNetwork({ eth0: [v4('81.2.69.160'), v6('fe80::1'), v6('2A00:1450:4001:81B::200E')] });
    const events = await once(
      interfaceAddress({ interfaceName: 'eth0', allowPrivate: false, family: 'ipv6' }, { now: Date.now, networkInterfaces: net.networkInterfaces }),
    );
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'CandidateObserved']);
    assert.deepEqual(events[1], { type: 'CandidateObserved', source: 'interface eth0 (IPv6)', family: 'ipv6', address: '2a00:1450:4001:81b::200e' });
  });

  test('a missing interface: the message lists the others and the option', async () => {
    const net = fakeNetwork({ lo: [v4('127.0.0.1')], eth0: [v4('10.0.0.5')] });
    const events = await once(
      interfaceAddress({ interfaceName: 'ppp0', allowPrivate: false }, { now: Date.now, networkInterfaces: net.networkInterfaces, linkExists: noLink }),
    );
    assert.deepEqual(events, [{ type: 'SourceFailed', source: 'interface ppp0', reason: 'no interface named ppp0; interfaces here: lo, eth0; use -i NAME' }]);
  });

  test('an interface that exists but is down is not called missing', async () => {
    const net = fakeNetwork({ lo: [v4('127.0.0.1')] });
    const events = await once(
      interfaceAddress({ interfaceName: 'ppp0', allowPrivate: false }, { now: Date.now, networkInterfaces: net.networkInterfaces, linkExists: () => true }),
    );
    assert.match(reasonOf(events[0]), /interface ppp0 is down or not connected/);
  });

  test('an interface without an address of the family says so', async () => {
    const net = fakeNetwork({ ppp0: [v6('fe80::1')] });
    const events = await once(interfaceAddress({ interfaceName: 'ppp0', allowPrivate: false }, { now: Date.now, networkInterfaces: net.networkInterfaces }));
    assert.equal(reasonOf(events[0]), 'interface ppp0 has no IPv4 address (not connected yet?)');
  });
});

describe('interfaceAddress watch()', () => {
  test('follows `ip -o monitor`: emits on a change of address only, and across the interface vanishing', async () => {
    const net = fakeNetwork({ lo: [v4('127.0.0.1')], ppp0: [v4('81.2.69.1')] });
    const monitor = fakeMonitor();
    const source = interfaceAddress(
      { interfaceName: 'ppp0', allowPrivate: false },
      { now: Date.now, networkInterfaces: net.networkInterfaces, spawn: monitor.spawn, platform: 'linux', linkExists: noLink },
    );
    const recorder = record(source.watch());
    try {
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.1');
      assert.deepEqual(monitor.calls, [['ip', '-o', 'monitor', 'address', 'link']]);

      monitor.child.stdout.write('7: eth1    inet 10.9.9.9/24 scope global eth1\n'); // another interface: no change here
      net.set({ lo: [v4('127.0.0.1')], ppp0: [v4('81.2.69.2')] });
      monitor.child.stdout.write('9: ppp0    inet 81.2.69.2 peer 10.64.0.1/32 scope global ppp0\n');
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.2');

      net.set({ lo: [v4('127.0.0.1')] });
      monitor.child.stdout.write('Deleted 9: ppp0    inet 81.2.69.2 peer 10.64.0.1/32 scope global ppp0\n');
      const gone = await recorder.waitFor((e) => e.type === 'SourceFailed');
      assert.match(reasonOf(gone), /no interface named ppp0/);

      net.set({ lo: [v4('127.0.0.1')], ppp0: [v4('81.2.69.3')] });
      monitor.child.stdout.write('10: ppp0    inet 81.2.69.3 peer 10.64.0.1/32 scope global ppp0\n');
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.3');

      assert.deepEqual(
        recorder.values.map((e) => e.type),
        ['CandidateObserved', 'CandidateObserved', 'SourceFailed', 'CandidateObserved'],
      );
    } finally {
      recorder.stop();
    }
    assert.equal(monitor.child.killed, true, 'unsubscribing stops ip monitor');
  });

  test('falls back to polling when `ip` cannot be started', async () => {
    const net = fakeNetwork({ eth0: [v4('81.2.69.1')] });
    const monitor = fakeMonitor();
    const source = interfaceAddress(
      { interfaceName: 'eth0', allowPrivate: false, pollMs: 30 },
      { now: Date.now, networkInterfaces: net.networkInterfaces, spawn: monitor.spawn, platform: 'linux' },
    );
    const recorder = record(source.watch());
    try {
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.1');
      monitor.child.emit('error', Object.assign(new Error('spawn ip ENOENT'), { code: 'ENOENT' }));
      net.set({ eth0: [v4('81.2.69.2')] });
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.2', { timeoutMs: 2000 });
      assert.equal(recorder.values.length, 2, 'unchanged polls emit nothing');
    } finally {
      recorder.stop();
    }
  });

  test('polls where there is no ip monitor (not Linux)', async () => {
    const net = fakeNetwork({ eth0: [v4('10.0.0.1')] });
    const monitor = fakeMonitor();
    const source = interfaceAddress(
      { interfaceName: 'eth0', allowPrivate: false, pollMs: 30 },
      { now: Date.now, networkInterfaces: net.networkInterfaces, spawn: monitor.spawn, platform: 'darwin' },
    );
    const recorder = record(source.watch());
    try {
      await recorder.waitFor((e) => e.type === 'SourceFailed');
      net.set({ eth0: [v4('81.2.69.7')] });
      await recorder.waitFor((e) => e.type === 'CandidateObserved' && e.address === '81.2.69.7', { timeoutMs: 2000 });
      assert.equal(monitor.calls.length, 0);
    } finally {
      recorder.stop();
    }
  });
});
