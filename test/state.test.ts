// The state is a fold over the events (DESIGN "The one idea"): one row per event kind, then
// foldAll against step-by-step folding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, EventBody } from '../src/events.js';
import { activeLatch, activeWait, EMPTY_STATE, fold, foldAll, lastRecord, type State } from '../src/state.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const A = 'a.example.org';
const B = 'b.example.org';

/** Numbers the bodies and spaces them a minute apart, as the event log would. */
function events(...bodies: EventBody[]): Event[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, at: T0 + i * MINUTE }) as Event);
}

function stateAfter(...bodies: EventBody[]): State {
  return foldAll(events(...bodies));
}

const updated = (host: string, address: string | null, family: 'ipv4' | 'ipv6' = 'ipv4'): EventBody =>
  ({ type: 'HostUpdated', host, family, address, code: 'good', offline: false });
const attempted = (hosts: string[], address: string | null = '1.2.3.4'): EventBody =>
  ({ type: 'UpdateAttempted', hosts, family: 'ipv4', address, offline: false, url: 'https://members.dyndns.org/nic/update?…' });
const latched = (scope: { host: string } | { account: true }, code: string): EventBody =>
  ({ type: 'HostLatched', scope, code, detail: '', message: `${code} message` });
const waitFor = (scope: { host: string } | { account: true }, code: string, until: number): EventBody =>
  ({ type: 'WaitRequested', scope, code, until, message: `${code} wait` });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('fold: one event at a time', () => {
  test('the empty state', () => {
    assert.deepEqual(EMPTY_STATE, { seq: 0, hosts: {}, account: {}, serverFailures: 0 });
  });

  test('every event advances seq, even one that changes nothing else', () => {
    const s = fold(EMPTY_STATE, { type: 'RunStarted', mode: 'once', version: '1', hosts: [A], pid: 1, seq: 7, at: T0 });
    assert.equal(s.seq, 7);
    assert.deepEqual(s.hosts, {});
  });

  test('HostUpdated records the address and the time of the event', () => {
    const s = stateAfter(updated(A, '1.2.3.4'));
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '1.2.3.4', updatedAt: T0 });
    assert.equal(s.lastUpdateAt, T0);
    assert.equal(lastRecord(s, B, 'ipv4'), undefined, 'other hosts untouched');
  });

  test('HostUpdated per family: IPv6 does not overwrite IPv4', () => {
    const s = stateAfter(updated(A, '1.2.3.4'), updated(A, '2001:db8::1', 'ipv6'));
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '1.2.3.4', updatedAt: T0 });
    assert.deepEqual(lastRecord(s, A, 'ipv6'), { address: '2001:db8::1', updatedAt: T0 + MINUTE });
  });

  test('a later HostUpdated replaces address and time', () => {
    const s = stateAfter(updated(A, '1.2.3.4'), updated(A, '5.6.7.8'));
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '5.6.7.8', updatedAt: T0 + MINUTE });
  });

  test('HostUpdated with a null address (server chose it) is recorded as null', () => {
    const s = stateAfter(updated(A, null));
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: null, updatedAt: T0 });
  });

  const latchRows: { name: string; scope: { host: string } | { account: true }; where: (s: State) => unknown; elsewhere: (s: State) => unknown }[] = [
    { name: 'a host latch sits on that host only', scope: { host: A }, where: (s) => s.hosts[A]?.latch, elsewhere: (s) => s.account.latch ?? s.hosts[B]?.latch },
    { name: 'an account latch sits on the account', scope: { account: true }, where: (s) => s.account.latch, elsewhere: (s) => s.hosts[A]?.latch },
  ];
  for (const row of latchRows) {
    test(`HostLatched: ${row.name}; ErrorCleared on the same scope removes it`, () => {
      const s = stateAfter(latched(row.scope, 'nohost'));
      assert.deepEqual(row.where(s), { code: 'nohost', detail: '', message: 'nohost message', at: T0 });
      assert.equal(row.elsewhere(s), undefined);
      const cleared = fold(s, { type: 'ErrorCleared', scope: row.scope, code: 'nohost', by: 'test', seq: 2, at: T0 + MINUTE });
      assert.equal(row.where(cleared), undefined);
    });
  }

  test('a badauth latch keeps its credential fingerprint', () => {
    const s = stateAfter({ type: 'HostLatched', scope: { account: true }, code: 'badauth', detail: 'alice', message: 'm', credential: 'scrypt:salt:hash' });
    assert.equal(s.account.latch?.credential, 'scrypt:salt:hash');
  });

  test('ErrorCleared for a host does not clear the account, nor the other way round', () => {
    const s = stateAfter(latched({ host: A }, 'nohost'), latched({ account: true }, 'badagent'),
      { type: 'ErrorCleared', scope: { host: A }, by: 'test' });
    assert.equal(s.hosts[A]?.latch, undefined);
    assert.equal(s.account.latch?.code, 'badagent');
    const t = stateAfter(latched({ host: A }, 'nohost'), latched({ account: true }, 'badagent'),
      { type: 'ErrorCleared', scope: { account: true }, by: 'test' });
    assert.equal(t.account.latch, undefined);
    assert.equal(t.hosts[A]?.latch?.code, 'nohost');
  });

  test('activeLatch: the account latch comes first, then the host\'s', () => {
    const s = stateAfter(latched({ host: A }, 'nohost'));
    assert.equal(activeLatch(s, A)?.code, 'nohost');
    assert.equal(activeLatch(s, B), undefined);
    const t = fold(s, { ...latched({ account: true }, 'badauth'), seq: 2, at: T0 } as Event);
    assert.equal(activeLatch(t, A)?.code, 'badauth');
    assert.equal(activeLatch(t, B)?.code, 'badauth');
  });

  test('WaitRequested per host and per account; WaitCleared removes only its scope', () => {
    const s = stateAfter(waitFor({ host: A }, 'w30m', T0 + 30 * MINUTE), waitFor({ account: true }, 'server', T0 + 60 * MINUTE));
    assert.deepEqual(s.hosts[A]?.wait, { code: 'w30m', until: T0 + 30 * MINUTE, message: 'w30m wait', at: T0 });
    assert.equal(s.account.wait?.code, 'server');
    const hostCleared = fold(s, { type: 'WaitCleared', scope: { host: A }, by: 'test', seq: 3, at: T0 });
    assert.equal(hostCleared.hosts[A]?.wait, undefined);
    assert.equal(hostCleared.account.wait?.code, 'server');
    const accountCleared = fold(s, { type: 'WaitCleared', scope: { account: true }, by: 'test', seq: 3, at: T0 });
    assert.equal(accountCleared.account.wait, undefined);
    assert.equal(accountCleared.hosts[A]?.wait?.code, 'w30m');
  });

  test('activeWait: the longest unexpired wait of the host or the account', () => {
    const s = stateAfter(waitFor({ host: A }, 'w30m', T0 + 30 * MINUTE), waitFor({ account: true }, 'server', T0 + 60 * MINUTE));
    assert.equal(activeWait(s, A, T0)?.code, 'server');
    assert.equal(activeWait(s, B, T0)?.code, 'server');
    assert.equal(activeWait(s, A, T0 + 90 * MINUTE), undefined, 'expired waits are not in force');
    const hostOnly = stateAfter(waitFor({ host: A }, 'w30m', T0 + 30 * MINUTE));
    assert.equal(activeWait(hostOnly, A, T0)?.code, 'w30m');
    assert.equal(activeWait(hostOnly, B, T0), undefined);
  });

  test('serverFailures grow with server waits, not with other waits, and reset on an accepted update', () => {
    const rows: [EventBody[], number][] = [
      [[], 0],
      [[waitFor({ account: true }, 'server', T0 + 30 * MINUTE)], 1],
      [[waitFor({ account: true }, 'server', T0), waitFor({ account: true }, 'server', T0)], 2],
      [[waitFor({ account: true }, 'server', T0), waitFor({ account: true }, 'server', T0), waitFor({ account: true }, 'server', T0)], 3],
      [[waitFor({ host: A }, 'w30m', T0)], 0],
      [[waitFor({ host: A }, '!active', T0)], 0],
      [[waitFor({ account: true }, 'server', T0), waitFor({ account: true }, 'server', T0), updated(A, '1.2.3.4')], 0],
      [[waitFor({ account: true }, 'server', T0), updated(A, '1.2.3.4'), waitFor({ account: true }, 'server', T0)], 1],
      [[waitFor({ account: true }, 'server', T0), latched({ host: A }, 'nohost')], 1],
    ];
    for (const [bodies, failures] of rows) {
      assert.equal(stateAfter(...bodies).serverFailures, failures, bodies.map((b) => b.type === 'WaitRequested' ? b.code : b.type).join(','));
    }
  });

  test('UpdateAttempted marks every host of the request in flight', () => {
    const s = stateAfter(attempted([A, B]));
    assert.deepEqual(s.hosts[A]?.inFlight, { address: '1.2.3.4', at: T0, family: 'ipv4' });
    assert.deepEqual(s.hosts[B]?.inFlight, { address: '1.2.3.4', at: T0, family: 'ipv4' });
  });

  const answers: { name: string; answer: EventBody; stillInFlight: string[] }[] = [
    { name: 'HostUpdated clears its host', answer: updated(A, '1.2.3.4'), stillInFlight: [B] },
    { name: 'a host latch clears its host', answer: latched({ host: A }, 'nohost'), stillInFlight: [B] },
    { name: 'a host wait clears its host', answer: waitFor({ host: B }, 'w30m', T0 + 30 * MINUTE), stillInFlight: [A] },
    { name: 'an account latch clears every host', answer: latched({ account: true }, 'badauth'), stillInFlight: [] },
    { name: 'an account wait clears every host', answer: waitFor({ account: true }, 'server', T0 + 30 * MINUTE), stillInFlight: [] },
    { name: 'UpdateFailed clears its hosts', answer: { type: 'UpdateFailed', hosts: [A, B], reason: 'timeout', transient: true }, stillInFlight: [] },
    { name: 'UpdateFailed for one host clears that host', answer: { type: 'UpdateFailed', hosts: [B], reason: 'no line', transient: true }, stillInFlight: [A] },
    { name: 'a non-200 reply clears its hosts', answer: { type: 'ReplyReceived', hosts: [A, B], status: 503, body: '' }, stillInFlight: [] },
    { name: 'a 200 reply alone does not (the per-host results follow)', answer: { type: 'ReplyReceived', hosts: [A, B], status: 200, body: 'good' }, stillInFlight: [A, B] },
  ];
  for (const row of answers) {
    test(`an answer clears inFlight: ${row.name}`, () => {
      const s = stateAfter(attempted([A, B]), row.answer);
      const inFlight = [A, B].filter((h) => s.hosts[h]?.inFlight !== undefined);
      assert.deepEqual(inFlight, row.stillInFlight);
    });
  }

  test('DatFileRead records the address with the file\'s time, not the event\'s', () => {
    const modifiedAt = T0 - 26 * 24 * 60 * MINUTE;
    const s = stateAfter({ type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt, origin: 'file' });
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '1.2.3.4', updatedAt: modifiedAt });
    assert.deepEqual(lastRecord(s, B, 'ipv4'), { address: '1.2.3.4', updatedAt: modifiedAt });
  });

  test('DatFileRead touched back in time moves updatedAt back', () => {
    const old = T0 - 30 * 24 * 60 * MINUTE;
    const s = stateAfter(updated(A, '1.2.3.4'), { type: 'DatFileRead', address: '1.2.3.4', hosts: [A], modifiedAt: old, origin: 'file' });
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '1.2.3.4', updatedAt: old });
  });

  test('DatFileRead with 0.0.0.0 removes the record (update next time, reference §8)', () => {
    const s = stateAfter(updated(A, '1.2.3.4'), updated(A, '2001:db8::1', 'ipv6'),
      { type: 'DatFileRead', address: '0.0.0.0', hosts: [A], modifiedAt: T0, origin: 'file' });
    assert.equal(lastRecord(s, A, 'ipv4'), undefined);
    assert.deepEqual(lastRecord(s, A, 'ipv6'), { address: '2001:db8::1', updatedAt: T0 + MINUTE }, 'the dat file speaks for IPv4 only');
  });

  test('HostsResolved keeps updatedAt of a known host and changes its address', () => {
    const s = stateAfter(updated(A, '1.2.3.4'), { type: 'HostsResolved', addresses: { [A]: '5.6.7.8' } });
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '5.6.7.8', updatedAt: T0 });
  });

  test('HostsResolved for an unknown host takes the time of the lookup', () => {
    const s = stateAfter({ type: 'RunStarted', mode: 'once', version: '1', hosts: [A], pid: 1 }, { type: 'HostsResolved', addresses: { [A]: '5.6.7.8' } });
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '5.6.7.8', updatedAt: T0 + MINUTE });
  });

  test('HostsResolved with null (no DNS record) removes the record', () => {
    const s = stateAfter(updated(A, '1.2.3.4'), { type: 'HostsResolved', addresses: { [A]: null } });
    assert.equal(lastRecord(s, A, 'ipv4'), undefined);
  });

  test('CandidateObserved remembers the last candidate', () => {
    const s = stateAfter({ type: 'CandidateObserved', source: 'manual', family: 'ipv4', address: '1.2.3.4' });
    assert.deepEqual(s.lastCandidate, { source: 'manual', address: '1.2.3.4', family: 'ipv4', at: T0 });
  });

  test('fold never changes the state it is given', () => {
    const before = deepFreeze(stateAfter(attempted([A]), latched({ host: B }, 'nohost'), waitFor({ account: true }, 'server', T0)));
    const copy = structuredClone(before);
    for (const [i, body] of [updated(A, '1.2.3.4'), { type: 'ErrorCleared', scope: { host: B }, by: 't' } as EventBody,
      { type: 'WaitCleared', scope: { account: true }, by: 't' } as EventBody, latched({ account: true }, 'badauth'),
      { type: 'DatFileRead', address: '0.0.0.0', hosts: [A], modifiedAt: T0, origin: 'file' } as EventBody].entries()) {
      fold(before, { ...body, seq: 100 + i, at: T0 } as Event);
    }
    assert.deepEqual(before, copy);
  });
});

describe('foldAll', () => {
  const log = events(
    { type: 'RunStarted', mode: 'once', version: '1', hosts: [A, B], pid: 1 },
    { type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt: T0 - 1000, origin: 'file' },
    { type: 'CandidateObserved', source: 'manual', family: 'ipv4', address: '5.6.7.8' },
    attempted([A, B], '5.6.7.8'),
    { type: 'ReplyReceived', hosts: [A, B], status: 200, body: 'good 5.6.7.8\nnohost' },
    updated(A, '5.6.7.8'),
    latched({ host: B }, 'nohost'),
    waitFor({ account: true }, 'server', T0 + 60 * MINUTE),
    { type: 'ErrorCleared', scope: { host: B }, by: 'user' },
    { type: 'WaitCleared', scope: { account: true }, by: 'user' },
    { type: 'HostsResolved', addresses: { [B]: '5.6.7.8' } },
    { type: 'RunFinished', status: 0 },
  );

  test('equals folding step by step, at every prefix', () => {
    for (let n = 0; n <= log.length; n++) {
      const prefix = log.slice(0, n);
      let stepwise = EMPTY_STATE;
      for (const event of prefix) stepwise = fold(stepwise, event);
      assert.deepEqual(foldAll(prefix), stepwise, `after ${n} events`);
    }
  });

  test('folding the rest onto a snapshot equals folding everything', () => {
    const snapshot = foldAll(log.slice(0, 5));
    assert.deepEqual(foldAll(log.slice(5), snapshot), foldAll(log));
  });

  test('the final state of the sample log', () => {
    const s = foldAll(log);
    assert.equal(s.seq, log.length);
    assert.deepEqual(lastRecord(s, A, 'ipv4'), { address: '5.6.7.8', updatedAt: T0 + 5 * MINUTE });
    assert.deepEqual(lastRecord(s, B, 'ipv4'), { address: '5.6.7.8', updatedAt: T0 - 1000 }, 'resolving keeps the dat file time');
    assert.equal(s.hosts[B]?.latch, undefined);
    assert.equal(s.account.wait, undefined);
    assert.equal(s.hosts[A]?.inFlight, undefined);
    assert.equal(s.hosts[B]?.inFlight, undefined);
    assert.equal(s.serverFailures, 1, 'cleared by the user, the failure count stays until an update is accepted');
  });

  test('foldAll of nothing is the empty state', () => {
    assert.deepEqual(foldAll([]), EMPTY_STATE);
  });
});
