// The built CLI as cron would run it, against the loopback NIC v2 server: one scenario a test.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOSTS, PASSWORD, USER, startWorld, type World } from '../support/world.js';

const A = HOSTS[0] as string;
const DAY = 24 * 3600_000;

async function withWorld(fn: (world: World) => Promise<void>, accounts?: Parameters<typeof startWorld>[0]): Promise<void> {
  const world = await startWorld(accounts);
  try {
    await fn(world);
  } finally {
    await world.close();
  }
}

describe('one-shot runs against the loopback NIC v2 server', () => {
  test('the first run sends one request with the right path, query, auth and user agent', () => withWorld(async (w) => {
    const result = await w.ipcheck(['-a', '81.2.69.160']);
    assert.equal(result.status, 0, result.stderr);
    const updates = w.nic.updates();
    assert.equal(updates.length, 1);
    const [request] = updates;
    assert.equal(request?.path, '/nic/update');
    assert.equal(request?.method, 'GET');
    assert.equal(request?.rawUrl, `/nic/update?system=dyndns&hostname=${A}&myip=81.2.69.160&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG`);
    assert.equal(request?.username, USER);
    assert.equal(request?.password, PASSWORD);
    const agent = String(request?.headers['user-agent']);
    assert.match(agent, /^[^-]+ - [^-]+ - \d+\.\d+\.\d+$/, 'company - device - version');
    assert.doesNotMatch(agent, /Mozilla|MSIE/);
    assert.match(result.stdout, new RegExp(`${A} good 81\\.2\\.69\\.160`));
    assert.equal(readFileSync(join(w.dir, 'ipcheck.dat'), 'utf8'), `81.2.69.160\n${A}\n`);
    assert.equal(existsSync(join(w.dir, 'ipcheck.err')), false);
    assert.equal(readFileSync(join(w.dir, 'ipcheck.html'), 'utf8').trim(), 'good 81.2.69.160');
    assert.equal(w.dns.queries.includes(A), true, 'the first run resolves the hosts as --makedat does');
  }));

  test('the same address again sends nothing; a new address sends one', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160']);
    const same = await w.ipcheck(['-a', '81.2.69.160']);
    assert.equal(same.status, 0);
    assert.equal(w.nic.updates().length, 1);
    assert.match(same.stdout, /no update needed/);
    const changed = await w.ipcheck(['-a', '81.2.69.161', '--min-interval', '0']);
    assert.equal(changed.status, 0, changed.stderr);
    assert.equal(w.nic.updates().length, 2);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), '81.2.69.161');
  }));

  test('a first run whose DNS already shows the address sends nothing', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160'], { hosts: [A] });
    rmSync(join(w.dir, 'ipcheck.dat'));
    rmSync(join(w.dir, 'ipcheck.events.jsonl'));
    rmSync(join(w.dir, 'ipcheck.state.json'));
    const again = await w.ipcheck(['-a', '81.2.69.160']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(w.nic.updates().length, 1, 'DNS says the server already has it');
  }));

  test('-f sends one even when the address is unchanged', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160']);
    const forced = await w.ipcheck(['-f', '--min-interval', '0', '-a', '81.2.69.160']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(w.nic.updates().length, 2);
  }));

  test('-f still respects --min-interval (default 60 s)', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160']);
    const forced = await w.ipcheck(['-f', '-a', '81.2.69.160']);
    assert.equal(w.nic.updates().length, 1);
    assert.match(forced.stdout + forced.stderr, /min-interval/);
  }));

  for (const [address, why] of [['192.168.1.20', /private/], ['100.64.3.4', /carrier-grade NAT/], ['127.0.0.1', /loopback/], ['0.0.0.0', /unspecified/], ['300.1.1.1', /not an IPv4 or IPv6 address/]] as const) {
    test(`a non-public address (${address}) sends nothing and says why`, () => withWorld(async (w) => {
      const result = await w.ipcheck(['-a', address]);
      assert.equal(result.status, 5);
      assert.equal(w.nic.updates().length, 0);
      assert.match(result.stderr, why);
    }));
  }

  test('--allow-private lets a LAN address through', () => withWorld(async (w) => {
    const result = await w.ipcheck(['--allow-private', '-a', '192.168.1.20']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), '192.168.1.20');
  }));

  test('-t shows the request with the password hidden and sends nothing', () => withWorld(async (w) => {
    const result = await w.ipcheck(['-t', '-a', '81.2.69.160']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates().length, 0);
    assert.match(result.stdout, /would send GET \/nic\/update\?system=dyndns&hostname=a\.example\.org&myip=81\.2\.69\.160/);
    assert.match(result.stdout, /password hidden/);
  }));

  const latching: [string, string, number, string][] = [
    ['notfqdn', 'notfqdn', 200, `notfqdn ${A}`],
    ['nohost', 'nohost', 200, `nohost ${A}`],
    ['!yours', '!yours', 200, `!yours ${A}`],
    ['abuse', 'abuse', 200, `abuse ${A}`],
    ['numhost', 'numhost', 200, `numhost ${A}`],
    ['dnserr', 'dnserr', 200, `dnserr ${A}`],
    ['badauth (HTTP 401)', 'badauth', 401, `badauth ${USER}`],
    ['badauth (HTTP 200)', 'badauth', 200, `badauth ${USER}`],
    ['badagent', 'badagent', 200, 'badagent'],
    ['badsys', 'badsys', 200, 'badsys dyndns'],
    ['!donator', '!donator', 200, '!donator'],
  ];
  for (const [name, body, status, errLine] of latching) {
    test(`${name} stops later requests until ipcheck.err is removed`, () => withWorld(async (w) => {
      w.nic.script({ status, body });
      const first = await w.ipcheck(['-a', '81.2.69.160']);
      assert.equal(first.status, 2, first.stdout + first.stderr);
      assert.match(first.stderr, new RegExp(body.replace('!', '\\!')));
      assert.equal(readFileSync(join(w.dir, 'ipcheck.err'), 'utf8'), `${errLine}\n`);
      const blocked = await w.ipcheck(['-f', '--min-interval', '0', '-a', '81.2.69.161']);
      assert.equal(blocked.status, 2);
      assert.equal(w.nic.updates().length, 1, 'no request while latched, even with -f');
      rmSync(join(w.dir, 'ipcheck.err'));
      const cleared = await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.161']);
      assert.equal(cleared.status, 0, cleared.stderr);
      assert.equal(w.nic.updates().length, 2);
    }));
  }

  test('ipcheck clear lifts a latch like deleting ipcheck.err', () => withWorld(async (w) => {
    w.nic.script({ body: 'nohost' });
    await w.ipcheck(['-a', '81.2.69.160']);
    const status = await w.ipcheck(['status'], { credentials: false });
    assert.match(status.stdout, /STOPPED \(nohost\)/);
    const clear = await w.ipcheck(['clear', A], { credentials: false });
    assert.equal(clear.status, 0, clear.stderr);
    assert.equal(existsSync(join(w.dir, 'ipcheck.err')), false);
    await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.160']);
    assert.equal(w.nic.updates().length, 2);
  }));

  test('new credentials retry by themselves after badauth', () => withWorld(async (w) => {
    w.nic.script({ status: 401, body: 'badauth' });
    await w.ipcheck(['-a', '81.2.69.160']);
    // The same credentials stay stopped; ipcheck.err holds no password (checked by the world).
    assert.equal((await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.160'])).status, 2);
    assert.equal(w.nic.updates().length, 1);
  }));

  for (const [code, minutes] of [['w30m', 30], ['w2h', 120], ['w90s', 1.5]] as const) {
    test(`a ${code} wait stops requests until it passes`, () => withWorld(async (w) => {
      w.nic.script({ body: code });
      const first = await w.ipcheck(['-a', '81.2.69.160']);
      assert.equal(first.status, 3, first.stdout + first.stderr);
      assert.match(readFileSync(join(w.dir, 'ipcheck.wait'), 'utf8'), /^u \d+\n\d+\.\d+\n$/);
      const soon = new Date(Date.now() + (minutes * 60_000) / 2).toISOString();
      const during = await w.ipcheck(['-f', '--min-interval', '0', '-a', '81.2.69.160'], { env: { IPCHECK_NOW: soon } });
      assert.equal(during.status, 3);
      assert.equal(w.nic.updates().length, 1);
      const later = new Date(Date.now() + minutes * 60_000 + 5000).toISOString();
      const after = await w.ipcheck(['-a', '81.2.69.160'], { env: { IPCHECK_NOW: later } });
      assert.equal(after.status, 0, after.stderr);
      assert.equal(w.nic.updates().length, 2);
      assert.equal(existsSync(join(w.dir, 'ipcheck.wait')), false);
    }));
  }

  test('911 makes it wait at least 30 minutes; deleting ipcheck.wait ends the wait', () => withWorld(async (w) => {
    w.nic.script({ status: 500, body: '911' });
    assert.equal((await w.ipcheck(['-a', '81.2.69.160'])).status, 3);
    const in29 = new Date(Date.now() + 29 * 60_000).toISOString();
    assert.equal((await w.ipcheck(['-a', '81.2.69.160'], { env: { IPCHECK_NOW: in29 } })).status, 3);
    assert.equal(w.nic.updates().length, 1);
    rmSync(join(w.dir, 'ipcheck.wait'));
    assert.equal((await w.ipcheck(['-a', '81.2.69.160'])).status, 0);
    assert.equal(w.nic.updates().length, 2);
  }));

  test('mixed multi-host replies: the failing host is stopped, the others keep being updated', () => withWorld(async (w) => {
    w.nic.script({ body: 'good 81.2.69.160\nnohost\ngood 81.2.69.160' });
    const first = await w.ipcheck(['-a', '81.2.69.160'], { hosts: HOSTS });
    assert.equal(first.status, 2);
    assert.equal(w.nic.updates()[0]?.query.get('hostname'), HOSTS.join(','));
    assert.equal(readFileSync(join(w.dir, 'ipcheck.err'), 'utf8'), `nohost ${HOSTS[1]}\n`);
    await w.ipcheck(['--min-interval', '0', '-a', '81.2.69.161'], { hosts: HOSTS });
    assert.equal(w.nic.updates()[1]?.query.get('hostname'), `${HOSTS[0]},${HOSTS[2]}`);
  }));

  test('25 days later the same address is refreshed, 24 days later it is not (injected clock)', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160']);
    const in24 = new Date(Date.now() + 24 * DAY).toISOString();
    await w.ipcheck(['-a', '81.2.69.160'], { env: { IPCHECK_NOW: in24 } });
    assert.equal(w.nic.updates().length, 1);
    const in26 = new Date(Date.now() + 26 * DAY).toISOString();
    const refreshed = await w.ipcheck(['-a', '81.2.69.160'], { env: { IPCHECK_NOW: in26 } });
    assert.equal(w.nic.updates().length, 2, refreshed.stdout);
    assert.match(refreshed.stdout, /refresh/);
  }));

  test('an ipcheck.dat touched 26 days back asks for a refresh (file times)', () => withWorld(async (w) => {
    await w.ipcheck(['-a', '81.2.69.160']);
    const old = (Date.now() - 26 * DAY) / 1000;
    utimesSync(join(w.dir, 'ipcheck.dat'), old, old);
    await w.ipcheck(['-a', '81.2.69.160']);
    assert.equal(w.nic.updates().length, 2);
    const age = Date.now() - statSync(join(w.dir, 'ipcheck.dat')).mtimeMs;
    assert.ok(age < 60_000, 'the refresh makes ipcheck.dat young again');
    assert.equal((await w.ipcheck(['--touch-days', '0', '-a', '81.2.69.160'])).status, 0);
    assert.equal(w.nic.updates().length, 2);
  }));

  test('-r reads the address from a check page (host:port form and full URL)', () => withWorld(async (w) => {
    let hits = 0;
    const page: Server = createServer((_req, res) => {
      hits++;
      res.end('<html><body>Current IP Address: 81.2.69.170</body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const { port } = page.address() as AddressInfo;
    try {
      const short = await w.ipcheck(['-r', `127.0.0.1:${port}`]);
      assert.equal(short.status, 0, short.stderr);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.170');
      const full = await w.ipcheck(['-r', `http://127.0.0.1:${port}/`]);
      assert.equal(full.status, 0);
      assert.equal(hits, 2);
      assert.equal(w.nic.updates().length, 1);
    } finally {
      await new Promise((resolve) => page.close(resolve));
    }
  }));

  test('-r with a page showing only a private address sends nothing', () => withWorld(async (w) => {
    const page = createServer((_req, res) => res.end('Your address: 10.1.2.3'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const result = await w.ipcheck(['-r', `127.0.0.1:${(page.address() as AddressInfo).port}`]);
      assert.equal(result.status, 5);
      assert.match(result.stderr, /10\.1\.2\.3 is private/);
      assert.equal(w.nic.updates().length, 0);
    } finally {
      await new Promise((resolve) => page.close(resolve));
    }
  }));

  test('-g sends no myip and records the address the server reports', () => withWorld(async (w) => {
    w.nic.script({ body: 'good 81.2.69.180' });
    const result = await w.ipcheck(['-g']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.query.has('myip'), false);
    assert.equal(readFileSync(join(w.dir, 'ipcheck.dat'), 'utf8'), `81.2.69.180\n${A}\n`);
    assert.equal((await w.ipcheck(['-g'])).status, 0);
    assert.equal(w.nic.updates().length, 1, 'a recent -g update is not repeated');
  }));

  test('-c sends system=custom without wildcard, mx and backmx', () => withWorld(async (w) => {
    await w.ipcheck(['-c', '-a', '81.2.69.160']);
    assert.equal(w.nic.updates()[0]?.rawUrl, `/nic/update?system=custom&hostname=${A}&myip=81.2.69.160`);
  }));

  test('-s -w -b -m set statdns, wildcard, backmx and mx', () => withWorld(async (w) => {
    await w.ipcheck(['-s', '-w', '-b', '-m', 'mx.example.org', '-a', '81.2.69.160']);
    assert.equal(w.nic.updates()[0]?.rawUrl, `/nic/update?system=statdns&hostname=${A}&myip=81.2.69.160&wildcard=ON&backmx=YES&mx=mx.example.org`);
  }));

  test('-o sends offline=YES and nothing else', () => withWorld(async (w) => {
    const result = await w.ipcheck(['-o', '-a', '81.2.69.160']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.rawUrl, `/nic/update?system=dyndns&hostname=${A}&offline=YES`);
  }, [{ username: USER, password: PASSWORD, hosts: HOSTS, donator: true }]));

  test('--acctfile keeps the credentials off the command line', () => withWorld(async (w) => {
    const file = join(w.dir, 'account');
    writeFileSync(file, `${USER} ${PASSWORD} ${A}\n`, { mode: 0o600 });
    // The account file holds the password by design; every other file and the output must not.
    const result = await w.ipcheck(['--acctfile', file, '-a', '81.2.69.160'], { credentials: false, secretFiles: [file] });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.password, PASSWORD);
  }));

  test('-e runs the script after a successful update, with the results in its environment', () => withWorld(async (w) => {
    const out = join(w.dir, 'script.out');
    const result = await w.ipcheck(['-e', `env | grep ^IPCHECK_ | sort > ${out}`, '-a', '81.2.69.160'], { hosts: [HOSTS[0] as string, HOSTS[1] as string] });
    assert.equal(result.status, 0, result.stderr);
    const env = readFileSync(out, 'utf8');
    assert.match(env, /^IPCHECK_ADDRESS=81\.2\.69\.160$/m);
    assert.match(env, /^IPCHECK_HOSTS=a\.example\.org,b\.example\.org$/m);
    assert.match(env, /^IPCHECK_RESULTS=a\.example\.org=good b\.example\.org=good$/m);
    rmSync(out);
    await w.ipcheck(['-e', `touch ${out}`, '-a', '81.2.69.160'], { hosts: [HOSTS[0] as string, HOSTS[1] as string] });
    assert.equal(existsSync(out), false, 'no script when nothing was updated');
  }));

  test('--config reads ipcheck.py INI keys; the command line wins', () => withWorld(async (w) => {
    const file = join(w.dir, 'ipcheck.conf');
    writeFileSync(file, `[ipcheck]\nopt_username = ${USER}\nopt_password = ${PASSWORD}\nopt_hostnames = ${A}\nopt_address = 81.2.69.1\nopt_wildcard = ON\n`);
    chmodSync(file, 0o600);
    const result = await w.ipcheck(['--config', file, '-a', '81.2.69.160'], { credentials: false, secretFiles: [file] });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.160');
    assert.equal(w.nic.updates()[0]?.query.get('wildcard'), 'ON');
  }));

  test('bad input gets a clear message and exit status 1', () => withWorld(async (w) => {
    const badHost = await w.ipcheck(['-a', '81.2.69.160'], { hosts: ['no-dot'] });
    assert.equal(badHost.status, 1);
    assert.match(badHost.stderr, /bad hostname "no-dot"/);
    const missing = await w.ipcheck(['-a', '81.2.69.160', USER], { credentials: false });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Username Password Hostnames/);
    assert.equal(w.nic.updates().length, 0);
  }));
});

describe('replay and status', () => {
  let world: World;
  before(async () => { world = await startWorld(); });
  after(async () => { await world.close(); });

  test('replay prints the timeline and checks the snapshot', async () => {
    await world.ipcheck(['-a', '81.2.69.160']);
    const replay = await world.ipcheck(['replay'], { credentials: false });
    assert.equal(replay.status, 0, replay.stderr);
    assert.match(replay.stdout, /HostUpdated +a\.example\.org good 81\.2\.69\.160/);
    assert.match(replay.stdout, /snapshot \(up to event \d+\) matches the log/);
    const json = JSON.parse((await world.ipcheck(['replay', '--json'], { credentials: false })).stdout) as { state: { hosts: Record<string, unknown> } };
    assert.ok(json.state.hosts[A]);
  });
});
