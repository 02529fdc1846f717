// IPv6 and dual stack through the built CLI, against the loopback NIC v2 server on ::1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HOSTS, startWorld, type World } from '../support/world.js';

const A = HOSTS[0] as string;
const V4 = '81.2.69.160';
const V6 = '2a00:1450:4001:81a::200e';

async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const world = await startWorld(undefined, '::1');
  try { await fn(world); } finally { await world.close(); }
}

describe('IPv6 and dual stack (server on ::1)', () => {
  test('v6 only: --ipv6 sends the IPv6 address alone and ipcheck.dat is left to IPv4', () => withWorld(async (w) => {
    assert.match(w.nic.url, /^http:\/\/\[::1\]:\d+$/);
    const result = await w.ipcheck(['--ipv6', '-a', V6]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), V6);
    assert.equal(w.nic.addressOf(A)?.ipv6, V6);
    assert.equal((await w.ipcheck(['--ipv6', '-a', V6])).status, 0);
    assert.equal(w.nic.updates().length, 1, 'the same IPv6 address is not sent again');
  }));

  test('dual stack: both families go in one request, myip=v4,v6', () => withWorld(async (w) => {
    const result = await w.ipcheck(['--ipv4', '--ipv6', '-a', `${V4},${V6}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates().length, 1);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), `${V4},${V6}`);
    assert.deepEqual(w.nic.addressOf(A), { ipv4: V4, ipv6: V6 });
    assert.equal(readFileSync(join(w.dir, 'ipcheck.dat'), 'utf8'), `${V4}\n${A}\n`);
  }));

  test('dual stack, one family changed: the other family\'s last address is carried so its record stays', () => withWorld(async (w) => {
    await w.ipcheck(['--ipv4', '--ipv6', '-a', `${V4},${V6}`]);
    const result = await w.ipcheck(['--ipv4', '--ipv6', '--min-interval', '0', '-a', `81.2.69.161,${V6}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates().length, 2);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), `81.2.69.161,${V6}`);
    assert.deepEqual(w.nic.addressOf(A), { ipv4: '81.2.69.161', ipv6: V6 });
  }));

  test('dual stack with the IPv6 address unknown: nothing is sent rather than the AAAA record wiped', () => withWorld(async (w) => {
    const result = await w.ipcheck(['--ipv4', '--ipv6', '-a', V4]);
    assert.equal(w.nic.updates().length, 0);
    assert.match(result.stdout + result.stderr, /AAAA record/);
    assert.match(result.stdout + result.stderr, /no detection method gives an IPv6 address/);
  }));

  test('--ipv6-param myipv6 sends IPv6 in its own parameter, and a lone IPv4 update is then safe', () => withWorld(async (w) => {
    const both = await w.ipcheck(['--ipv4', '--ipv6', '--ipv6-param', 'myipv6', '-a', `${V4},${V6}`]);
    assert.equal(both.status, 0, both.stderr);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), V4);
    assert.equal(w.nic.updates()[0]?.query.get('myipv6'), V6);
    const fresh = await startWorld(undefined, '::1');
    try {
      const alone = await fresh.ipcheck(['--ipv4', '--ipv6', '--ipv6-param', 'myipv6', '-a', V4]);
      assert.equal(alone.status, 0, alone.stderr);
      assert.equal(fresh.nic.updates()[0]?.query.get('myip'), V4);
      assert.equal(fresh.nic.updates()[0]?.query.has('myipv6'), false);
    } finally { await fresh.close(); }
  }));

  test('non-global IPv6 addresses are rejected: ULA, link-local, documentation, IPv4-mapped', () => withWorld(async (w) => {
    for (const [address, why] of [['fd12:3456::1', /unique local/], ['fe80::1', /link-local/], ['2001:db8::1', /documentation/], ['::ffff:81.2.69.160', /IPv4-mapped/]] as const) {
      const result = await w.ipcheck(['--ipv6', '-a', address]);
      assert.equal(result.status, 5, `${address}: ${result.stderr}`);
      assert.match(result.stderr, why);
    }
    assert.equal(w.nic.updates().length, 0);
  }));

  test('--ipv6-suffix puts the fixed interface identifier after the detected prefix', () => withWorld(async (w) => {
    const result = await w.ipcheck(['--ipv6', '--ipv6-suffix', '::1:2:3:4', '-a', V6]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), '2a00:1450:4001:81a:1:2:3:4');
  }));
});
