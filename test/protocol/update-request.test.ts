// The NIC v2 update request (reference §7.1, §17.1, §17.2): the query for every option, the
// base URL, batches of at most 20 hosts, encoding, the User-Agent and what may be shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  basicAuthorization,
  buildUpdateUrl,
  describeUpdate,
  hostBatches,
  MAX_HOSTS_PER_REQUEST,
  USER_AGENT,
  type UpdateRequest,
} from '../../src/protocol/update-request.js';
import { VERSION } from '../../src/version.js';

const H1 = 'h1.dyndns.org';
const H2 = 'h2.dyndns.org';

function request(over: Partial<UpdateRequest> = {}): UpdateRequest {
  return {
    server: 'https://members.dyndns.org',
    hosts: [H1, H2],
    system: 'dyndns',
    addresses: { ipv4: '1.2.3.4' },
    offline: false,
    wildcard: 'NOCHG',
    backmx: 'NOCHG',
    mx: 'NOCHG',
    ipv6Param: 'myip',
    ...over,
  };
}

describe('buildUpdateUrl: the query of reference §7.1', () => {
  // The request lines ipcheck.py 0.251 was seen sending [verified], parameter for parameter.
  const rows: { name: string; over: Partial<UpdateRequest>; query: string }[] = [
    { name: 'default', over: {}, query: `system=dyndns&hostname=${H1},${H2}&myip=1.2.3.4&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: '-s (static DNS)', over: { system: 'statdns' }, query: `system=statdns&hostname=${H1},${H2}&myip=1.2.3.4&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: '-c (custom DNS): no wildcard, mx or backmx', over: { system: 'custom' }, query: `system=custom&hostname=${H1},${H2}&myip=1.2.3.4` },
    { name: '-c with -w -b -m: still no wildcard, mx or backmx', over: { system: 'custom', wildcard: 'ON', backmx: 'YES', mx: 'mx.example.com' }, query: `system=custom&hostname=${H1},${H2}&myip=1.2.3.4` },
    { name: '-o (offline): nothing but offline=YES', over: { offline: true }, query: `system=dyndns&hostname=${H1},${H2}&offline=YES` },
    { name: '-o with -w -b -m: still nothing but offline=YES', over: { offline: true, wildcard: 'ON', backmx: 'YES', mx: 'mx.example.com' }, query: `system=dyndns&hostname=${H1},${H2}&offline=YES` },
    { name: '-g (guess): no myip', over: { addresses: {} }, query: `system=dyndns&hostname=${H1},${H2}&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: '-w -b -m mx.example.com', over: { wildcard: 'ON', backmx: 'YES', mx: 'mx.example.com' }, query: `system=dyndns&hostname=${H1},${H2}&myip=1.2.3.4&wildcard=ON&backmx=YES&mx=mx.example.com` },
    { name: 'one host', over: { hosts: [H1] }, query: `system=dyndns&hostname=${H1}&myip=1.2.3.4&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: 'IPv4 and IPv6 in myip, comma and colons readable', over: { addresses: { ipv4: '1.2.3.4', ipv6: '2001:db8::1' } }, query: `system=dyndns&hostname=${H1},${H2}&myip=1.2.3.4,2001:db8::1&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: 'IPv6 alone in myip', over: { addresses: { ipv6: '2001:db8::1' } }, query: `system=dyndns&hostname=${H1},${H2}&myip=2001:db8::1&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: 'IPv6 in its own myipv6 parameter', over: { addresses: { ipv4: '1.2.3.4', ipv6: '2001:db8::1' }, ipv6Param: 'myipv6' }, query: `system=dyndns&hostname=${H1},${H2}&myip=1.2.3.4&myipv6=2001:db8::1&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
    { name: 'IPv6 alone with myipv6: no myip', over: { addresses: { ipv6: '2001:db8::1' }, ipv6Param: 'myipv6' }, query: `system=dyndns&hostname=${H1},${H2}&myipv6=2001:db8::1&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG` },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const url = buildUpdateUrl(request(row.over));
      assert.equal(url.pathname, '/nic/update');
      assert.equal(url.search, `?${row.query}`);
      assert.equal(url.hash, '');
    });
  }
});

describe('buildUpdateUrl: the base URL', () => {
  const rows: { server: string; href: string }[] = [
    { server: 'https://members.dyndns.org', href: 'https://members.dyndns.org/nic/update' },
    { server: 'https://members.dyndns.org/', href: 'https://members.dyndns.org/nic/update' },
    { server: 'http://127.0.0.1:8245', href: 'http://127.0.0.1:8245/nic/update' },
    { server: 'https://dyn.example.net/dyndns2', href: 'https://dyn.example.net/dyndns2/nic/update' },
    { server: 'https://dyn.example.net/dyndns2/', href: 'https://dyn.example.net/dyndns2/nic/update' },
    { server: 'https://dyn.example.net/a/b//', href: 'https://dyn.example.net/a/b/nic/update' },
    { server: 'http://[::1]:8080/', href: 'http://[::1]:8080/nic/update' },
  ];
  for (const row of rows) {
    test(`${row.server} → ${row.href}`, () => {
      const url = buildUpdateUrl(request({ server: row.server }));
      assert.equal(`${url.origin}${url.pathname}`, row.href);
      assert.ok(url.search.startsWith('?system=dyndns&hostname='));
    });
  }
});

describe('hostBatches: at most 20 hosts per request', () => {
  const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i}.example.org`);
  const rows: [number, number[]][] = [
    [0, []],
    [1, [1]],
    [20, [20]],
    [21, [20, 1]],
    [40, [20, 20]],
    [45, [20, 20, 5]],
  ];
  for (const [count, sizes] of rows) {
    test(`${count} hosts → batches of ${JSON.stringify(sizes)}`, () => {
      const all = hosts(count);
      const batches = hostBatches(all);
      assert.deepEqual(batches.map((b) => b.length), sizes);
      assert.deepEqual(batches.flat(), all, 'every host once, in order');
    });
  }
  test('the protocol limit is 20', () => assert.equal(MAX_HOSTS_PER_REQUEST, 20));
  test('each batch becomes a request with at most 20 hosts', () => {
    for (const batch of hostBatches(hosts(45))) {
      const url = buildUpdateUrl(request({ hosts: batch }));
      const listed = new URLSearchParams(url.search).get('hostname')?.split(',') ?? [];
      assert.ok(listed.length <= 20);
      assert.deepEqual(listed, batch);
    }
  });
});

describe('buildUpdateUrl: values that could break the query are percent-encoded', () => {
  const rows: { name: string; over: Partial<UpdateRequest>; param: string; value: string }[] = [
    { name: '& in a host name cannot add a parameter', over: { hosts: ['a.example.org&myip=6.6.6.6'] }, param: 'hostname', value: 'a.example.org&myip=6.6.6.6' },
    { name: '# in a host name cannot cut the query', over: { hosts: ['a.example.org#x'] }, param: 'hostname', value: 'a.example.org#x' },
    { name: 'a space in a host name', over: { hosts: ['a example.org'] }, param: 'hostname', value: 'a example.org' },
    { name: 'a newline in a host name cannot split the request line', over: { hosts: ['a.example.org\r\nX-Evil: 1'] }, param: 'hostname', value: 'a.example.org\r\nX-Evil: 1' },
    { name: 'non-ASCII in a host name', over: { hosts: ['bücher.example.org'] }, param: 'hostname', value: 'bücher.example.org' },
    { name: '& and = in mx', over: { mx: 'mx.example.com&offline=YES' }, param: 'mx', value: 'mx.example.com&offline=YES' },
    { name: '+ in a value is not read back as a space', over: { mx: 'a+b.example.com' }, param: 'mx', value: 'a+b.example.com' },
    { name: '% in a value', over: { wildcard: '100%' }, param: 'wildcard', value: '100%' },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const url = buildUpdateUrl(request(row.over));
      const raw = url.search;
      // Only the separators the builder put there: no raw space, #, newline or non-ASCII.
      assert.doesNotMatch(raw, /[\s#\u0080-\uffff]/);
      assert.equal(url.hash, '');
      const params = new URLSearchParams(raw);
      assert.deepEqual(params.getAll(row.param), [row.value], `${row.param} reads back as given`);
      for (const key of ['system', 'hostname', 'myip', 'offline', 'wildcard', 'backmx', 'mx']) {
        assert.ok(params.getAll(key).length <= 1, `${key} appears at most once in ${raw}`);
      }
      if (row.param !== 'offline') assert.equal(params.get('offline'), null, 'no smuggled offline parameter');
    });
  }

  test('commas of the host list and colons of IPv6 stay readable', () => {
    const url = buildUpdateUrl(request({ hosts: [H1, H2], addresses: { ipv4: '1.2.3.4', ipv6: '2001:db8:0:1::42' } }));
    assert.ok(url.search.includes(`hostname=${H1},${H2}`), url.search);
    assert.ok(url.search.includes('myip=1.2.3.4,2001:db8:0:1::42'), url.search);
    assert.doesNotMatch(url.search, /%2C|%3A/i);
  });
});

describe('User-Agent', () => {
  test('is "company - device - version" as Dyn requires (§17.1)', () => {
    const parts = USER_AGENT.split(' - ');
    assert.equal(parts.length, 3, USER_AGENT);
    for (const part of parts) assert.ok(part.trim() !== '', USER_AGENT);
    assert.equal(parts[2], VERSION);
    assert.match(parts[2] as string, /^\d+\.\d+(\.\d+)?/);
  });
  test('is not a browser string (ipcheck.py 0.251 sent a fake MSIE one, §15.1)', () => {
    assert.doesNotMatch(USER_AGENT, /Mozilla|MSIE|Windows|Gecko|Chrome|Safari/i);
  });
  test('is plain printable ASCII, safe in a header', () => {
    assert.match(USER_AGENT, /^[\x20-\x7e]+$/);
  });
});

describe('credentials', () => {
  const rows: [string, string][] = [
    ['alice', 's3cret'],
    ['alice', 'pa:ss:word'],
    ['bob', 'pässwörd'],
  ];
  for (const [user, password] of rows) {
    test(`basicAuthorization(${user}, …) is Basic base64(user:password) in UTF-8`, () => {
      const header = basicAuthorization(user, password);
      assert.match(header, /^Basic [A-Za-z0-9+/]+=*$/);
      assert.equal(Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8'), `${user}:${password}`);
    });
  }

  const secrets = ['s3cret', 'hunter2-with-dashes', 'p@ss w0rd&x=1'];
  for (const password of secrets) {
    test(`describeUpdate never contains the password (${password.length} characters)`, () => {
      const url = buildUpdateUrl(request({ mx: 'mx.example.com' }));
      const text = describeUpdate(url, 'alice');
      assert.ok(!text.includes(password));
      assert.ok(!text.includes(encodeURIComponent(password)));
      assert.ok(!text.includes(basicAuthorization('alice', password).slice('Basic '.length)));
      assert.ok(text.includes('alice'), 'names the user');
      assert.ok(text.includes('/nic/update?system=dyndns'), 'shows the request');
    });
  }

  test('describeUpdate hides credentials even when the server URL carried them', () => {
    const url = buildUpdateUrl(request({ server: 'https://alice:s3cret@members.dyndns.org' }));
    const text = describeUpdate(url, 'alice');
    assert.ok(!text.includes('s3cret'), text);
  });

  test('the query never carries the password', () => {
    const url = buildUpdateUrl(request());
    assert.ok(!/password|pass=|pw=/i.test(url.search));
  });
});
