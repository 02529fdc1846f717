// Router detection and --forward through the built CLI, against the simulators on loopback.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IgdSimulator } from '../support/igd-simulator.js';
import { startHttpRouter, startTelnetRouter } from '../support/router-simulator.js';
import { PASSWORD as NIC_PASSWORD, startWorld, type World } from '../support/world.js';

const ROUTER_PASSWORD = 'r0uter-Pw';

async function withWorld(fn: (world: World) => Promise<void>): Promise<void> {
  const world = await startWorld();
  try { await fn(world); } finally { await world.close(); }
}

const linksys = () => startHttpRouter({ dir: 'linksys-befsr41', auth: { type: 'basic', user: ' ', password: ROUTER_PASSWORD }, pages: { '/Status.htm': 'Status.htm' } });

describe('router options on the command line', () => {
  test('-L reads the WAN address from the Linksys status page at -n', () => withWorld(async (w) => {
    const router = await linksys();
    try {
      const result = await w.ipcheck(['-L', ROUTER_PASSWORD, '-n', router.host]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.160');
      assert.ok(!result.stdout.includes(ROUTER_PASSWORD) && !result.stderr.includes(ROUTER_PASSWORD));
    } finally { await router.close(); }
  }));

  test('--pfile reads the router password from a file', () => withWorld(async (w) => {
    const router = await linksys();
    const file = join(w.dir, 'router.pw');
    writeFileSync(file, `${ROUTER_PASSWORD}\r\n`, { mode: 0o600 });
    try {
      const result = await w.ipcheck(['--pfile', `-L${file}`, '-n', router.host]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.160');
    } finally { await router.close(); }
  }));

  test('a wrong router password is reported and the next method (-r) takes over', () => withWorld(async (w) => {
    const router = await linksys();
    const page = createServer((_req, res) => res.end('Current IP Address: 81.2.69.171'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const result = await w.ipcheck(['-L', 'wrong-pw', '-n', router.host, '-r', `127.0.0.1:${(page.address() as AddressInfo).port}`]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /router -L/);
      assert.match(result.stderr, /password|401|refused/i);
      assert.ok(!result.stderr.includes('wrong-pw'));
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.171');
    } finally {
      await router.close();
      await new Promise((resolve) => page.close(resolve));
    }
  }));

  test('an unreachable router gives a clear message and exit status 5', () => withWorld(async (w) => {
    const result = await w.ipcheck(['-L', ROUTER_PASSWORD, '-n', '127.0.0.1:1']);
    assert.equal(result.status, 5);
    assert.match(result.stderr, /router -L.*(refused|reach)/);
    assert.equal(w.nic.updates().length, 0);
  }));

  test('--devices lists the device options', async () => {
    const world = await startWorld();
    try {
      const result = await world.ipcheck(['--devices'], { credentials: false });
      assert.equal(result.status, 0);
      for (const option of ['-L', '-N', '-T', '-1', '--WTG624', '--Draytek', '--snmp']) assert.ok(result.stdout.includes(option), `--devices mentions ${option}`);
    } finally { await world.close(); }
  });
});

describe('--upnp and --forward', () => {
  test('--upnp URL reads the address and --forward 80,5060/udp creates both mappings', () => withWorld(async (w) => {
    const igd = await IgdSimulator.start({ externalAddress: '81.2.69.190' });
    try {
      const result = await w.ipcheck(['--upnp', igd.descriptionUrl, '--forward', '80,5060/udp']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.190');
      const mapped = [...igd.mappings.values()].map((m) => `${m.externalPort}/${m.protocol}`.toLowerCase()).sort();
      assert.deepEqual(mapped, ['5060/udp', '80/tcp']);
      assert.match(result.stdout, /port 80\/tcp forwarded/);
    } finally { await igd.close(); }
  }));

  test('-T with --forward sends the original nat create commands to the Alcatel', () => withWorld(async (w) => {
    const wan = '81.2.69.160';
    const sim = await startTelnetRouter({
      dir: 'alcatel-stp', negotiate: true, echo: true, refusal: 'Invalid login', prompt: '=>',
      login: [{ prompt: 'Username : ', expect: ' ' }, { prompt: 'Password : ', expect: ROUTER_PASSWORD, password: true }],
      commands: {
        'ip aplist': { file: 'ip-aplist.txt' },
        [`nat create protocol=tcp inside_addr=127.0.0.1 inside_port=80 outside_addr=${wan} outside_port=80 `]: { text: '' },
        [`nat create protocol=udp inside_addr=127.0.0.1 inside_port=5060 outside_addr=${wan} outside_port=5060 `]: { text: '' },
      },
    });
    try {
      const result = await w.ipcheck(['-T', ROUTER_PASSWORD, '-n', sim.host, '--forward', '80,5060/udp']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), wan);
      const creates = sim.lines.filter((l) => l.startsWith('nat create'));
      assert.deepEqual(creates, [
        `nat create protocol=tcp inside_addr=127.0.0.1 inside_port=80 outside_addr=${wan} outside_port=80 `,
        `nat create protocol=udp inside_addr=127.0.0.1 inside_port=5060 outside_addr=${wan} outside_port=5060 `,
      ]);
      assert.ok(!result.stdout.includes(NIC_PASSWORD));
    } finally { await sim.close(); }
  }));
});
