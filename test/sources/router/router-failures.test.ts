// The failures a user meets: a wrong password, an unreachable device, a page without the
// anchor, a WAN address behind another NAT. Each is one clear event, never with the password.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { lastValueFrom, take, toArray } from 'rxjs';
import { deviceById } from '../../../src/sources/router/device-table.js';
import { routerSource } from '../../../src/sources/router/router-source.js';
import type { SourceEvent } from '../../../src/sources/source.js';
import { startHttpRouter, startTelnetRouter } from '../../support/router-simulator.js';
import type { RouterSourceOptions } from '../../../src/sources/router/router-source.js';

async function readOnce(options: Partial<RouterSourceOptions> & Pick<RouterSourceOptions, 'device'>): Promise<SourceEvent[]> {
  const source = routerSource({ allowPrivate: false, timeoutMs: 3000, ...options }, { now: () => 0 });
  return lastValueFrom(source.once().pipe(toArray()));
}

const PASSWORD = 'S3cret-pw';
const WRONG = 'Wr0ng-guess';

function onlyFailure(events: SourceEvent[]): string {
  assert.equal(events.length, 1);
  const [event] = events;
  assert.equal(event?.type, 'SourceFailed');
  const reason = (event as { reason: string }).reason;
  assert.ok(!reason.includes(PASSWORD) && !reason.includes(WRONG), `password leaked: ${reason}`);
  return reason;
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('wrong password', () => {
  test('Basic auth (Netgear -N): HTTP 401 names the option and the user', async () => {
    const sim = await startHttpRouter({ dir: 'netgear-rt311', auth: { type: 'basic', user: 'admin', password: PASSWORD }, pages: { '/mtenSysStatus.html': 'mtenSysStatus.html' } });
    try {
      const reason = onlyFailure(await readOnce({ device: deviceById('N')!, password: WRONG, routerHost: sim.host }));
      assert.match(reason, /refused the password for user "admin" \(HTTP 401 on \/mtenSysStatus\.html\); check the device password given with -N and the user \(-U\)/);
    } finally { await sim.close(); }
  });

  test('login form (Barricade -B): the login page comes back instead of the status', async () => {
    const sim = await startHttpRouter({
      dir: 'smc-barricade-88', pages: { '/login.htm': 'login.htm', '/status.HTM': 'status.HTM', '/logout.htm': 'logout.htm' }, open: ['/login.htm'],
      auth: { type: 'form', method: 'POST', action: '/login.htm', remember: 'address', loginFile: 'login.htm', okFile: 'login-ok.htm', check: (f) => f.get('pws') === PASSWORD },
    });
    try {
      const reason = onlyFailure(await readOnce({ device: deviceById('B')!, password: WRONG, routerHost: sim.host }));
      assert.match(reason, /\/status\.HTM on 127\.0\.0\.1:\d+ showed the login page again: the SMC Barricade .* did not accept the password; check the device password given with -B/);
    } finally { await sim.close(); }
  });

  test('telnet (Cayman -Y): the console asks again', async () => {
    const sim = await startTelnetRouter({
      dir: 'cayman-3220h', refusal: 'Login incorrect', prompt: 'Cayman> ',
      login: [{ prompt: 'Login: ', expect: 'admin' }, { prompt: 'Password: ', expect: PASSWORD, password: true }],
      commands: { 'show ip interface': { file: 'show-ip-interface.txt' } },
    });
    try {
      const reason = onlyFailure(await readOnce({ device: deviceById('Y')!, password: WRONG, routerHost: sim.host }));
      assert.match(reason, /the Cayman DSL 3220-H at 127\.0\.0\.1:\d+ refused the password \(it asked again\); check the device password given with -Y/);
    } finally { await sim.close(); }
  });
});

describe('unreachable device', () => {
  test('HTTP: a closed loopback port', async () => {
    const port = await closedLoopbackPort();
    const reason = onlyFailure(await readOnce({ device: deviceById('L')!, password: PASSWORD, routerHost: `127.0.0.1:${port}` }));
    assert.equal(reason, `cannot reach the router at 127.0.0.1:${port}: connection refused; check the router address (-n) and that its web admin is on`);
  });

  test('telnet: a closed loopback port', async () => {
    const port = await closedLoopbackPort();
    const reason = onlyFailure(await readOnce({ device: deviceById('C')!, password: PASSWORD, routerHost: `127.0.0.1:${port}` }));
    assert.match(reason, new RegExp(`cannot reach the Cisco .* console at 127\\.0\\.0\\.1:${port}: cannot connect .*ECONNREFUSED.*; check the router address \\(-n\\) and that telnet is enabled on it`));
  });

  test('without -n the router is looked for at the default gateway', async () => {
    const port = await closedLoopbackPort();
    let asked = 0;
    const source = routerSource({ device: deviceById('G')!, allowPrivate: false, timeoutMs: 2000 }, {
      now: () => 0, defaultGateway: async () => { asked++; return `127.0.0.1:${port}`; },
    });
    const events = await lastValueFrom(source.once().pipe(toArray()));
    assert.equal(asked, 1);
    assert.match(onlyFailure(events), new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});

describe('page without the anchor', () => {
  test('HTTP: every page tried is named with what was missing', async () => {
    const sim = await startHttpRouter({ dir: 'hawking', auth: { type: 'basic', user: 'admin', password: PASSWORD }, pages: { '/Monitor.htm': '../macsense-xrouter/Status.htm' } });
    try {
      const reason = onlyFailure(await readOnce({ device: deviceById('H')!, password: PASSWORD, routerHost: sim.host }));
      assert.match(reason, /no WAN address found on the HawkingTech at 127\.0\.0\.1:\d+ \(\/Monitor\.htm on 127\.0\.0\.1:\d+: no "WAN"\); is -H the right device option\?/);
    } finally { await sim.close(); }
  });

  test('telnet: the command output lacks the anchor', async () => {
    const sim = await startTelnetRouter({
      dir: 'gnet-bb0040', refusal: 'Bad Password', prompt: 'BB0040> ', login: [{ prompt: 'Password: ', expect: PASSWORD, password: true }],
      commands: { 'ip subnet': { text: '\r\n  Interface  IP Address\r\n  ethernet   192.168.1.254\r\n' } },
    });
    try {
      const reason = onlyFailure(await readOnce({ device: deviceById('4')!, password: PASSWORD, routerHost: sim.host }));
      assert.match(reason, /no WAN address found on the Gnet BB0040 console at 127\.0\.0\.1:\d+ \("ip subnet": no "subnet ppp_device"\)/);
    } finally { await sim.close(); }
  });
});

describe('what the router reports is validated', () => {
  test('a private WAN address (double NAT) is rejected with the reason, or accepted with allowPrivate', async () => {
    const sim = await startHttpRouter({ dir: 'ugateplus', auth: { type: 'none' }, pages: { '/st_dhcp.htm': 'st_dhcp.htm' } });
    const device = { ...deviceById('G')!, access: { ...deviceById('G')!.access, pages: [{ path: '/st_dhcp.htm', anchors: [{ after: ['LAN'], occurrence: 'first' as const }] }] } } as const;
    try {
      const [rejected] = await readOnce({ device: device as never, routerHost: sim.host });
      assert.equal(rejected?.type, 'CandidateRejected');
      assert.equal((rejected as { address: string }).address, '192.168.0.1');
      assert.match((rejected as { reason: string }).reason, /192\.168\.0\.1 is private \(RFC 1918\).*router at 127\.0\.0\.1:\d+, \/st_dhcp\.htm after "LAN"\).*double NAT/);
      const [accepted] = await readOnce({ device: device as never, routerHost: sim.host, allowPrivate: true });
      assert.deepEqual(accepted, { type: 'CandidateObserved', source: 'router -G (UgatePlus)', family: 'ipv4', address: '192.168.0.1' });
    } finally { await sim.close(); }
  });

  test('watch() polls the device', async () => {
    const sim = await startHttpRouter({ dir: 'eicon-diva', auth: { type: 'none' }, pages: { '/Status.htm': 'Status.htm' } });
    try {
      const source = routerSource({ device: deviceById('E')!, routerHost: sim.host, allowPrivate: false, pollMs: 20 }, { now: () => 0 });
      const events = await lastValueFrom(source.watch().pipe(take(3), toArray()));
      assert.equal(events.length, 3);
      assert.ok(events.every((e) => e.type === 'CandidateObserved'));
      assert.equal(sim.requests.length, 3);
    } finally { await sim.close(); }
  });
});
