import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer as createNetServer } from 'node:net';
import { Agent, request } from 'undici';
import {
  describeRequest,
  isLoopbackLiteral,
  startNicServer,
  type NicAccount,
  type NicServer,
} from '../../src/server/nic-server.js';
import { LOOPBACK_TLS } from '../support/loopback-certificate.js';

const ACCOUNTS: NicAccount[] = [
  { username: 'alice', password: 's3cret:with:colons', hosts: ['home.example.org', 'Work.Example.ORG'], blockedHosts: ['spam.example.org'] },
  { username: 'bob', password: 'hunter2', hosts: ['bob.example.net'], donator: true },
];
const UA = 'ipcheck-test - loopback - 1.0';
const BROWSER_UA = 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.0)'; // what ipcheck.py 0.251 sent

interface Call {
  path?: string;
  query?: string;
  user?: string;
  password?: string;
  authorization?: string;
  ua?: string | null;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  dispatcher?: Agent;
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function call(server: NicServer, c: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.ua !== null) headers['user-agent'] = c.ua ?? UA;
  const authorization = c.authorization ?? basic(c.user ?? 'alice', c.password ?? 's3cret:with:colons');
  if (authorization !== '') headers.authorization = authorization;
  const target = `${server.url}${c.path ?? '/nic/update'}${c.query === undefined ? '' : `?${c.query}`}`;
  const response = await request(target, {
    method: c.method ?? 'GET',
    headers,
    ...(c.body !== undefined && { body: c.body }),
    ...(c.dispatcher && { dispatcher: c.dispatcher }),
    ...(c.signal && { signal: c.signal }),
  });
  return { status: response.statusCode, body: await response.body.text(), headers: response.headers };
}

async function withServer(fn: (server: NicServer) => Promise<void>, options: { host?: string; now?: () => number } = {}): Promise<void> {
  const server = await startNicServer({ accounts: ACCOUNTS, ...options });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Sends raw bytes and collects whatever comes back until the server closes or 2 s pass. */
function rawExchange(server: NicServer, payload: string | Buffer, endAfterWrite = false): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, 2000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(payload, () => {
      if (endAfterWrite) socket.end();
    });
  });
}

async function loopbackIPv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0 }, () => probe.close(() => resolve(true)));
  });
}

const hosts21 = Array.from({ length: 21 }, (_, i) => `h${i}.example.org`).join(',');

describe('honest answers', { timeout: 20_000 }, () => {
  const rows: Array<{ name: string; call: Call; status: number; body: string }> = [
    { name: 'no credentials → badauth 401', call: { authorization: '', query: 'hostname=home.example.org' }, status: 401, body: 'badauth' },
    { name: 'wrong password → badauth 401', call: { password: 'nope', query: 'hostname=home.example.org' }, status: 401, body: 'badauth' },
    { name: 'unknown user → badauth 401', call: { user: 'mallory', query: 'hostname=home.example.org' }, status: 401, body: 'badauth' },
    { name: 'not Basic → badauth 401', call: { authorization: 'Bearer abc', query: 'hostname=home.example.org' }, status: 401, body: 'badauth' },
    { name: 'Basic without a colon → badauth 401', call: { authorization: `Basic ${Buffer.from('alice').toString('base64')}`, query: 'hostname=home.example.org' }, status: 401, body: 'badauth' },
    { name: 'no User-Agent → badagent', call: { ua: null, query: 'hostname=home.example.org' }, status: 200, body: 'badagent' },
    { name: 'empty User-Agent → badagent', call: { ua: '  ', query: 'hostname=home.example.org' }, status: 200, body: 'badagent' },
    { name: 'browser User-Agent (ipcheck.py 0.251) → badagent', call: { ua: BROWSER_UA, query: 'hostname=home.example.org' }, status: 200, body: 'badagent' },
    { name: 'PUT → badagent (method not permitted)', call: { method: 'PUT', query: 'hostname=home.example.org' }, status: 200, body: 'badagent' },
    { name: 'unknown system → badsys', call: { query: 'system=dynamic&hostname=home.example.org&myip=1.2.3.4' }, status: 200, body: 'badsys' },
    { name: 'system=statdns accepted', call: { query: 'system=statdns&hostname=home.example.org&myip=1.2.3.4' }, status: 200, body: 'good 1.2.3.4' },
    { name: 'system=custom accepted', call: { query: 'system=custom&hostname=home.example.org&myip=1.2.3.4' }, status: 200, body: 'good 1.2.3.4' },
    { name: 'no hostname → notfqdn once', call: { query: 'myip=1.2.3.4' }, status: 200, body: 'notfqdn' },
    { name: 'empty hostname → notfqdn once', call: { query: 'hostname=&myip=1.2.3.4' }, status: 200, body: 'notfqdn' },
    { name: '21 hostnames → numhost once', call: { query: `hostname=${hosts21}&myip=1.2.3.4` }, status: 200, body: 'numhost' },
    { name: 'bare label → notfqdn', call: { query: 'hostname=home&myip=1.2.3.4' }, status: 200, body: 'notfqdn' },
    { name: 'IP as hostname → notfqdn', call: { query: 'hostname=1.2.3.4&myip=1.2.3.4' }, status: 200, body: 'notfqdn' },
    { name: 'bad label → notfqdn', call: { query: 'hostname=-home.example.org&myip=1.2.3.4' }, status: 200, body: 'notfqdn' },
    { name: 'unknown host → nohost', call: { query: 'hostname=nowhere.example.org&myip=1.2.3.4' }, status: 200, body: 'nohost' },
    { name: "another account's host → !yours", call: { query: 'hostname=bob.example.net&myip=1.2.3.4' }, status: 200, body: '!yours' },
    { name: 'blocked host → abuse', call: { query: 'hostname=spam.example.org&myip=1.2.3.4' }, status: 200, body: 'abuse' },
    { name: 'offline=YES, not a donator → !donator once', call: { query: 'hostname=home.example.org,work.example.org&offline=YES' }, status: 200, body: '!donator' },
    { name: 'offline=YES, donator → updated', call: { user: 'bob', password: 'hunter2', query: 'hostname=bob.example.net&myip=1.2.3.4&offline=YES' }, status: 200, body: 'good 1.2.3.4' },
    { name: 'host names compare case-insensitively', call: { query: 'hostname=HOME.example.ORG,work.example.org&myip=1.2.3.4' }, status: 200, body: 'good 1.2.3.4\ngood 1.2.3.4' },
    {
      name: 'several hosts: one line each, in order',
      call: { query: 'hostname=home.example.org,nowhere.example.org,bob.example.net,spam.example.org,home,work.example.org&myip=1.2.3.4' },
      status: 200,
      body: 'good 1.2.3.4\nnohost\n!yours\nabuse\nnotfqdn\ngood 1.2.3.4',
    },
    { name: 'the same host twice: good then nochg', call: { query: 'hostname=home.example.org,home.example.org&myip=1.2.3.4' }, status: 200, body: 'good 1.2.3.4\nnochg 1.2.3.4' },
    { name: 'no myip → the peer address', call: { query: 'hostname=home.example.org' }, status: 200, body: 'good 127.0.0.1' },
    { name: 'myip=<v4>,<v6> sets both, listed comma-separated', call: { query: 'hostname=home.example.org&myip=1.2.3.4,2001:DB8:0::1' }, status: 200, body: 'good 1.2.3.4,2001:db8::1' },
    { name: 'myipv6 alone', call: { query: 'hostname=home.example.org&myipv6=2001:db8::7' }, status: 200, body: 'good 2001:db8::7' },
    { name: 'myip and myipv6', call: { query: 'hostname=home.example.org&myip=1.2.3.4&myipv6=2001:db8::7' }, status: 200, body: 'good 1.2.3.4,2001:db8::7' },
    { name: 'invalid myip → ignored, peer address used (our choice)', call: { query: 'hostname=home.example.org&myip=1.2.3.999' }, status: 200, body: 'good 127.0.0.1' },
    { name: 'two IPv4 in myip → ignored, peer address used', call: { query: 'hostname=home.example.org&myip=1.2.3.4,5.6.7.8' }, status: 200, body: 'good 127.0.0.1' },
    { name: 'invalid myipv6 → ignored', call: { query: 'hostname=home.example.org&myip=1.2.3.4&myipv6=1.2.3.5' }, status: 200, body: 'good 1.2.3.4' },
    { name: 'POST with the query string', call: { method: 'POST', query: 'hostname=home.example.org&myip=1.2.3.4' }, status: 200, body: 'good 1.2.3.4' },
    {
      name: 'POST with a form body',
      call: { method: 'POST', body: 'hostname=home.example.org&myip=1.2.3.4', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 200,
      body: 'good 1.2.3.4',
    },
    { name: 'another path → 404', call: { path: '/v3/update', query: 'hostname=home.example.org' }, status: 404, body: 'not found: the update path is /nic/update' },
    { name: 'a trailing slash is another path → 404', call: { path: '/nic/update/', query: 'hostname=home.example.org' }, status: 404, body: 'not found: the update path is /nic/update' },
  ];

  for (const row of rows) {
    test(row.name, () =>
      withServer(async (server) => {
        const answer = await call(server, row.call);
        assert.equal(answer.status, row.status);
        assert.equal(answer.body, row.body);
        if (row.status !== 404) assert.match(String(answer.headers['content-type']), /^text\/plain/);
      }),
    );
  }

  test('badauth carries a Basic challenge', () =>
    withServer(async (server) => {
      const answer = await call(server, { authorization: '', query: 'hostname=home.example.org' });
      assert.match(String(answer.headers['www-authenticate']), /^Basic realm="/);
    }),
  );

  test("ipcheck.py's raw HTTP/1.0 request (upper-case headers) is understood; its fake browser agent is refused", () =>
    withServer(async (server) => {
      const requestWith = (agent: string): string =>
        'GET /nic/update?system=dyndns&hostname=home.example.org&myip=1.2.3.4&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG HTTP/1.0\r\n' +
        `HOST: members.dyndns.org\r\nUSER-AGENT: ${agent}\r\nAUTHORIZATION: ${basic('alice', 's3cret:with:colons')}\r\n\r\n`;
      assert.match(await rawExchange(server, requestWith(BROWSER_UA)), /^HTTP\/1\.1 200 [^]*\r\n\r\nbadagent$/);
      const answer = await rawExchange(server, requestWith('ipcheck/1.0'));
      assert.match(answer, /^HTTP\/1\.1 200 [^]*\r\n\r\ngood 1\.2\.3\.4$/);
      assert.match(answer, /\r\nDate: /i); // wu codes are computed from the server's Date header
    }),
  );

  test('exactly 20 hostnames are accepted', () =>
    withServer(async (server) => {
      const twenty = ['home.example.org', ...Array.from({ length: 19 }, (_, i) => `x${i}.example.org`)].join(',');
      const answer = await call(server, { query: `hostname=${twenty}&myip=1.2.3.4` });
      const lines = answer.body.split('\n');
      assert.equal(lines.length, 20);
      assert.deepEqual([lines[0], lines[19]], ['good 1.2.3.4', 'nohost']);
    }),
  );

  test('good on change, nochg on repeat, addresses per family kept', () =>
    withServer(async (server) => {
      assert.equal(server.addressOf('home.example.org'), undefined);
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4' })).body, 'good 1.2.3.4');
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4' })).body, 'nochg 1.2.3.4');
      assert.equal((await call(server, { query: 'hostname=home.example.org&myipv6=2001:db8::1' })).body, 'good 2001:db8::1');
      assert.deepEqual(server.addressOf('HOME.example.org'), { ipv4: '1.2.3.4', ipv6: '2001:db8::1' });
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=5.6.7.8' })).body, 'good 5.6.7.8');
      assert.deepEqual(server.addressOf('home.example.org'), { ipv4: '5.6.7.8', ipv6: '2001:db8::1' });
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=5.6.7.8,2001:db8::1' })).body, 'nochg 5.6.7.8,2001:db8::1');
    }),
  );

  test('a refused update changes nothing', () =>
    withServer(async (server) => {
      await call(server, { query: 'hostname=spam.example.org,bob.example.net&myip=1.2.3.4' });
      await call(server, { password: 'wrong', query: 'hostname=home.example.org&myip=1.2.3.4' });
      await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4&offline=YES' });
      assert.equal(server.addressOf('spam.example.org'), undefined);
      assert.equal(server.addressOf('bob.example.net'), undefined);
      assert.equal(server.addressOf('home.example.org'), undefined);
    }),
  );

  test('replies stay small', () =>
    withServer(async (server) => {
      const answer = await call(server, { query: `hostname=${hosts21.split(',').slice(0, 20).join(',')}&myip=1.2.3.4,2001:db8::1` });
      assert.ok(Buffer.byteLength(answer.body) < 1024, `reply of ${Buffer.byteLength(answer.body)} bytes`);
    }),
  );
});

describe('scripted replies', { timeout: 20_000 }, () => {
  test('are used in order, then honest answers resume; state is untouched', () =>
    withServer(async (server) => {
      server.script(
        { status: 500, body: '911', headers: { 'Retry-After': '1800' } },
        { body: 'wu2359' },
        { status: 200, body: 'good 9.9.9.9', headers: { 'Content-Type': 'text/html' } },
      );
      const q = { query: 'hostname=home.example.org&myip=1.2.3.4' };
      const first = await call(server, q);
      assert.deepEqual([first.status, first.body, first.headers['retry-after']], [500, '911', '1800']);
      const second = await call(server, q);
      assert.deepEqual([second.status, second.body], [200, 'wu2359']);
      const third = await call(server, q);
      assert.deepEqual([third.status, third.body, third.headers['content-type']], [200, 'good 9.9.9.9', 'text/html']);
      assert.equal(server.addressOf('home.example.org'), undefined);
      assert.equal((await call(server, q)).body, 'good 1.2.3.4');
      assert.equal(server.requests.length, 4);
    }),
  );

  test('answer even requests the honest server would refuse', () =>
    withServer(async (server) => {
      server.script({ body: 'good 1.2.3.4' });
      const answer = await call(server, { authorization: '', ua: null, query: 'hostname=home.example.org' });
      assert.deepEqual([answer.status, answer.body], [200, 'good 1.2.3.4']);
    }),
  );

  test('delayMs holds the answer back', () =>
    withServer(async (server) => {
      server.script({ body: 'nochg 1.2.3.4', delayMs: 250 });
      const started = performance.now();
      const answer = await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4' });
      const elapsed = performance.now() - started;
      assert.equal(answer.body, 'nochg 1.2.3.4');
      assert.ok(elapsed >= 240, `answered after ${elapsed.toFixed(0)} ms`);
    }),
  );

  test('a client that gives up during a delay does not hurt the server, and close() does not wait for the delay', async () => {
    const server = await startNicServer({ accounts: ACCOUNTS });
    try {
      server.script({ body: 'good 1.2.3.4', delayMs: 200 }, { body: 'late', delayMs: 60_000 });
      await assert.rejects(call(server, { query: 'hostname=home.example.org', signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
      await new Promise((r) => setTimeout(r, 250)); // the delayed answer goes to a closed socket
      const pending = call(server, { query: 'hostname=home.example.org' }).catch((e: Error) => e);
      await server.waitForRequests(2);
      const started = performance.now();
      await server.close();
      assert.ok(performance.now() - started < 1000, 'close() waited for a delayed reply');
      assert.ok((await pending) instanceof Error, 'the pending request is cut off by close()');
    } finally {
      await server.close();
    }
  });

  test('an invalid scripted status becomes a 500 that says why', () =>
    withServer(async (server) => {
      server.script({ status: 42, body: 'x' });
      const answer = await call(server, { query: 'hostname=home.example.org' });
      assert.equal(answer.status, 500);
      assert.match(answer.body, /cannot send the scripted reply/);
    }),
  );
});

describe('recorded requests', { timeout: 20_000 }, () => {
  test('every request is recorded with its details; updates() keeps /nic/update only', () =>
    withServer(
      async (server) => {
        await call(server, { query: 'system=dyndns&hostname=home.example.org&myip=1.2.3.4&wildcard=NOCHG' });
        await call(server, { path: '/elsewhere', authorization: '' });
        await call(server, { method: 'POST', query: 'hostname=home.example.org', body: 'a=b' });
        assert.equal(server.requests.length, 3);
        const [first, second, third] = server.requests;
        assert.ok(first && second && third);
        assert.equal(first.method, 'GET');
        assert.equal(first.path, '/nic/update');
        assert.equal(first.rawUrl, '/nic/update?system=dyndns&hostname=home.example.org&myip=1.2.3.4&wildcard=NOCHG');
        assert.equal(first.query.get('myip'), '1.2.3.4');
        assert.equal(first.query.get('wildcard'), 'NOCHG');
        assert.equal(first.username, 'alice');
        assert.equal(first.password, 's3cret:with:colons');
        assert.equal(first.headers['user-agent'], UA);
        assert.equal(first.at, 1_000_000);
        assert.equal(first.remoteAddress, '127.0.0.1');
        assert.equal(first.body, '');
        assert.equal(second.path, '/elsewhere');
        assert.equal(second.username, undefined);
        assert.equal(third.method, 'POST');
        assert.equal(third.body, 'a=b');
        assert.deepEqual(server.updates().map((r) => r.method), ['GET', 'POST']);
      },
      { now: () => 1_000_000 },
    ),
  );

  test('a request without a User-Agent is recorded without one (undici adds none)', () =>
    withServer(async (server) => {
      await call(server, { ua: null, query: 'hostname=home.example.org' });
      assert.equal(server.requests[0]?.headers['user-agent'], undefined);
    }),
  );

  test('waitForRequests resolves once enough requests arrived', () =>
    withServer(async (server) => {
      const waiting = server.waitForRequests(2, 2000);
      await call(server, { query: 'hostname=home.example.org' });
      await call(server, { query: 'hostname=work.example.org' });
      const seen = await waiting;
      assert.deepEqual(seen.map((r) => r.query.get('hostname')), ['home.example.org', 'work.example.org']);
      assert.equal((await server.waitForRequests(1)).length, 2);
    }),
  );

  test('waitForRequests times out with a message that lists the requests but not the password', () =>
    withServer(async (server) => {
      await call(server, { query: 'hostname=home.example.org&password=s3cret:with:colons' });
      await assert.rejects(server.waitForRequests(2, 50), (error: Error) => {
        assert.match(error.message, /expected 2 requests within 50 ms, got 1/);
        assert.match(error.message, /hostname=home\.example\.org/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      });
    }),
  );

  test('close() rejects pending waits', async () => {
    const server = await startNicServer({ accounts: ACCOUNTS });
    const waiting = server.waitForRequests(1, 10_000);
    await server.close();
    await assert.rejects(waiting, /closed after 0 of 1 requests/);
    await assert.rejects(server.waitForRequests(1), /is closed; it received 0 of 1 requests/);
  });

  test('describeRequest shows the request line and masks the password', () => {
    const line = describeRequest({
      method: 'GET',
      path: '/nic/update',
      query: new URLSearchParams('hostname=a.example.org&pass=p%40ss'),
      rawUrl: '/nic/update?hostname=a.example.org&pass=p%40ss',
      headers: { 'user-agent': UA, authorization: basic('alice', 'p@ss') },
      username: 'alice',
      password: 'p@ss',
      body: '',
      at: 0,
      remoteAddress: '127.0.0.1',
    });
    assert.equal(line, `GET /nic/update?hostname=a.example.org&pass=*** (user "alice" password ***, UA "${UA}") from 127.0.0.1`);
    assert.doesNotMatch(line, /p@ss|p%40ss|Basic/);
  });
});

describe('listening', { timeout: 20_000 }, () => {
  test('refuses addresses that are not loopback, with a clear error', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.1', '10.0.0.1', 'localhost', 'fe80::1%lo', '::ffff:10.0.0.1']) {
      await assert.rejects(startNicServer({ host, accounts: ACCOUNTS }), /is not a loopback address.*127\.0\.0\.1' or '::1'/, host);
    }
  });

  test('knows loopback literals', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.ok(isLoopbackLiteral(host), host);
    for (const host of ['128.0.0.1', '::2', '::', 'example.org', '']) assert.ok(!isLoopbackLiteral(host), host);
  });

  test('refuses accounts that share a host or a username', async () => {
    await assert.rejects(
      startNicServer({ accounts: [...ACCOUNTS, { username: 'carol', password: 'x', hosts: ['HOME.example.org'] }] }),
      /host "HOME.example.org" is in the accounts of both "alice" and "carol"/,
    );
    await assert.rejects(startNicServer({ accounts: [...ACCOUNTS, { username: 'bob', password: 'x', hosts: [] }] }), /two accounts are named "bob"/);
  });

  test('defaults to 127.0.0.1 on a free port', () =>
    withServer(async (server) => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(server.url).port, '0');
    }),
  );

  test('listens on ::1 and answers with the IPv6 peer address', async (t) => {
    if (!(await loopbackIPv6Available())) {
      t.skip('::1 is not configured on this machine (IPv6 disabled), so there is nothing to listen on');
      return;
    }
    await withServer(
      async (server) => {
        assert.match(server.url, /^http:\/\/\[::1\]:\d+$/);
        const answer = await call(server, { query: 'hostname=home.example.org' });
        assert.equal(answer.body, 'good ::1');
        assert.deepEqual(server.addressOf('home.example.org'), { ipv6: '::1' });
        assert.equal(server.requests[0]?.remoteAddress, '::1');
      },
      { host: '::1' },
    );
  });

  test('speaks TLS when given a key and certificate', async () => {
    const server = await startNicServer({ accounts: ACCOUNTS, tls: LOOPBACK_TLS });
    const trusting = new Agent({ connect: { ca: LOOPBACK_TLS.cert } });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4', dispatcher: trusting });
      assert.equal(answer.body, 'good 1.2.3.4');
      // A plain-HTTP client gets nothing useful, and the server keeps going.
      assert.doesNotMatch(await rawExchange(server, 'GET /nic/update HTTP/1.0\r\n\r\n'), /good|badauth/);
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4', dispatcher: trusting })).body, 'nochg 1.2.3.4');
    } finally {
      await trusting.close();
      await server.close();
    }
  });
});

describe('robustness', { timeout: 20_000 }, () => {
  test('survives malformed requests, huge headers, odd URLs and hang-ups', () =>
    withServer(async (server) => {
      assert.match(await rawExchange(server, 'THIS IS NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400/);
      assert.match(await rawExchange(server, Buffer.from([0, 255, 13, 10, 13, 10, 1, 2, 3])), /^HTTP\/1\.1 400/);
      const huge = `GET /nic/update HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`;
      assert.match(await rawExchange(server, huge), /^HTTP\/1\.1 431/);
      assert.match(await rawExchange(server, 'GET /nic/update HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n'), /^HTTP\/1\.1 400/);
      // Half a request, then the client hangs up: at most a 400 comes back.
      assert.match(await rawExchange(server, 'GET /nic/upd', true), /^(|HTTP\/1\.1 400 [^]*)$/);

      // A protocol-relative target and broken percent-escapes are recorded and answered, not thrown on.
      const odd = `GET //evil.example/nic/update?%zz=%&hostname=home.example.org&myip=%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
      assert.match(await rawExchange(server, odd), /^HTTP\/1\.1 404/);
      const broken = `GET /nic/update?hostname=home.example.org&myip=%zz HTTP/1.1\r\nHost: x\r\nUser-Agent: ${UA}\r\nAuthorization: ${basic('alice', 's3cret:with:colons')}\r\nConnection: close\r\n\r\n`;
      assert.match(await rawExchange(server, broken), /\r\n\r\ngood 127\.0\.0\.1$/);

      const tooBig = `POST /nic/update HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(100_000)}`;
      assert.match(await rawExchange(server, tooBig), /^HTTP\/1\.1 413/);

      // Still serving.
      assert.equal((await call(server, { query: 'hostname=home.example.org&myip=1.2.3.4' })).body, 'good 1.2.3.4');
      assert.ok(server.requests.some((r) => r.rawUrl.startsWith('//evil.example/') && r.path === '//evil.example/nic/update'));
    }),
  );
});
