// Every NIC v2 reply code and reply shape (reference §8, §15, §17.3), one row per case. The
// expectations come from the protocol text, not from what the parser happens to print.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReply, type Outcome, type ReplyInput } from '../../src/protocol/parse-reply.js';
import type { Scope } from '../../src/events.js';

const NOW = Date.UTC(2025, 6, 1, 7, 1, 0); // 07:01:00 UTC, the reference's wu2359 example
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const A = 'a.example.org';
const B = 'b.example.org';
const C = 'c.example.org';
const ACCOUNT: Scope = { account: true };

function input(over: Partial<ReplyInput>): ReplyInput {
  return {
    status: 200,
    body: '',
    headers: {},
    hosts: [A],
    sent: ['1.2.3.4'],
    username: 'alice',
    system: 'dyndns',
    now: NOW,
    serverFailures: 0,
    ...over,
  };
}

/** What a row expects of one outcome; only the fields given are checked. */
type Expected =
  | { kind: 'updated'; host: string; code: 'good' | 'nochg'; addresses: string[] }
  | { kind: 'latched'; scope: Scope; code: string; detail?: string; mentions?: string[] }
  | { kind: 'wait'; scope: Scope; waitMs?: number; minWaitMs?: number; maxWaitMs?: number; mentions?: string[] }
  | { kind: 'failed'; hosts: string[]; mentions?: string[]; transient?: boolean };

interface Row {
  readonly name: string;
  readonly input: Partial<ReplyInput>;
  readonly expected: Expected[];
}

function textOf(outcome: Outcome): string {
  return outcome.kind === 'failed' ? outcome.reason : outcome.kind === 'updated' ? '' : outcome.message;
}

function check(actual: Outcome | undefined, expected: Expected, where: string): void {
  assert.ok(actual, `${where}: no outcome`);
  assert.equal(actual.kind, expected.kind, `${where}: kind (${JSON.stringify(actual)})`);
  switch (expected.kind) {
    case 'updated': {
      const a = actual as Extract<Outcome, { kind: 'updated' }>;
      assert.deepEqual({ host: a.host, code: a.code, addresses: a.addresses }, { host: expected.host, code: expected.code, addresses: expected.addresses }, where);
      break;
    }
    case 'latched': {
      const a = actual as Extract<Outcome, { kind: 'latched' }>;
      assert.deepEqual(a.scope, expected.scope, `${where}: scope`);
      assert.equal(a.code, expected.code, `${where}: code`);
      if (expected.detail !== undefined) assert.equal(a.detail, expected.detail, `${where}: detail`);
      break;
    }
    case 'wait': {
      const a = actual as Extract<Outcome, { kind: 'wait' }>;
      assert.deepEqual(a.scope, expected.scope, `${where}: scope`);
      const waited = a.until - NOW;
      if (expected.waitMs !== undefined) assert.equal(waited, expected.waitMs, `${where}: wait length`);
      if (expected.minWaitMs !== undefined) assert.ok(waited >= expected.minWaitMs, `${where}: waits ${waited} ms, at least ${expected.minWaitMs} expected`);
      if (expected.maxWaitMs !== undefined) assert.ok(waited <= expected.maxWaitMs, `${where}: waits ${waited} ms, at most ${expected.maxWaitMs} expected`);
      break;
    }
    case 'failed': {
      const a = actual as Extract<Outcome, { kind: 'failed' }>;
      assert.deepEqual(a.hosts, expected.hosts, `${where}: hosts`);
      if (expected.transient !== undefined) assert.equal(a.transient, expected.transient, `${where}: transient`);
      break;
    }
  }
  for (const word of ('mentions' in expected ? expected.mentions : undefined) ?? []) {
    assert.ok(textOf(actual).includes(word), `${where}: message should mention ${JSON.stringify(word)}: ${textOf(actual)}`);
  }
}

function runRows(rows: readonly Row[]): void {
  for (const row of rows) {
    test(row.name, () => {
      const outcomes = parseReply(input(row.input));
      assert.equal(outcomes.length, row.expected.length, `outcomes: ${JSON.stringify(outcomes, null, 1)}`);
      row.expected.forEach((expected, index) => check(outcomes[index], expected, `outcome ${index}`));
    });
  }
}

describe('parseReply: success (good, nochg)', () => {
  runRows([
    { name: 'good with the address', input: { body: 'good 1.2.3.4' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] }] },
    { name: 'nochg with the address', input: { body: 'nochg 1.2.3.4\n' }, expected: [{ kind: 'updated', host: A, code: 'nochg', addresses: ['1.2.3.4'] }] },
    { name: 'good without an address', input: { body: 'good' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: [] }] },
    { name: 'nochg without an address', input: { body: 'nochg\n' }, expected: [{ kind: 'updated', host: A, code: 'nochg', addresses: [] }] },
    { name: 'good with an IPv6 address, in canonical form', input: { body: 'good 2001:DB8:0:0::0001', sent: ['2001:db8::1'] }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['2001:db8::1'] }] },
    { name: 'good with a comma list of IPv4 and IPv6', input: { body: 'good 1.2.3.4,2001:db8::1', sent: ['1.2.3.4', '2001:db8::1'] }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4', '2001:db8::1'] }] },
    { name: 'nochg with a comma list', input: { body: 'nochg 1.2.3.4,2001:db8::1' }, expected: [{ kind: 'updated', host: A, code: 'nochg', addresses: ['1.2.3.4', '2001:db8::1'] }] },
    { name: 'good sent by -g (no myip): the echoed address is kept', input: { body: 'good 5.6.7.8', sent: [] }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['5.6.7.8'] }] },
    { name: 'CRLF line ends and surrounding blanks', input: { body: '\r\n  good 1.2.3.4  \r\n' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] }] },
    { name: 'good 127.0.0.1 when 127.0.0.1 was sent is a success', input: { body: 'good 127.0.0.1', sent: ['127.0.0.1'] }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['127.0.0.1'] }] },
  ]);
});

describe('parseReply: good 127.0.0.1 to another address means the agent was refused', () => {
  runRows([
    { name: 'good 127.0.0.1 when 1.2.3.4 was sent → badagent account latch', input: { body: 'good 127.0.0.1', sent: ['1.2.3.4'] }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badagent', mentions: ['127.0.0.1'] }] },
    { name: 'good 127.0.0.1 when 1.2.3.4 and an IPv6 address were sent → badagent account latch', input: { body: 'good 127.0.0.1', sent: ['1.2.3.4', '2001:db8::1'] }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badagent' }] },
  ]);

  test('good 127.0.0.1 for several hosts: no host counts as updated, the account is latched', () => {
    const outcomes = parseReply(input({ hosts: [A, B], body: 'good 127.0.0.1\ngood 127.0.0.1' }));
    assert.ok(outcomes.length >= 1);
    assert.ok(outcomes.every((o) => o.kind === 'latched' && 'account' in o.scope && o.code === 'badagent'), JSON.stringify(outcomes));
  });
});

describe('parseReply: host codes latch that host only', () => {
  const rows: Row[] = ['notfqdn', 'nohost', '!yours', 'abuse', 'numhost', 'dnserr'].map((code) => ({
    name: `${code} → latch on ${A} only`,
    input: { body: `${code}\n` },
    expected: [{ kind: 'latched', scope: { host: A }, code, mentions: [A, code] }],
  }));
  rows.push({ name: 'dnserr with a packet id keeps the id', input: { body: 'dnserr 31337' }, expected: [{ kind: 'latched', scope: { host: A }, code: 'dnserr', detail: '31337' }] });
  runRows(rows);
});

describe('parseReply: multi-host replies are mapped line by line', () => {
  runRows([
    {
      name: 'good / nohost / nochg for three hosts',
      input: { hosts: [A, B, C], body: 'good 1.2.3.4\nnohost\nnochg 1.2.3.4\n' },
      expected: [
        { kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] },
        { kind: 'latched', scope: { host: B }, code: 'nohost', mentions: [B] },
        { kind: 'updated', host: C, code: 'nochg', addresses: ['1.2.3.4'] },
      ],
    },
    {
      name: 'abuse / !yours / notfqdn each on its own host',
      input: { hosts: [A, B, C], body: 'abuse\n!yours\nnotfqdn\n' },
      expected: [
        { kind: 'latched', scope: { host: A }, code: 'abuse' },
        { kind: 'latched', scope: { host: B }, code: '!yours' },
        { kind: 'latched', scope: { host: C }, code: 'notfqdn' },
      ],
    },
    {
      name: 'a wait code on the second line waits for that host only',
      input: { hosts: [A, B], body: 'good 1.2.3.4\nw30m\n' },
      expected: [
        { kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] },
        { kind: 'wait', scope: { host: B }, waitMs: 30 * MINUTE, mentions: ['w30m'] },
      ],
    },
    {
      name: 'one line for several hosts applies to all of them (the original crashed)',
      input: { hosts: [A, B, C], body: 'nochg 1.2.3.4\n' },
      expected: [
        { kind: 'updated', host: A, code: 'nochg', addresses: ['1.2.3.4'] },
        { kind: 'updated', host: B, code: 'nochg', addresses: ['1.2.3.4'] },
        { kind: 'updated', host: C, code: 'nochg', addresses: ['1.2.3.4'] },
      ],
    },
    {
      name: 'one nohost line for two hosts latches both',
      input: { hosts: [A, B], body: 'nohost' },
      expected: [
        { kind: 'latched', scope: { host: A }, code: 'nohost' },
        { kind: 'latched', scope: { host: B }, code: 'nohost' },
      ],
    },
    {
      name: 'fewer lines than hosts: the hosts without a line fail',
      input: { hosts: [A, B, C], body: 'good 1.2.3.4\ngood 1.2.3.4\n' },
      expected: [
        { kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] },
        { kind: 'updated', host: B, code: 'good', addresses: ['1.2.3.4'] },
        { kind: 'failed', hosts: [C], mentions: [C] },
      ],
    },
  ]);
});

describe('parseReply: account codes latch the account once', () => {
  runRows([
    { name: 'badauth with HTTP 401', input: { status: 401, body: 'badauth' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badauth', detail: 'alice', mentions: ['badauth', 'alice'] }] },
    { name: 'badauth with HTTP 200 (the original ignored it)', input: { status: 200, body: 'badauth\n' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badauth', detail: 'alice' }] },
    { name: 'HTTP 401 with an HTML page is badauth', input: { status: 401, body: '<html><body>401 Unauthorized</body></html>' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badauth' }] },
    { name: 'badauth for three hosts is given once', input: { status: 200, hosts: [A, B, C], body: 'badauth' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badauth' }] },
    { name: 'badagent', input: { body: 'badagent' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badagent', mentions: ['badagent'] }] },
    { name: 'badsys: the detail is the system parameter sent', input: { body: 'badsys', system: 'statdns' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: 'badsys', detail: 'statdns', mentions: ['badsys', 'statdns'] }] },
    { name: '!donator latches the account', input: { body: '!donator' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: '!donator', mentions: ['!donator'] }] },
    { name: '!donator for several hosts comes once and latches the account once', input: { hosts: [A, B, C], body: '!donator\n' }, expected: [{ kind: 'latched', scope: ACCOUNT, code: '!donator' }] },
  ]);
});

describe('parseReply: server failures wait on the whole account', () => {
  runRows([
    { name: '911 in the body with HTTP 200', input: { body: '911' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, maxWaitMs: DAY, mentions: ['911'] }] },
    { name: '911 in the body with HTTP 500', input: { status: 500, body: '911' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, maxWaitMs: DAY, mentions: ['911'] }] },
    { name: 'HTTP 500 without 911', input: { status: 500, body: 'Internal Server Error' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, maxWaitMs: DAY, mentions: ['500'] }] },
    { name: 'HTTP 502 with an HTML page', input: { status: 502, body: '<html><body>Bad Gateway</body></html>' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, maxWaitMs: DAY, mentions: ['502'] }] },
    { name: 'HTTP 503 for several hosts waits once for the account', input: { status: 503, hosts: [A, B], body: '' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, mentions: ['503'] }] },
    { name: '911 on one line of a multi-host reply waits on the account', input: { hosts: [A, B], body: 'good 1.2.3.4\n911' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] }, { kind: 'wait', scope: ACCOUNT, minWaitMs: 30 * MINUTE, mentions: ['911'] }] },
  ]);

  test('the pause grows with serverFailures and is capped', () => {
    const waits = [0, 1, 2, 3, 4, 8, 16, 30, 60, 1000].map((serverFailures) => {
      const [outcome] = parseReply(input({ status: 500, body: '911', serverFailures }));
      assert.equal(outcome?.kind, 'wait');
      return (outcome as Extract<Outcome, { kind: 'wait' }>).until - NOW;
    });
    assert.ok((waits[0] as number) >= 30 * MINUTE, `first pause ${waits[0]} ms`);
    for (let i = 1; i < waits.length; i++) assert.ok((waits[i] as number) >= (waits[i - 1] as number), `pauses must not shrink: ${waits.join(', ')}`);
    assert.ok((waits[1] as number) > (waits[0] as number), `a second failure waits longer: ${waits.join(', ')}`);
    assert.ok((waits[2] as number) > (waits[1] as number), `a third failure waits longer: ${waits.join(', ')}`);
    for (const wait of waits) assert.ok(wait <= DAY, `a pause is capped at a day, got ${wait} ms`);
    assert.equal(waits[waits.length - 1], waits[waits.length - 2], 'the cap is reached and stays');
  });

  test('the same growth applies to HTTP 5xx without 911', () => {
    const first = parseReply(input({ status: 503, body: '', serverFailures: 0 }))[0] as Extract<Outcome, { kind: 'wait' }>;
    const third = parseReply(input({ status: 503, body: '', serverFailures: 2 }))[0] as Extract<Outcome, { kind: 'wait' }>;
    assert.ok(third.until > first.until);
  });
});

describe('parseReply: HTTP 429 Too Many Requests', () => {
  const later = new Date(NOW + 2 * HOUR).toUTCString();
  const past = new Date(NOW - HOUR).toUTCString();
  runRows([
    { name: 'Retry-After in seconds', input: { status: 429, body: '', headers: { 'retry-after': '600' } }, expected: [{ kind: 'wait', scope: ACCOUNT, waitMs: 600_000, mentions: ['429'] }] },
    { name: 'Retry-After as an HTTP date', input: { status: 429, body: '', headers: { 'retry-after': later } }, expected: [{ kind: 'wait', scope: ACCOUNT, waitMs: 2 * HOUR, mentions: ['429'] }] },
    { name: 'Retry-After absent: a backoff, not an immediate retry', input: { status: 429, body: '' }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: MINUTE, maxWaitMs: DAY, mentions: ['429'] }] },
    { name: 'Retry-After unreadable: a backoff', input: { status: 429, body: '', headers: { 'retry-after': 'soon' } }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: MINUTE, maxWaitMs: DAY }] },
    { name: 'Retry-After in the past: a backoff, not an immediate retry', input: { status: 429, body: '', headers: { 'retry-after': past } }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: MINUTE, maxWaitMs: DAY }] },
    // Like the server-failure pause and a corrupt ipcheck.wait, a server's wait is bounded: a
    // broken or hostile Retry-After must not switch the client off for years.
    { name: 'Retry-After of 31 years is capped at a day', input: { status: 429, body: '', headers: { 'retry-after': '999999999' } }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: MINUTE, maxWaitMs: DAY }] },
    { name: 'Retry-After on a 503 of 31 years is capped at a day', input: { status: 503, body: '', headers: { 'retry-after': '999999999' } }, expected: [{ kind: 'wait', scope: ACCOUNT, minWaitMs: MINUTE, maxWaitMs: DAY }] },
  ]);
});

describe('parseReply: NIC v2 wait codes wait for that host', () => {
  runRows([
    { name: 'w30m (two digits, minutes)', input: { body: 'w30m' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 30 * MINUTE, mentions: ['w30m', A] }] },
    { name: 'w5m (one digit: the original dropped it)', input: { body: 'w5m' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 5 * MINUTE }] },
    { name: 'w01h', input: { body: 'w01h' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: HOUR }] },
    { name: 'w2h', input: { body: 'w2h' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 2 * HOUR }] },
    { name: 'w120s (three digits, seconds)', input: { body: 'w120s' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 120_000 }] },
    { name: 'w1234s (four digits)', input: { body: 'w1234s' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 1_234_000 }] },
    { name: 'w30M (upper-case unit, as the original accepted)', input: { body: 'w30M' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 30 * MINUTE }] },
    { name: 'w10H', input: { body: 'w10H' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: 10 * HOUR }] },
  ]);
});

describe('parseReply: wuHHMM waits until HH:MM GMT', () => {
  const at = (h: number, m: number) => Date.UTC(2025, 6, 1, h, m, 0);
  const dateHeader = (h: number, m: number) => new Date(at(h, m)).toUTCString();
  const cases: { name: string; code: string; now: number; date?: string; waitMs: number }[] = [
    { name: 'wu2359 at 07:01 with a Date header → 16 h 58 min (61080 s, the reference example)', code: 'wu2359', now: at(7, 1), date: dateHeader(7, 1), waitMs: 61080_000 },
    { name: 'wu2359 at 07:01 without a Date header (local clock)', code: 'wu2359', now: at(7, 1), waitMs: 61080_000 },
    { name: 'wu0030 at 23:30 with a Date header wraps past midnight → 1 h', code: 'wu0030', now: at(23, 30), date: dateHeader(23, 30), waitMs: HOUR },
    { name: 'wu0030 at 23:30 without a Date header wraps past midnight → 1 h', code: 'wu0030', now: at(23, 30), waitMs: HOUR },
    { name: 'wu0100 at 00:30 (after midnight, same day) → 30 min', code: 'wu0100', now: at(0, 30), date: dateHeader(0, 30), waitMs: 30 * MINUTE },
    { name: 'wu1200 at exactly 12:00 → the next day (24 h)', code: 'wu1200', now: at(12, 0), date: dateHeader(12, 0), waitMs: DAY },
    { name: 'the Date header, not the local clock, says what time it is (local clock 5 min ahead)', code: 'wu2359', now: at(7, 6), date: dateHeader(7, 1), waitMs: 61080_000 },
    { name: 'an unreadable Date header falls back to the local clock', code: 'wu0800', now: at(7, 0), date: 'yesterday-ish', waitMs: HOUR },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const outcomes = parseReply(input({ body: c.code, now: c.now, headers: c.date ? { date: c.date } : {} }));
      assert.equal(outcomes.length, 1);
      const [outcome] = outcomes;
      assert.equal(outcome?.kind, 'wait', JSON.stringify(outcome));
      const wait = outcome as Extract<Outcome, { kind: 'wait' }>;
      assert.deepEqual(wait.scope, { host: A });
      assert.equal(wait.until - c.now, c.waitMs);
      assert.ok(wait.message.includes(c.code), wait.message);
    });
  }
  test('wu2460 (no such time) is not a wait: it fails and is quoted', () => {
    const [outcome] = parseReply(input({ body: 'wu2460' }));
    assert.equal(outcome?.kind, 'failed');
    assert.ok((outcome as Extract<Outcome, { kind: 'failed' }>).reason.includes('wu2460'));
  });
});

describe('parseReply: !active', () => {
  runRows([
    // Reference §8: "zone not active yet", "Try again in an hour"; never recorded as a success.
    { name: '!active → that host tries again in an hour', input: { body: '!active' }, expected: [{ kind: 'wait', scope: { host: A }, waitMs: HOUR, mentions: ['!active', A] }] },
    { name: '!active on one line of two', input: { hosts: [A, B], body: 'good 1.2.3.4\n!active' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] }, { kind: 'wait', scope: { host: B }, waitMs: HOUR }] },
  ]);
});

describe('parseReply: replies that are not results', () => {
  runRows([
    { name: 'unknown line → failure quoting it', input: { body: 'huh what' }, expected: [{ kind: 'failed', hosts: [A], mentions: ['huh what', A] }] },
    { name: 'unknown line among good ones fails only its host', input: { hosts: [A, B], body: 'good 1.2.3.4\nfrobnicated' }, expected: [{ kind: 'updated', host: A, code: 'good', addresses: ['1.2.3.4'] }, { kind: 'failed', hosts: [B], mentions: ['frobnicated'] }] },
    { name: 'empty body → failure for every host', input: { hosts: [A, B], body: '' }, expected: [{ kind: 'failed', hosts: [A, B], mentions: ['empty'] }] },
    { name: 'blank lines only → failure', input: { body: '\n \r\n\n' }, expected: [{ kind: 'failed', hosts: [A] }] },
    { name: 'HTML page with HTTP 200 → failure (not a result line)', input: { body: '<html><body>Please log in</body></html>' }, expected: [{ kind: 'failed', hosts: [A] }] },
    { name: 'HTML page with HTTP 403 → failure naming the status', input: { status: 403, hosts: [A, B], body: '<!DOCTYPE html><html><body>Forbidden</body></html>' }, expected: [{ kind: 'failed', hosts: [A, B], mentions: ['403'] }] },
    { name: 'HTML page with HTTP 400 → failure naming the status', input: { status: 400, body: '<html>Bad Request</html>' }, expected: [{ kind: 'failed', hosts: [A], mentions: ['400'] }] },
    { name: '404 → failure naming 404 and the server setting', input: { status: 404, hosts: [A, B], body: 'Not Found' }, expected: [{ kind: 'failed', hosts: [A, B], mentions: ['404', '--server'], transient: false }] },
    { name: '302 with Location → failure naming the status and the target, not followed', input: { status: 302, body: '', headers: { location: 'https://elsewhere.example.net/nic/update' } }, expected: [{ kind: 'failed', hosts: [A], mentions: ['302', 'https://elsewhere.example.net/nic/update'], transient: false }] },
    { name: '301 with Location', input: { status: 301, body: '<html>Moved</html>', headers: { location: 'https://members.example.net/' } }, expected: [{ kind: 'failed', hosts: [A], mentions: ['301', 'https://members.example.net/'] }] },
    { name: '307 without Location', input: { status: 307, body: '' }, expected: [{ kind: 'failed', hosts: [A], mentions: ['307'] }] },
  ]);

  const controls: [string, string][] = [
    ['an escape sequence', 'bad\u001b[2Jline'],
    ['a bell and a NUL', 'bad\u0007li\u0000ne'],
    ['a C1 control', 'bad\u009bline'],
  ];
  for (const [what, line] of controls) {
    test(`an unknown line with ${what} is quoted harmlessly`, () => {
      const [outcome] = parseReply(input({ body: line }));
      assert.equal(outcome?.kind, 'failed');
      const reason = (outcome as Extract<Outcome, { kind: 'failed' }>).reason;
      assert.ok(reason.includes('bad'), reason);
      assert.doesNotMatch(reason, /[\u0000-\u001f\u007f-\u009f]/);
    });
  }

  test('a Location header with control characters is quoted harmlessly', () => {
    const [outcome] = parseReply(input({ status: 302, body: '', headers: { location: 'https://x.example.net/\u001b[31m' } }));
    assert.doesNotMatch((outcome as Extract<Outcome, { kind: 'failed' }>).reason, /[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('parseReply: every message names the code and a fix', () => {
  // A fix is something the user does: fix, check, contact, clear/delete the latch, drop an option...
  const FIX = /\b(fix|check|contact|clear|delete|drop|use|report|unblock|upgrade|point)\b/i;
  const latchRows: [string, Partial<ReplyInput>, string][] = [
    ['badauth', { status: 401, body: 'badauth' }, 'badauth'],
    ['badagent', { body: 'badagent' }, 'badagent'],
    ['badsys', { body: 'badsys', system: 'custom' }, 'badsys'],
    ['!donator', { body: '!donator' }, '!donator'],
    ['good 127.0.0.1', { body: 'good 127.0.0.1' }, 'badagent'],
    ...['notfqdn', 'nohost', '!yours', 'abuse', 'numhost', 'dnserr'].map((code): [string, Partial<ReplyInput>, string] => [code, { body: code }, code]),
  ];
  for (const [name, over, code] of latchRows) {
    test(`${name}: the message names '${code}' and what to do`, () => {
      const [outcome] = parseReply(input(over));
      assert.equal(outcome?.kind, 'latched');
      const message = (outcome as Extract<Outcome, { kind: 'latched' }>).message;
      assert.ok(message.includes(code), message);
      assert.match(message, FIX);
      assert.doesNotMatch(message, /update failed|unable to update/i);
    });
  }
  const failRows: [string, Partial<ReplyInput>, string][] = [
    ['404', { status: 404, body: '' }, '404'],
    ['302', { status: 302, body: '', headers: { location: 'https://x.example.net/' } }, '302'],
    ['403', { status: 403, body: '<html></html>' }, '403'],
  ];
  for (const [name, over, code] of failRows) {
    test(`HTTP ${name}: the reason names the status and what to do`, () => {
      const [outcome] = parseReply(input(over));
      assert.equal(outcome?.kind, 'failed');
      const reason = (outcome as Extract<Outcome, { kind: 'failed' }>).reason;
      assert.ok(reason.includes(code), reason);
      assert.match(reason, FIX);
    });
  }
});
