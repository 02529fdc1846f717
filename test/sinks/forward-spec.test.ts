import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForwardSpecError, parseForwardSpec } from '../../src/sinks/port-forward.js';

describe('parseForwardSpec', () => {
  test("reads ipcheck.py's own help example: 80,time/udp,21/6", () => {
    assert.deepEqual(parseForwardSpec('80,time/udp,21/6'), [
      { port: 80, protocol: 'tcp' },
      { port: 37, protocol: 'udp' },
      { port: 21, protocol: 'tcp' },
    ]);
  });

  test('ports, service names, protocol names and numbers, spaces and case', () => {
    assert.deepEqual(parseForwardSpec(' 5060/UDP , http ,ssh/17, 443/tcp'), [
      { port: 5060, protocol: 'udp' },
      { port: 80, protocol: 'tcp' },
      { port: 22, protocol: 'udp' },
      { port: 443, protocol: 'tcp' },
    ]);
  });

  test('repeats are dropped; the same port on both protocols is kept', () => {
    assert.deepEqual(parseForwardSpec('80,http,80/6,80/udp'), [
      { port: 80, protocol: 'tcp' },
      { port: 80, protocol: 'udp' },
    ]);
  });

  test('extra service names can be supplied (e.g. read from /etc/services)', () => {
    assert.deepEqual(parseForwardSpec('minecraft', { minecraft: 25565 }), [{ port: 25565, protocol: 'tcp' }]);
  });

  const errors: [string, RegExp][] = [
    ['', /needs at least one port/],
    ['80,,81', /has an empty entry/],
    ['0', /port 0 is out of range; ports go from 1 to 65535/],
    ['65536/udp', /port 65536 is out of range/],
    ['80/icmp', /unknown protocol "icmp"; only tcp \(6\) and udp \(17\) can be forwarded/],
    ['80/1', /unknown protocol "1"/],
    ['gopherx', /"gopherx" is neither a port number nor a known service name/],
    ['80/tcp/udp', /more than one "\/"/],
    ['constructor', /neither a port number nor a known service name/],
  ];
  for (const [spec, message] of errors) {
    test(`rejects ${JSON.stringify(spec)} with a clear message`, () => {
      assert.throws(() => parseForwardSpec(spec), (error: unknown) => error instanceof ForwardSpecError && message.test(error.message));
    });
  }
});
