// What ipcheck.dat, ipcheck.err and ipcheck.wait must say for a state (reference §4, §8, §10),
// so that scripts written for ipcheck.py keep working, and no password is ever written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBody } from '../../src/events.js';
import { errLine, project } from '../../src/legacy/projection.js';
import type { State } from '../../src/state.js';
import { stateOf as folded } from './folded-history.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const A = 'a.example.org';
const B = 'b.example.org';
const HOSTS = [A, B];

/** Events a minute apart from T0. */
function stateOf(...bodies: EventBody[]): State {
  return folded(T0, bodies, MINUTE);
}

const updated = (host: string, address: string | null): EventBody =>
  ({ type: 'HostUpdated', host, family: 'ipv4', address, code: 'good', offline: false });
const latched = (scope: { host: string } | { account: true }, code: string, detail = ''): EventBody =>
  ({ type: 'HostLatched', scope, code, detail, message: 'm' });

describe('ipcheck.dat: the address line, then one host per line', () => {
  const rows: { name: string; events: EventBody[]; dat: { address: string; hosts: string[]; modifiedAt: number } | undefined }[] = [
    { name: 'nothing known yet → no dat file', events: [], dat: undefined },
    { name: 'every host updated to the same address → that address, the configured hosts in order', events: [updated(B, '1.2.3.4'), updated(A, '1.2.3.4')], dat: { address: '1.2.3.4', hosts: [A, B], modifiedAt: T0 } },
    { name: 'the file\'s time is the oldest of the hosts\' last updates (its age drives the 25-day refresh)', events: [updated(A, '1.2.3.4'), updated(B, '1.2.3.4'), updated(A, '1.2.3.4')], dat: { address: '1.2.3.4', hosts: [A, B], modifiedAt: T0 + MINUTE } },
    { name: 'one host not updated yet → 0.0.0.0 (update next time)', events: [updated(A, '1.2.3.4')], dat: { address: '0.0.0.0', hosts: [A, B], modifiedAt: T0 } },
    { name: 'hosts at different addresses → 0.0.0.0', events: [updated(A, '1.2.3.4'), updated(B, '5.6.7.8')], dat: { address: '0.0.0.0', hosts: [A, B], modifiedAt: T0 } },
    { name: 'a host failed (latched, no record) → 0.0.0.0, as ipcheck.py wrote for per-host errors', events: [updated(A, '1.2.3.4'), latched({ host: B }, 'nohost')], dat: { address: '0.0.0.0', hosts: [A, B], modifiedAt: T0 } },
    { name: 'an update without a known address (-g, nothing echoed) → 0.0.0.0', events: [updated(A, null), updated(B, null)], dat: { address: '0.0.0.0', hosts: [A, B], modifiedAt: T0 } },
    { name: 'read from an old dat file → same address and time', events: [{ type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt: T0 - 3_600_000, origin: 'file' }], dat: { address: '1.2.3.4', hosts: [A, B], modifiedAt: T0 - 3_600_000 } },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(project(stateOf(...row.events), HOSTS, T0 + 10 * MINUTE).dat, row.dat);
    });
  }

  test('only the configured hosts are listed', () => {
    const s = stateOf(updated(A, '1.2.3.4'), updated('other.example.org', '1.2.3.4'));
    assert.deepEqual(project(s, [A], T0).dat, { address: '1.2.3.4', hosts: [A], modifiedAt: T0 });
  });

  test('IPv6 records do not go into the IPv4-only dat file', () => {
    const s = stateOf({ type: 'HostUpdated', host: A, family: 'ipv6', address: '2001:db8::1', code: 'good', offline: false });
    const dat = project(s, [A], T0).dat;
    assert.ok(dat === undefined || dat.address !== '2001:db8::1', JSON.stringify(dat));
  });
});

describe('ipcheck.err: one line per latch, in ipcheck.py\'s words', () => {
  const rows: { name: string; events: EventBody[]; lines: string[] }[] = [
    { name: 'no latch → no line (the file is removed)', events: [updated(A, '1.2.3.4')], lines: [] },
    { name: 'badauth → "badauth <user>", never the password', events: [latched({ account: true }, 'badauth', 'alice')], lines: ['badauth alice'] },
    { name: 'badsys → "badsys <system>"', events: [latched({ account: true }, 'badsys', 'statdns')], lines: ['badsys statdns'] },
    { name: 'badagent without detail → "badagent"', events: [latched({ account: true }, 'badagent')], lines: ['badagent'] },
    { name: 'host codes → "<code> <host>"', events: [latched({ host: A }, 'nohost'), latched({ host: B }, '!yours')], lines: [`nohost ${A}`, `!yours ${B}`] },
    { name: 'abuse, notfqdn, numhost, dnserr', events: [latched({ host: A }, 'abuse'), latched({ host: B }, 'dnserr', '12345')], lines: [`abuse ${A}`, `dnserr ${B}`] },
    { name: 'account line first, then hosts in configured order', events: [latched({ host: B }, 'nohost'), latched({ host: A }, 'notfqdn'), latched({ account: true }, '!donator')], lines: ['!donator', `notfqdn ${A}`, `nohost ${B}`] },
    { name: 'an unrecognized line imported from ipcheck.err is written back as it was', events: [latched({ account: true }, 'unrecognized', 'frobnicate 42')], lines: ['frobnicate 42'] },
    { name: 'a cleared latch is gone', events: [latched({ host: A }, 'nohost'), { type: 'ErrorCleared', scope: { host: A }, by: 'user' }], lines: [] },
    { name: 'a latch of a host no longer configured is not written', events: [latched({ host: 'gone.example.org' }, 'nohost')], lines: [] },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(project(stateOf(...row.events), HOSTS, T0).errLines, row.lines);
    });
  }

  test('a badauth latch with a credential fingerprint writes neither password nor fingerprint', () => {
    const s = stateOf({ type: 'HostLatched', scope: { account: true }, code: 'badauth', detail: 'alice', message: 'm', credential: 'scrypt:c2FsdA==:aGFzaA==' });
    const lines = project(s, HOSTS, T0).errLines;
    assert.deepEqual(lines, ['badauth alice']);
  });

  test('errLine: host form and account form', () => {
    assert.equal(errLine({ code: 'nohost', detail: '', message: '', at: 0 }, A), `nohost ${A}`);
    assert.equal(errLine({ code: 'badauth', detail: 'alice', message: '', at: 0 }), 'badauth alice');
    assert.equal(errLine({ code: 'badagent', detail: '', message: '', at: 0 }), 'badagent');
  });
});

describe('ipcheck.wait: "u <seconds>" and the time it was received', () => {
  const rows: { name: string; events: EventBody[]; now: number; wait: { code: string; receivedAt: number; until: number } | undefined }[] = [
    { name: 'no wait → no file', events: [], now: T0, wait: undefined },
    { name: 'a host wait of 30 minutes → u 1800', events: [{ type: 'WaitRequested', scope: { host: A }, code: 'w30m', until: T0 + 30 * MINUTE, message: 'm' }], now: T0 + MINUTE, wait: { code: 'u 1800', receivedAt: T0, until: T0 + 30 * MINUTE } },
    { name: 'an account wait → u <seconds>', events: [{ type: 'WaitRequested', scope: { account: true }, code: 'server', until: T0 + 90 * MINUTE, message: 'm' }], now: T0, wait: { code: 'u 5400', receivedAt: T0, until: T0 + 90 * MINUTE } },
    { name: 'an expired wait → no file', events: [{ type: 'WaitRequested', scope: { host: A }, code: 'w30m', until: T0 + 30 * MINUTE, message: 'm' }], now: T0 + 31 * MINUTE, wait: undefined },
    {
      name: 'several waits → the one that ends last',
      events: [
        { type: 'WaitRequested', scope: { host: A }, code: 'w10m', until: T0 + 10 * MINUTE, message: 'm' },
        { type: 'WaitRequested', scope: { host: B }, code: 'w02h', until: T0 + MINUTE + 120 * MINUTE, message: 'm' },
        { type: 'WaitRequested', scope: { account: true }, code: 'server', until: T0 + 2 * MINUTE + 30 * MINUTE, message: 'm' },
      ],
      now: T0 + 3 * MINUTE,
      wait: { code: 'u 7200', receivedAt: T0 + MINUTE, until: T0 + 121 * MINUTE },
    },
    { name: 'a wait of a host no longer configured → no file', events: [{ type: 'WaitRequested', scope: { host: 'gone.example.org' }, code: 'w30m', until: T0 + 30 * MINUTE, message: 'm' }], now: T0, wait: undefined },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(project(stateOf(...row.events), HOSTS, row.now).wait, row.wait);
    });
  }
});
