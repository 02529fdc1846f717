// The legacy files are gates the user edits (reference §4, §9, §10): what changed behind our
// back becomes events. Pure rows here, with the files given as values; the same cases against
// real files in a temp directory are in test/store/legacy-files.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBody } from '../../src/events.js';
import { project } from '../../src/legacy/projection.js';
import { reconcileLegacy, type ReconcileInput } from '../../src/legacy/reconcile.js';
import type { ErrLine, LegacyFiles } from '../../src/store/legacy-files.js';
import { EMPTY_STATE, lastRecord, type State } from '../../src/state.js';
import { applied as appliedAt, stateOf as folded } from './folded-history.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const A = 'a.example.org';
const B = 'b.example.org';
const OTHER = 'other.example.org';
const USER = 'alice';
const PASSWORD = 'pw-One-1';
const CURRENT_FINGERPRINT = 'scrypt:current';

/** Events of the last hour, a second apart. */
function stateOf(...bodies: EventBody[]): State {
  return folded(NOW - 60 * MINUTE, bodies);
}

function reconcile(files: LegacyFiles, over: Partial<ReconcileInput> = {}) {
  return reconcileLegacy({
    state: EMPTY_STATE,
    files,
    hosts: [A, B],
    username: USER,
    password: PASSWORD,
    sameCredentials: (fingerprint) => fingerprint === CURRENT_FINGERPRINT,
    fingerprint: () => CURRENT_FINGERPRINT,
    now: NOW,
    ...over,
  });
}

function errLines(...raws: string[]): ErrLine[] {
  return raws.map((raw) => {
    const [code = '', ...args] = raw.split(/\s+/);
    return { code, args, raw };
  });
}

/** Applies the events as the pipeline would, to see what the state becomes. */
function applied(state: State, events: EventBody[]): State {
  return appliedAt(state, events, NOW);
}

const updatedBoth = (address: string): EventBody[] => [A, B].map((host) => ({ type: 'HostUpdated', host, family: 'ipv4', address, code: 'good', offline: false }));

describe('ipcheck.dat', () => {
  test('absent → resolve the hosts in DNS first (as --makedat), no event', () => {
    const r = reconcile({});
    assert.equal(r.needsMakedat, true);
    assert.deepEqual(r.events, []);
  });

  test('malformed (reported by the reader) → DNS, with a warning naming the problem', () => {
    const r = reconcile({ datProblem: '/d/ipcheck.dat is not in the ipcheck.dat format' });
    assert.equal(r.needsMakedat, true);
    assert.ok(r.warnings.some((w) => w.includes('ipcheck.dat is not in the ipcheck.dat format')), r.warnings.join('\n'));
  });

  test('first line not an address → DNS, with a warning quoting it', () => {
    const r = reconcile({ dat: { address: 'garbage', hosts: [A, B], modifiedAt: NOW - DAY } });
    assert.equal(r.needsMakedat, true);
    assert.deepEqual(r.events, []);
    assert.ok(r.warnings.some((w) => w.includes('garbage')), r.warnings.join('\n'));
  });

  test('present and new to the state → DatFileRead with its address, hosts and time', () => {
    const r = reconcile({ dat: { address: '1.2.3.4', hosts: [A, B], modifiedAt: NOW - 3 * DAY } });
    assert.equal(r.needsMakedat, false);
    assert.deepEqual(r.events, [{ type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt: NOW - 3 * DAY, origin: 'file' }]);
  });

  test('present and saying what the state says → nothing', () => {
    const state = stateOf(...updatedBoth('1.2.3.4'));
    const dat = project(state, [A, B], NOW).dat;
    assert.ok(dat);
    const r = reconcile({ dat: { ...dat, hosts: [...dat.hosts] } }, { state });
    assert.deepEqual(r.events, []);
    assert.equal(r.needsMakedat, false);
  });

  test('touched back in time → DatFileRead with the older time (asks for the 25-day refresh)', () => {
    const state = stateOf(...updatedBoth('1.2.3.4'));
    const old = NOW - 26 * DAY;
    const r = reconcile({ dat: { address: '1.2.3.4', hosts: [A, B], modifiedAt: old } }, { state });
    assert.deepEqual(r.events, [{ type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt: old, origin: 'file' }]);
    assert.equal(lastRecord(applied(state, r.events), A, 'ipv4')?.updatedAt, old);
  });

  test('0.0.0.0 written by the user → DatFileRead that removes the records (update next run)', () => {
    const state = stateOf(...updatedBoth('1.2.3.4'));
    const r = reconcile({ dat: { address: '0.0.0.0', hosts: [A, B], modifiedAt: NOW } }, { state });
    assert.equal(r.needsMakedat, false);
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0]?.type, 'DatFileRead');
    const after = applied(state, r.events);
    assert.equal(lastRecord(after, A, 'ipv4'), undefined);
    assert.equal(lastRecord(after, B, 'ipv4'), undefined);
  });

  test('hosts in the file that are not configured are left out', () => {
    const r = reconcile({ dat: { address: '1.2.3.4', hosts: [A, OTHER], modifiedAt: NOW - DAY } });
    assert.deepEqual(r.events, [{ type: 'DatFileRead', address: '1.2.3.4', hosts: [A], modifiedAt: NOW - DAY, origin: 'file' }]);
  });

  test('a file listing only other hosts says nothing about ours', () => {
    const r = reconcile({ dat: { address: '1.2.3.4', hosts: [OTHER], modifiedAt: NOW - DAY } });
    assert.deepEqual(r.events.filter((e) => e.type === 'DatFileRead'), []);
  });
});

describe('ipcheck.err: deleting it or a line of it clears latches', () => {
  const latchedState = () => stateOf(
    { type: 'HostLatched', scope: { account: true }, code: 'badagent', detail: '', message: 'm' },
    { type: 'HostLatched', scope: { host: A }, code: 'nohost', detail: '', message: 'm' },
    { type: 'HostLatched', scope: { host: B }, code: 'abuse', detail: '', message: 'm' },
  );

  test('file removed → ErrorCleared for every latch', () => {
    const r = reconcile({}, { state: latchedState() });
    const cleared = r.events.filter((e): e is Extract<EventBody, { type: 'ErrorCleared' }> => e.type === 'ErrorCleared');
    assert.deepEqual(cleared.map((e) => [e.scope, e.code]), [[{ account: true }, 'badagent'], [{ host: A }, 'nohost'], [{ host: B }, 'abuse']]);
    for (const e of cleared) assert.match(e.by, /ipcheck\.err/);
    const after = applied(latchedState(), r.events);
    assert.equal(after.account.latch, undefined);
    assert.equal(after.hosts[A]?.latch, undefined);
    assert.equal(after.hosts[B]?.latch, undefined);
  });

  test('one line removed → only that latch is cleared', () => {
    const r = reconcile({ err: errLines('badagent', `abuse ${B}`) }, { state: latchedState() });
    assert.deepEqual(r.events.map((e) => e.type === 'ErrorCleared' ? [e.type, e.scope, e.code] : [e.type]), [['ErrorCleared', { host: A }, 'nohost']]);
  });

  test('file unchanged → nothing', () => {
    const state = latchedState();
    const r = reconcile({ err: errLines(...project(state, [A, B], NOW).errLines) }, { state });
    assert.deepEqual(r.events, []);
  });

  test('extra spaces in a kept line do not count as a change', () => {
    const r = reconcile({ err: errLines('badagent', `nohost   ${A}`, `abuse ${B}`) }, { state: latchedState() });
    assert.deepEqual(r.events, []);
  });
});

describe('ipcheck.err: badauth and credentials', () => {
  test('ipcheck.py\'s "badauth user password" with the same credentials → latched, without the password', () => {
    const r = reconcile({ err: errLines(`badauth ${USER} ${PASSWORD}`) });
    assert.equal(r.events.length, 1);
    const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
    assert.equal(event.type, 'HostLatched');
    assert.deepEqual(event.scope, { account: true });
    assert.equal(event.code, 'badauth');
    assert.ok(!JSON.stringify(event).includes(PASSWORD), 'no password in the event');
    // The projection then writes the file back without the password.
    const state = applied(EMPTY_STATE, r.events);
    const lines = project(state, [A, B], NOW).errLines;
    assert.deepEqual(lines, [`badauth ${USER}`]);
    assert.ok(!lines.join('\n').includes(PASSWORD));
  });

  const different: [string, string][] = [
    ['a different password', `badauth ${USER} another-password`],
    ['a different user', `badauth bob ${PASSWORD}`],
    ['different user and password', 'badauth bob other'],
  ];
  for (const [name, line] of different) {
    test(`ipcheck.py's badauth line with ${name} → not latched (new credentials retry)`, () => {
      const r = reconcile({ err: errLines(line) });
      assert.deepEqual(r.events.filter((e) => e.type === 'HostLatched'), []);
    });
  }

  test('after taking over ipcheck.py\'s badauth line, a run with a new password retries', () => {
    // Run 1 (same credentials as the line): latched, and the file is rewritten without the password.
    const first = reconcile({ err: errLines(`badauth ${USER} ${PASSWORD}`) });
    const state = applied(EMPTY_STATE, first.events);
    const rewritten = errLines(...project(state, [A, B], NOW).errLines);
    // Run 2 with a corrected password: reference §10, "If different → delete ipcheck.err and continue".
    const second = reconcile({ err: rewritten }, { state, password: 'the-new-password', sameCredentials: () => false });
    const after = applied(state, second.events);
    assert.equal(after.account.latch, undefined, `still latched after a password change: ${JSON.stringify(second.events)}`);
  });

  test('after taking over ipcheck.py\'s badauth line, a run with the same password stays latched', () => {
    const first = reconcile({ err: errLines(`badauth ${USER} ${PASSWORD}`) });
    const state = applied(EMPTY_STATE, first.events);
    const second = reconcile({ err: errLines(...project(state, [A, B], NOW).errLines) }, { state });
    assert.equal(applied(state, second.events).account.latch?.code, 'badauth');
  });

  const fingerprinted = () => stateOf({ type: 'HostLatched', scope: { account: true }, code: 'badauth', detail: USER, message: 'm', credential: CURRENT_FINGERPRINT });
  test('our own badauth latch, same credentials → stays', () => {
    const r = reconcile({ err: errLines(`badauth ${USER}`) }, { state: fingerprinted() });
    assert.deepEqual(r.events, []);
  });
  test('our own badauth latch, a different password → ErrorCleared', () => {
    const r = reconcile({ err: errLines(`badauth ${USER}`) }, { state: fingerprinted(), password: 'new', sameCredentials: () => false });
    assert.deepEqual(r.events.map((e) => [e.type, 'code' in e ? e.code : undefined]), [['ErrorCleared', 'badauth']]);
  });
  test('our own badauth latch, a different user → ErrorCleared', () => {
    const r = reconcile({ err: errLines(`badauth ${USER}`) }, { state: fingerprinted(), username: 'bob' });
    assert.deepEqual(r.events.map((e) => [e.type, 'code' in e ? e.code : undefined]), [['ErrorCleared', 'badauth']]);
  });
});

describe('ipcheck.err written by ipcheck.py: lines taken over', () => {
  const rows: { line: string; scope: { host: string } | { account: true }; code: string; mentions?: string[] }[] = [
    { line: `nohost ${A}`, scope: { host: A }, code: 'nohost', mentions: [A] },
    { line: `abuse ${B}`, scope: { host: B }, code: 'abuse', mentions: [B] },
    { line: `notfqdn ${A}`, scope: { host: A }, code: 'notfqdn' },
    { line: `!yours ${A}`, scope: { host: A }, code: '!yours' },
    { line: `numhost ${A}`, scope: { host: A }, code: 'numhost' },
    { line: `dnserr ${A}`, scope: { host: A }, code: 'dnserr' },
    { line: `!active ${A}`, scope: { host: A }, code: '!active' },
    { line: 'badagent', scope: { account: true }, code: 'badagent' },
    { line: 'badsys statdns', scope: { account: true }, code: 'badsys', mentions: ['statdns'] },
    { line: `!donator ${A}`, scope: { account: true }, code: '!donator' },
  ];
  for (const row of rows) {
    test(`"${row.line}" → latch on ${'host' in row.scope ? row.scope.host : 'the account'}`, () => {
      const r = reconcile({ err: errLines(row.line) });
      assert.equal(r.events.length, 1, JSON.stringify(r.events));
      const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
      assert.equal(event.type, 'HostLatched');
      assert.deepEqual(event.scope, row.scope);
      assert.equal(event.code, row.code);
      for (const word of row.mentions ?? []) assert.ok(event.message.includes(word), event.message);
    });
  }

  test('"shutdown" (911 with HTTP 500, ipcheck.py) → account latch naming it and what to do', () => {
    const r = reconcile({ err: errLines('shutdown') });
    assert.equal(r.events.length, 1);
    const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
    assert.deepEqual(event.scope, { account: true });
    assert.match(event.message, /shut ?down|911/i);
    assert.match(event.message, /ipcheck clear|delete ipcheck\.err/);
  });

  for (const code of ['nohost', 'abuse', 'notfqdn', '!yours', '!active']) {
    test(`"${code} ${OTHER}" for a host not configured → ignored`, () => {
      const r = reconcile({ err: errLines(`${code} ${OTHER}`) });
      assert.deepEqual(r.events, []);
    });
  }

  test('an unrecognized line → account latch quoting it, with what to do', () => {
    const r = reconcile({ err: errLines('frobnicate 42') });
    assert.equal(r.events.length, 1);
    const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
    assert.deepEqual(event.scope, { account: true });
    assert.ok(event.message.includes('frobnicate 42'), event.message);
    assert.match(event.message, /ipcheck clear|delete ipcheck\.err/);
  });

  test('an unrecognized line with control characters is quoted harmlessly', () => {
    const r = reconcile({ err: errLines('weird\u001b[2Jline\u0007') });
    const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
    assert.equal(event.type, 'HostLatched');
    assert.doesNotMatch(event.message, /[\u0000-\u001f\u007f-\u009f]/);
  });

  test('an unrecognized line, once taken over, is stable on the next run', () => {
    const first = reconcile({ err: errLines('frobnicate 42') });
    const state = applied(EMPTY_STATE, first.events);
    const second = reconcile({ err: errLines(...project(state, [A, B], NOW).errLines) }, { state });
    assert.deepEqual(second.events, []);
  });
});

describe('ipcheck.wait', () => {
  const waitingState = () => stateOf(
    { type: 'WaitRequested', scope: { host: A }, code: 'w30m', until: NOW + 30 * MINUTE, message: 'm' },
    { type: 'WaitRequested', scope: { account: true }, code: 'server', until: NOW + 60 * MINUTE, message: 'm' },
  );

  test('file removed → WaitCleared for every wait in force', () => {
    const r = reconcile({}, { state: waitingState() });
    const cleared = r.events.filter((e): e is Extract<EventBody, { type: 'WaitCleared' }> => e.type === 'WaitCleared');
    assert.deepEqual(cleared.map((e) => e.scope).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [{ account: true }, { host: A }]);
    const after = applied(waitingState(), r.events);
    assert.equal(after.account.wait, undefined);
    assert.equal(after.hosts[A]?.wait, undefined);
  });

  test('file as the state wrote it → nothing', () => {
    const state = waitingState();
    const wait = project(state, [A, B], NOW).wait;
    assert.ok(wait);
    const r = reconcile({ wait: { code: wait.code, receivedAt: wait.receivedAt, modifiedAt: wait.receivedAt } }, { state });
    assert.deepEqual(r.events, []);
  });

  const rows: { name: string; code: string; receivedAt: number; until: number | null }[] = [
    { name: 'w30m received 5 minutes ago → wait until 30 minutes after receipt', code: 'w30m', receivedAt: NOW - 5 * MINUTE, until: NOW + 25 * MINUTE },
    { name: 'w01h received just now', code: 'w01h', receivedAt: NOW, until: NOW + 60 * MINUTE },
    { name: 'w5m (one digit) received a minute ago', code: 'w5m', receivedAt: NOW - MINUTE, until: NOW + 4 * MINUTE },
    { name: 'u 600 (from wuHHMM) received a minute ago', code: 'u 600', receivedAt: NOW - MINUTE, until: NOW + 9 * MINUTE },
    { name: 'u 61080 (the reference example) received an hour ago', code: 'u 61080', receivedAt: NOW - 60 * MINUTE, until: NOW - 60 * MINUTE + 61_080_000 },
    { name: 'w30m received 40 minutes ago has expired → ignored', code: 'w30m', receivedAt: NOW - 40 * MINUTE, until: null },
    { name: 'u 600 received an hour ago has expired → ignored', code: 'u 600', receivedAt: NOW - 60 * MINUTE, until: null },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const r = reconcile({ wait: { code: row.code, receivedAt: row.receivedAt, modifiedAt: row.receivedAt } });
      const waits = r.events.filter((e): e is Extract<EventBody, { type: 'WaitRequested' }> => e.type === 'WaitRequested');
      if (row.until === null) {
        assert.deepEqual(waits, []);
        return;
      }
      assert.equal(waits.length, 1, JSON.stringify(r.events));
      assert.equal(waits[0]?.until, row.until);
      assert.ok(waits[0]?.message.includes(row.code), waits[0]?.message);
      assert.deepEqual(applied(EMPTY_STATE, r.events).account.wait?.until, row.until);
    });
  }

  const corrupt: { name: string; code: string; receivedAt: number }[] = [
    { name: 'u 999999999 (31 years)', code: 'u 999999999', receivedAt: NOW - MINUTE },
    { name: 'w99h (four days)', code: 'w99h', receivedAt: NOW - MINUTE },
    { name: 'a receipt time far in the future', code: 'w30m', receivedAt: Date.UTC(2100, 0, 1) },
  ];
  for (const row of corrupt) {
    test(`a far-future wait is capped at a day: ${row.name}`, () => {
      const r = reconcile({ wait: { code: row.code, receivedAt: row.receivedAt, modifiedAt: NOW } });
      const waits = r.events.filter((e): e is Extract<EventBody, { type: 'WaitRequested' }> => e.type === 'WaitRequested');
      assert.equal(waits.length, 1, JSON.stringify(r.events));
      const until = waits[0]?.until as number;
      assert.ok(until > NOW, 'still a wait');
      assert.ok(until <= NOW + DAY, `waits until ${new Date(until).toISOString()}, more than a day`);
    });
  }

  test('a code that is not a wait code → warning quoting it, no wait', () => {
    const r = reconcile({ wait: { code: 'hello', receivedAt: NOW - MINUTE, modifiedAt: NOW } });
    assert.deepEqual(r.events, []);
    assert.ok(r.warnings.some((w) => w.includes('hello')), r.warnings.join('\n'));
  });

  test('a malformed file (reported by the reader) → warning, no wait', () => {
    const r = reconcile({ waitProblem: '/d/ipcheck.wait is not in the ipcheck.wait format' });
    assert.deepEqual(r.events.filter((e) => e.type === 'WaitRequested'), []);
    assert.ok(r.warnings.some((w) => w.includes('ipcheck.wait')), r.warnings.join('\n'));
  });
});
