import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { defaultGateway, defaultGatewayFromProcRoute } from '../../src/sources/default-gateway.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/routers/proc-net-route/${name}`, import.meta.url));

test('the default route with the lowest metric gives the router address (little-endian hex)', async () => {
  assert.equal(await defaultGateway({ path: fixture('two-defaults') }), '192.168.1.1');
});

test('no default route, or no readable table, gives undefined', async () => {
  assert.equal(await defaultGateway({ path: fixture('no-default') }), undefined);
  assert.equal(await defaultGateway({ path: fixture('missing') }), undefined);
});

test('a default route that is down or has no gateway flag is skipped', () => {
  const header = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n';
  assert.equal(defaultGatewayFromProcRoute(`${header}eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n`), undefined);
  assert.equal(defaultGatewayFromProcRoute(`${header}ppp0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n`), undefined);
  assert.equal(defaultGatewayFromProcRoute(`${header}eth1\t00000000\t FE01000A\t0003\t0\t0\t5\t00000000\t0\t0\t0\n`), '10.0.1.254');
});
