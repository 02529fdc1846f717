// Which candidate addresses may be sent (reference §14, IANA special-purpose registries): the
// first and last address of every special range and their neighbours, malformed text, the
// unspecified address, --allow-private and the canonical IPv6 form.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAddress, printable, specialRangeOf } from '../src/address-ranges.js';

/** [first, last, neighbour below, neighbour above, a word the reason must carry] */
type RangeRow = readonly [cidr: string, first: string, last: string, below: string | null, above: string | null, kind: RegExp];

const IPV4_RANGES: readonly RangeRow[] = [
  ['0.0.0.0/8', '0.0.0.1', '0.255.255.255', null, '1.0.0.0', /this network/i],
  ['10.0.0.0/8', '10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0', /private/i],
  ['100.64.0.0/10', '100.64.0.0', '100.127.255.255', '100.63.255.255', '100.128.0.0', /carrier-grade NAT|CGN/i],
  ['127.0.0.0/8', '127.0.0.0', '127.255.255.255', '126.255.255.255', '128.0.0.0', /loopback/i],
  ['169.254.0.0/16', '169.254.0.0', '169.254.255.255', '169.253.255.255', '169.255.0.0', /link-local/i],
  ['172.16.0.0/12', '172.16.0.0', '172.31.255.255', '172.15.255.255', '172.32.0.0', /private/i],
  ['192.0.0.0/24', '192.0.0.0', '192.0.0.255', '191.255.255.255', '192.0.1.0', /protocol assignments/i],
  ['192.0.2.0/24', '192.0.2.0', '192.0.2.255', '192.0.1.255', '192.0.3.0', /documentation/i],
  ['192.88.99.0/24', '192.88.99.0', '192.88.99.255', '192.88.98.255', '192.88.100.0', /6to4/i],
  ['192.168.0.0/16', '192.168.0.0', '192.168.255.255', '192.167.255.255', '192.169.0.0', /private/i],
  ['198.18.0.0/15', '198.18.0.0', '198.19.255.255', '198.17.255.255', '198.20.0.0', /benchmark/i],
  ['198.51.100.0/24', '198.51.100.0', '198.51.100.255', '198.51.99.255', '198.51.101.0', /documentation/i],
  ['203.0.113.0/24', '203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0', /documentation/i],
  ['224.0.0.0/4', '224.0.0.0', '239.255.255.255', '223.255.255.255', null, /multicast/i],
  ['240.0.0.0/4', '240.0.0.0', '255.255.255.254', null, null, /reserved/i],
  ['255.255.255.255/32', '255.255.255.255', '255.255.255.255', null, null, /broadcast/i],
];

const IPV6_RANGES: readonly RangeRow[] = [
  ['::1/128', '::1', '::1', null, null, /loopback/i],
  ['::ffff:0:0/96', '::ffff:0:0', '::ffff:ffff:ffff', null, null, /IPv4-mapped/i],
  ['64:ff9b:1::/48', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', null, null, /translation/i],
  ['100::/64', '100::', '100::ffff:ffff:ffff:ffff', null, null, /discard/i],
  ['2001::/23', '2001::', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', '2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:200::', /protocol assignments/i],
  ['2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::', /documentation/i],
  ['3fff::/20', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', '3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, /documentation/i],
  ['5f00::/16', '5f00::', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, null, /segment routing|SRv6/i],
  ['fc00::/7', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, null, /unique local|ULA/i],
  ['fe80::/10', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, null, /link-local/i],
  ['ff00::/8', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, null, /multicast/i],
];

function assertRejected(text: string, kind: RegExp): void {
  const verdict = checkAddress(text, { allowPrivate: false });
  assert.equal(verdict.ok, false, `${text} must be rejected`);
  if (verdict.ok) return;
  assert.match(verdict.reason, kind, `${text}: ${verdict.reason}`);
  assert.match(verdict.reason, /--allow-private/, `${text}: the reason names the way out`);
}

function assertAccepted(text: string): void {
  const verdict = checkAddress(text, { allowPrivate: false });
  assert.deepEqual(verdict.ok ? { ok: true } : verdict, { ok: true }, `${text} is globally reachable`);
}

describe('IPv4 special ranges: first and last address rejected, neighbours accepted', () => {
  for (const [cidr, first, last, below, above, kind] of IPV4_RANGES) {
    test(cidr, () => {
      assertRejected(first, kind);
      assertRejected(last, kind);
      if (below) assertAccepted(below);
      if (above) assertAccepted(above);
    });
  }
  test('the brief\'s edges: 100.63.255.255 public, 100.64.0.0 CGNAT; 172.15.255.255 / 172.16.0.0 / 172.31.255.255 / 172.32.0.0', () => {
    assertAccepted('100.63.255.255');
    assertRejected('100.64.0.0', /carrier-grade NAT/i);
    assertAccepted('172.15.255.255');
    assertRejected('172.16.0.0', /private/i);
    assertRejected('172.31.255.255', /private/i);
    assertAccepted('172.32.0.0');
  });
  test('ordinary public addresses are accepted, with the same text back', () => {
    for (const text of ['1.1.1.1', '8.8.8.8', '1.2.3.4', '93.184.216.34', '223.255.255.255', '11.0.0.1']) {
      assert.deepEqual(checkAddress(text, { allowPrivate: false }), { ok: true, family: 'ipv4', text });
    }
  });
  test('specialRangeOf names no range for a public address', () => {
    assert.equal(specialRangeOf('ipv4', '8.8.8.8'), undefined);
    assert.equal(specialRangeOf('ipv4', '172.32.0.0'), undefined);
    assert.match(specialRangeOf('ipv4', '172.16.0.0') ?? '', /private/i);
  });
});

describe('IPv6 special ranges: first and last address rejected, neighbours accepted', () => {
  for (const [cidr, first, last, below, above, kind] of IPV6_RANGES) {
    test(cidr, () => {
      assertRejected(first, kind);
      assertRejected(last, kind);
      if (below) assertAccepted(below);
      if (above) assertAccepted(above);
    });
  }
  test('outside 2000::/3 nothing is global unicast', () => {
    for (const text of ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '4000::1', 'e000::1', 'fec0::1', '::2']) {
      assertRejected(text, /./);
    }
  });
  test('global unicast addresses are accepted', () => {
    for (const text of ['2000::1', '2a00:1450:4001:80b::200e', '2606:4700:4700::1111', '2001:4860:4860::8888', '3ffe::1']) {
      assertAccepted(text);
    }
  });
});

describe('unspecified addresses are refused even with allowPrivate', () => {
  for (const text of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0']) {
    for (const allowPrivate of [false, true]) {
      test(`${text} (allowPrivate ${allowPrivate})`, () => {
        const verdict = checkAddress(text, { allowPrivate });
        assert.equal(verdict.ok, false);
        if (!verdict.ok) assert.match(verdict.reason, /unspecified|no address/i);
      });
    }
  }
});

describe('malformed text is refused with a reason quoting it', () => {
  const rows: [string, string][] = [
    ['leading zero in the first octet (could be octal)', '01.2.3.4'],
    ['leading zero in the last octet', '1.2.3.04'],
    ['leading zeros 010', '10.010.1.1'],
    ['an octet of 256', '256.1.1.1'],
    ['an octet of 256 at the end', '1.2.3.256'],
    ['three octets', '1.2.3'],
    ['two octets', '1.2'],
    ['five octets', '1.2.3.4.5'],
    ['an empty octet', '1..2.3'],
    ['a trailing dot', '1.2.3.4.'],
    ['a space inside', '1.2. 3.4'],
    ['two addresses separated by a space', '1.2.3.4 5.6.7.8'],
    ['a negative octet', '1.2.3.-4'],
    ['hexadecimal', '0x01.0x02.0x03.0x04'],
    ['a single number', '16909060'],
    ['with a port', '1.2.3.4:80'],
    ['with a prefix length', '1.2.3.4/32'],
    ['non-ASCII digits', '١.٢.٣.٤'],
    ['empty', ''],
    ['blank', '   '],
    ['a word', 'localhost'],
    ['IPv6 with two ::', '2001:db8::1::1'],
    ['IPv6 with a bad group', '2001:db8::g'],
    ['IPv6 with a five-digit group', '2001:db8::12345'],
    ['IPv6 in brackets', '[2001:db8::1]'],
    ['IPv6 with nine groups', '1:2:3:4:5:6:7:8:9'],
  ];
  for (const [name, text] of rows) {
    test(`${name}: ${JSON.stringify(text)}`, () => {
      for (const allowPrivate of [false, true]) {
        const verdict = checkAddress(text, { allowPrivate });
        assert.equal(verdict.ok, false, `${JSON.stringify(text)} must be refused`);
        if (!verdict.ok) {
          assert.match(verdict.reason, /not a valid/i, verdict.reason);
          if (text.trim() !== '') assert.ok(verdict.reason.includes(text), verdict.reason);
        }
      }
    });
  }
  test('control characters in the quoted text are made harmless', () => {
    const verdict = checkAddress('1.2.3.4\u001b[2J\u0007', { allowPrivate: false });
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.doesNotMatch(verdict.reason, /[\u0000-\u001f\u007f-\u009f]/);
  });
  test('surrounding whitespace (a newline from a page or a command) is not sent along', () => {
    const verdict = checkAddress(' 1.2.3.4\n', { allowPrivate: false });
    if (verdict.ok) assert.equal(verdict.text, '1.2.3.4');
  });
});

describe('allowPrivate accepts special ranges, keeping the canonical text', () => {
  const rows: [string, 'ipv4' | 'ipv6'][] = [
    ['10.0.0.1', 'ipv4'],
    ['192.168.1.5', 'ipv4'],
    ['127.0.0.1', 'ipv4'],
    ['100.64.0.1', 'ipv4'],
    ['172.16.0.1', 'ipv4'],
    ['169.254.1.1', 'ipv4'],
    ['fd00::1', 'ipv6'],
    ['fe80::1', 'ipv6'],
    ['::1', 'ipv6'],
    ['2001:db8::1', 'ipv6'],
  ];
  for (const [text, family] of rows) {
    test(`${text} → ok`, () => {
      assert.deepEqual(checkAddress(text, { allowPrivate: true }), { ok: true, family, text });
      assert.equal(checkAddress(text, { allowPrivate: false }).ok, false, 'and refused without allowPrivate');
    });
  }
});

describe('IPv6 canonical form (RFC 5952)', () => {
  const rows: [string, string][] = [
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2A00:1450:4001:080B:0000:0000:0000:200E', '2a00:1450:4001:80b::200e'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // equal runs: the first is compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run is compressed
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['2001:db8::', '2001:db8::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2606:4700:4700:0:0:0:0:1111', '2606:4700:4700::1111'],
    ['2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'],
  ];
  for (const [input, canonical] of rows) {
    test(`${input} → ${canonical}`, () => {
      assert.deepEqual(checkAddress(input, { allowPrivate: true }), { ok: true, family: 'ipv6', text: canonical });
    });
  }
});

describe('printable', () => {
  const rows: [string, string, string][] = [
    ['plain text stays', 'nohost', 'nohost'],
    ['C0 controls become ?', 'a\u0000b\u001bc\nd', 'a?b?c?d'],
    ['DEL and C1 controls become ?', 'a\u007fb\u0085c', 'a?b?c'],
    ['non-ASCII letters stay', 'bücher', 'bücher'],
  ];
  for (const [name, input, expected] of rows) test(name, () => assert.equal(printable(input), expected));
  test('long text is cut, with an ellipsis', () => {
    const out = printable('x'.repeat(500));
    assert.ok(out.length <= 81 && out.endsWith('…'), out);
  });
});
