import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { alcatelForward } from '../../../src/sources/router/alcatel-forward.js';
import { startTelnetRouter, type TelnetDeviceSimulation } from '../../support/router-simulator.js';

const PASSWORD = 'S3cret-pw';
const WAN = '81.2.69.160';

const speedTouch = (refuseUdp = false): TelnetDeviceSimulation => ({
  dir: 'alcatel-stp', negotiate: true, echo: true, refusal: 'Invalid login', prompt: '=>',
  login: [{ prompt: 'Username : ', expect: ' ' }, { prompt: 'Password : ', expect: PASSWORD, password: true }],
  commands: {
    [`nat create protocol=tcp inside_addr=127.0.0.1 inside_port=80 outside_addr=${WAN} outside_port=80 `]: { text: '' },
    [`nat create protocol=tcp inside_addr=127.0.0.1 inside_port=21 outside_addr=${WAN} outside_port=21 `]: { text: '' },
    [`nat create protocol=udp inside_addr=127.0.0.1 inside_port=37 outside_addr=${WAN} outside_port=37 `]: { text: refuseUdp ? 'Syntax error: invalid protocol\r\n' : '' },
  },
});

test('--forward sends the original nat create lines, one per port, and reports each mapping', async () => {
  const sim = await startTelnetRouter(speedTouch());
  try {
    const events = await lastValueFrom(alcatelForward({
      routerHost: sim.host, password: PASSWORD, wanAddress: WAN,
      ports: [{ port: 80, protocol: 'tcp' }, { port: 21, protocol: 'tcp' }, { port: 37, protocol: 'udp' }],
    }, { now: () => 0 }).pipe(toArray()));
    assert.deepEqual(sim.lines, [
      ' ',
      `nat create protocol=tcp inside_addr=127.0.0.1 inside_port=80 outside_addr=${WAN} outside_port=80 `,
      `nat create protocol=tcp inside_addr=127.0.0.1 inside_port=21 outside_addr=${WAN} outside_port=21 `,
      `nat create protocol=udp inside_addr=127.0.0.1 inside_port=37 outside_addr=${WAN} outside_port=37 `,
    ]);
    assert.deepEqual(events, [80, 21].map((port) => ({
      type: 'PortMapped', protocol: 'tcp', externalPort: port, internalAddress: '127.0.0.1', internalPort: port, via: 'alcatel-telnet', leaseSeconds: 0,
    })).concat([{ type: 'PortMapped', protocol: 'udp', externalPort: 37, internalAddress: '127.0.0.1', internalPort: 37, via: 'alcatel-telnet', leaseSeconds: 0 }] as never));
    assert.deepEqual(sim.negotiation, [], 'the Speed Touch gets no negotiation answers (it hangs up on them)');
  } finally { await sim.close(); }
});

test('a refused command and a wrong password become PortMappingFailed', async () => {
  const sim = await startTelnetRouter(speedTouch(true));
  try {
    const [refused] = await lastValueFrom(alcatelForward({ routerHost: sim.host, password: PASSWORD, wanAddress: WAN, ports: [{ port: 37, protocol: 'udp' }] }, { now: () => 0 }).pipe(toArray()));
    assert.deepEqual(refused, { type: 'PortMappingFailed', protocol: 'udp', externalPort: 37, via: 'alcatel-telnet', reason: 'the Speed Touch refused "nat create" for udp port 37: Syntax error: invalid protocol' });
    const wrong = await lastValueFrom(alcatelForward({ routerHost: sim.host, password: 'nope-nope', wanAddress: WAN, ports: [{ port: 80, protocol: 'tcp' }] }, { now: () => 0 }).pipe(toArray()));
    assert.equal(wrong.length, 1);
    assert.equal(wrong[0]?.type, 'PortMappingFailed');
    assert.match((wrong[0] as { reason: string }).reason, /refused the password \(it asked again\); check the device password given with -T/);
    assert.ok(!(wrong[0] as { reason: string }).reason.includes('nope-nope'));
  } finally { await sim.close(); }
});
