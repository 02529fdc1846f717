// Choosing the IPv6 address to publish: flags from /proc/net/if_inet6, temporary, deprecated and
// tentative addresses refused, stable identifiers preferred; and the interface source using them.
import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'node:test';
import { parseIfInet6, stability, unstableReason } from '../../src/sources/ipv6-address-flags.js';
import { interfaceAddress } from '../../src/sources/interface-address.js';

// Real lines as the kernel prints them: address, ifindex, prefix length, scope, flags, name.
const IF_INET6 = [
  '2a0014504001081a 021122fffe334455 04 40 00 00     eth0', // malformed (a blank inside): ignored
  '2a0014504001081a021122fffe334455 04 40 00 80     eth0',
  '2a0014504001081a9a3f0cc8ec2b1d01 04 40 00 01     eth0',
  '2a001450400100990000000000000009 04 40 00 a0     eth0',
  'fe80000000000000021122fffe334455 04 40 20 80     eth0',
  '2a0014504001081a0000000000000777 05 40 00 80     wlan0',
].join('\n');

test('parseIfInet6 reads the flags of one interface, by canonical address', () => {
  const flags = parseIfInet6(IF_INET6, 'eth0');
  assert.equal(flags.get('2a00:1450:4001:81a:211:22ff:fe33:4455'), 0x80);
  assert.equal(flags.get('2a00:1450:4001:81a:9a3f:cc8:ec2b:1d01'), 0x01);
  assert.equal(flags.get('2a00:1450:4001:99::9'), 0xa0);
  assert.equal(flags.get('fe80::211:22ff:fe33:4455'), 0x80);
  assert.equal(flags.has('2a00:1450:4001:81a::777'), false, 'another interface');
});

test('unstableReason refuses temporary, deprecated and tentative addresses', () => {
  assert.match(String(unstableReason(0x01)), /temporary/);
  assert.match(String(unstableReason(0xa0)), /deprecated/);
  assert.match(String(unstableReason(0x40)), /duplicate address detection/);
  assert.match(String(unstableReason(0x08)), /duplicate address detection/);
  assert.equal(unstableReason(0x80), undefined);
  assert.equal(unstableReason(0x00), undefined);
  assert.equal(unstableReason(undefined), undefined);
});

test('stability prefers EUI-64 and stable-privacy, then manual, then the rest', () => {
  assert.equal(stability('2a00:1450:4001:81a:211:22ff:fe33:4455', 0), 2);
  assert.equal(stability('2a00:1450:4001:81a:1234:5678:9abc:def0', 0x800), 2);
  assert.equal(stability('2a00:1450:4001:81a::10', 0x80), 1);
  assert.equal(stability('2a00:1450:4001:81a:1234:5678:9abc:def0', 0), 0);
});

test('the interface source publishes the stable global address, not the temporary one listed first', async () => {
  const temporary = '2a00:1450:4001:81a:9a3f:cc8:ec2b:1d01';
  const dynamic = '2a00:1450:4001:81a:1234:5678:9abc:def0';
  const eui64 = '2a00:1450:4001:81a:211:22ff:fe33:4455';
  const info = (address: string) => ({ address, family: 'IPv6' as const, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:11:22:33:44:55', internal: false, cidr: `${address}/64`, scopeid: 0 });
  const source = interfaceAddress({ interfaceName: 'eth0', allowPrivate: false, family: 'ipv6' }, {
    now: () => 0,
    networkInterfaces: () => ({ eth0: [info(temporary), info('fd12:3456::1'), info(dynamic), info(eui64), info('2a00:1450:4001:99::9')] }),
    ipv6Flags: () => new Map([[temporary, 0x01], [dynamic, 0x00], [eui64, 0x00], ['2a00:1450:4001:99::9', 0xa0]]),
    platform: 'linux',
  });
  const events = await lastValueFrom(source.once().pipe(toArray()));
  const chosen = events.find((e) => e.type === 'CandidateObserved');
  assert.equal(chosen?.type === 'CandidateObserved' && chosen.address, eui64);
  const rejectedAddresses = events.flatMap((e) => (e.type === 'CandidateRejected' ? [e.address] : []));
  assert.deepEqual(rejectedAddresses.sort(), [temporary, 'fd12:3456::1', '2a00:1450:4001:99::9'].sort());
});
