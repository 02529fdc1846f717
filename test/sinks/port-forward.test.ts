import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom, toArray, VirtualTimeScheduler, type Subscription } from 'rxjs';
import {
  keepPortsMapped,
  mapPorts,
  parseForwardSpec,
  renewalDelayMs,
  unmapPorts,
  type PortMappingEvent,
  type PortMappingOptions,
} from '../../src/sinks/port-forward.js';
import { callSoapAction } from '../../src/sources/upnp/soap-action.js';
import { IgdSimulator, type IgdSimulatorOptions } from '../support/igd-simulator.js';
import { NatPmpResponder, type NatPmpResponderOptions } from '../support/nat-pmp-responder.js';
import { createVethNamespace, namespaceUnavailableReason, type VethNamespace } from '../support/network-namespace.js';
import { startNatPmpInNamespace, type NamespacedNatPmp } from '../support/namespaced-nat-pmp.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function igd(options: IgdSimulatorOptions = {}): Promise<IgdSimulator> {
  const simulator = await IgdSimulator.start(options);
  closers.push(() => simulator.close());
  return simulator;
}

async function natPmpGateway(options: NatPmpResponderOptions = {}): Promise<NatPmpResponder> {
  const responder = await NatPmpResponder.start(options);
  closers.push(() => responder.close());
  return responder;
}

function collect<T>(events$: import('rxjs').Observable<T>): Promise<T[]> {
  return firstValueFrom(events$.pipe(toArray()));
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('mapPorts over UPnP IGD (--forward 80,5060/udp)', () => {
  test('creates both mappings on the IGD, to this machine, and reports them', async () => {
    const router = await igd();
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } };
    const events = await collect(mapPorts(options, {}));
    const via = `upnp ${router.controlUrl}`;
    assert.deepEqual(events, [
      { type: 'PortMapped', protocol: 'tcp', externalPort: 80, internalAddress: '127.0.0.1', internalPort: 80, via, leaseSeconds: 3600 },
      { type: 'PortMapped', protocol: 'udp', externalPort: 5060, internalAddress: '127.0.0.1', internalPort: 5060, via, leaseSeconds: 3600 },
    ]);
    assert.deepEqual(router.mapping('TCP', 80), {
      protocol: 'TCP', externalPort: 80, internalClient: '127.0.0.1', internalPort: 80, description: 'ipcheck', leaseSeconds: 3600, timesAdded: 1,
    });
    assert.equal(router.mapping('UDP', 5060)?.internalClient, '127.0.0.1');
    assert.equal(router.mappings.size, 2);
    // The router itself confirms the entry, as another UPnP client would see it.
    const entry = await callSoapAction(
      { serviceType: router.serviceType, controlUrl: router.controlUrl },
      'GetSpecificPortMappingEntry',
      { NewRemoteHost: '', NewExternalPort: 5060, NewProtocol: 'UDP' },
      { timeoutMs: 1000 },
    );
    assert.deepEqual(entry.ok && { client: entry.values['NewInternalClient'], port: entry.values['NewInternalPort'] }, { client: '127.0.0.1', port: '5060' });
  });

  test('honours an explicit internal address, lease and description', async () => {
    const router = await igd();
    const events = await collect(
      mapPorts(
        { ports: [{ port: 8080, protocol: 'tcp' }], via: 'upnp', igd: { descriptionUrl: router.descriptionUrl }, internalAddress: '127.0.0.9', leaseSeconds: 600, description: 'web' },
        {},
      ),
    );
    assert.equal(events[0]?.type, 'PortMapped');
    assert.deepEqual(router.mapping('TCP', 8080), {
      protocol: 'TCP', externalPort: 8080, internalClient: '127.0.0.9', internalPort: 8080, description: 'web', leaseSeconds: 600, timesAdded: 1,
    });
  });

  test('a router that only supports permanent leases (725) gets lease 0', async () => {
    const router = await igd({ onlyPermanentLeases: true });
    const [event] = await collect(mapPorts({ ports: [{ port: 80, protocol: 'tcp' }], via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } }, {}));
    assert.equal(event?.type === 'PortMapped' && event.leaseSeconds, 0);
    assert.equal(router.mapping('TCP', 80)?.leaseSeconds, 0);
  });

  test('a port already forwarded to another machine fails with the reason (718)', async () => {
    const router = await igd();
    await collect(mapPorts({ ports: [{ port: 80, protocol: 'tcp' }], via: 'upnp', igd: { descriptionUrl: router.descriptionUrl }, internalAddress: '127.0.0.2' }, {}));
    const events = await collect(mapPorts({ ports: parseForwardSpec('80,81'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } }, {}));
    assert.equal(events[0]?.type, 'PortMappingFailed');
    assert.match(events[0]?.type === 'PortMappingFailed' ? events[0].reason : '', /UPnP error 718 "ConflictInMappingEntry" \(the external port is already mapped to another machine\)/);
    assert.equal(events[1]?.type, 'PortMapped', 'the other port is still mapped');
  });

  test('no IGD: every port gets a PortMappingFailed naming the cause', async () => {
    const router = await igd({ noConnectionService: true });
    const events = await collect(mapPorts({ ports: parseForwardSpec('80,5060/udp'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } }, {}));
    assert.deepEqual(events.map((e) => [e.type, e.externalPort]), [['PortMappingFailed', 80], ['PortMappingFailed', 5060]]);
    assert.match(events[0]?.type === 'PortMappingFailed' ? events[0].reason : '', /describes no Internet Gateway Device/);
  });

  test('unmapPorts removes the mappings; removing a missing one (714) still counts', async () => {
    const router = await igd();
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } };
    await collect(mapPorts(options, {}));
    assert.equal(router.mappings.size, 2);
    const removed = await collect(unmapPorts(options, {}));
    const via = `upnp ${router.controlUrl}`;
    assert.deepEqual(removed, [
      { type: 'PortUnmapped', protocol: 'tcp', externalPort: 80, via },
      { type: 'PortUnmapped', protocol: 'udp', externalPort: 5060, via },
    ]);
    assert.equal(router.mappings.size, 0);
    assert.deepEqual(router.calls.filter((c) => c.action === 'DeletePortMapping').map((c) => c.args), [
      { NewRemoteHost: '', NewExternalPort: '80', NewProtocol: 'TCP' },
      { NewRemoteHost: '', NewExternalPort: '5060', NewProtocol: 'UDP' },
    ]);
    const again = await collect(unmapPorts(options, {}));
    assert.ok(again.every((e) => e.type === 'PortUnmapped'));
  });

  test('other SOAP faults on removal are reported', async () => {
    const router = await igd({ fault: { code: 606, description: 'Action not authorized' } });
    const [event] = await collect(unmapPorts({ ports: [{ port: 80, protocol: 'tcp' }], via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } }, {}));
    assert.equal(event?.type, 'PortMappingFailed');
    assert.match(event?.type === 'PortMappingFailed' ? event.reason : '', /606 "Action not authorized" \(not authorized/);
  });
});

describe('keepPortsMapped in virtual time', () => {
  test('renews at half the lease, not before, until unsubscribed; then unmapPorts removes', async () => {
    const router = await igd();
    const scheduler = new VirtualTimeScheduler();
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl }, leaseSeconds: 3600 };
    const events: PortMappingEvent[] = [];
    let subscription: Subscription | undefined;
    try {
      subscription = keepPortsMapped(options, { scheduler }).subscribe((event) => events.push(event));
      await eventually(() => events.length === 2, 'the first round');
      assert.equal(router.mapping('TCP', 80)?.timesAdded, 1);

      // Just before half the lease nothing happens...
      scheduler.maxFrames = 1_799_999;
      scheduler.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(events.length, 2);
      assert.equal(router.mapping('TCP', 80)?.timesAdded, 1);

      // ...and at 30 minutes both leases are renewed.
      scheduler.maxFrames = Number.POSITIVE_INFINITY;
      scheduler.flush();
      assert.equal(scheduler.frame, 1_800_000);
      await eventually(() => events.length === 4, 'the renewal');
      assert.equal(router.mapping('TCP', 80)?.timesAdded, 2);
      assert.equal(router.mapping('UDP', 5060)?.timesAdded, 2);

      scheduler.flush();
      assert.equal(scheduler.frame, 3_600_000);
      await eventually(() => events.length === 6, 'the second renewal');
      assert.ok(events.every((e) => e.type === 'PortMapped'));
    } finally {
      subscription?.unsubscribe();
    }
    scheduler.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(events.length, 6, 'no renewal after unsubscribing');
    await collect(unmapPorts(options, {}));
    assert.equal(router.mappings.size, 0);
  });

  test('renews at half the lease the gateway granted (NAT-PMP); renewalDelayMs retries sooner after a failure', async () => {
    const gateway = await natPmpGateway({ maxLifetimeSeconds: 120 });
    const scheduler = new VirtualTimeScheduler();
    const events: PortMappingEvent[] = [];
    const subscription = keepPortsMapped({ ports: [{ port: 5060, protocol: 'udp' }], via: 'natpmp', gateway: gateway.gateway }, { scheduler }).subscribe((e) =>
      events.push(e),
    );
    try {
      await eventually(() => events.length === 1, 'the first mapping');
      assert.equal(events[0]?.type === 'PortMapped' && events[0].leaseSeconds, 120);
      scheduler.flush();
      assert.equal(scheduler.frame, 60_000);
      await eventually(() => events.length === 2, 'the renewal');
    } finally {
      subscription.unsubscribe();
    }
    assert.equal(renewalDelayMs([3600, 600], false, 3600, 60_000), 300_000);
    assert.equal(renewalDelayMs([0], false, 3600, 60_000), 1_800_000, 'permanent leases are re-asserted (routers forget them on reboot)');
    assert.equal(renewalDelayMs([3600], true, 3600, 60_000), 60_000);
  });
});

describe('mapPorts over NAT-PMP (loopback gateway)', () => {
  test('maps with opcodes 1 and 2 and removes with lifetime 0', async () => {
    const gateway = await natPmpGateway();
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'natpmp', gateway: gateway.gateway, leaseSeconds: 7200 };
    const via = `nat-pmp ${gateway.gateway}`;
    assert.deepEqual(await collect(mapPorts(options, {})), [
      { type: 'PortMapped', protocol: 'tcp', externalPort: 80, internalAddress: '127.0.0.1', internalPort: 80, via, leaseSeconds: 7200 },
      { type: 'PortMapped', protocol: 'udp', externalPort: 5060, internalAddress: '127.0.0.1', internalPort: 5060, via, leaseSeconds: 7200 },
    ]);
    assert.deepEqual(gateway.requests.map((r) => [r.opcode, r.internalPort, r.externalPort, r.lifetimeSeconds]), [
      [2, 80, 80, 7200],
      [1, 5060, 5060, 7200],
    ]);
    assert.equal(gateway.mappings.size, 2);
    assert.deepEqual(await collect(unmapPorts(options, {})), [
      { type: 'PortUnmapped', protocol: 'tcp', externalPort: 80, via },
      { type: 'PortUnmapped', protocol: 'udp', externalPort: 5060, via },
    ]);
    assert.deepEqual(gateway.requests.slice(2).map((r) => [r.opcode, r.externalPort, r.lifetimeSeconds]), [
      [2, 0, 0],
      [1, 0, 0],
    ]);
    assert.equal(gateway.mappings.size, 0);
  });

  test('a refusing gateway and a foreign internal address give PortMappingFailed', async () => {
    const refusing = await natPmpGateway({ resultCode: 2 });
    const [refused] = await collect(mapPorts({ ports: [{ port: 80, protocol: 'tcp' }], via: 'natpmp', gateway: refusing.gateway }, {}));
    assert.match(refused?.type === 'PortMappingFailed' ? refused.reason : '', /result code 2 \(not authorized/);
    const gateway = await natPmpGateway();
    const [foreign] = await collect(mapPorts({ ports: [{ port: 80, protocol: 'tcp' }], via: 'natpmp', gateway: gateway.gateway, internalAddress: '127.0.0.5' }, {}));
    assert.match(foreign?.type === 'PortMappingFailed' ? foreign.reason : '', /NAT-PMP maps ports only to the machine that asks \(127\.0\.0\.1\), not to 127\.0\.0\.5/);
  });

  test('without any gateway, every port fails with the cause', async () => {
    const events = await collect(mapPorts({ ports: parseForwardSpec('80,81'), via: 'natpmp' }, { defaultGateway: async () => undefined }));
    assert.deepEqual(events.map((e) => e.type), ['PortMappingFailed', 'PortMappingFailed']);
  });
});

const unavailable = namespaceUnavailableReason();
describe('mapPorts over NAT-PMP to a gateway in a network namespace', { skip: unavailable && `skipped: ${unavailable}; the loopback NAT-PMP tests above cover the protocol` }, () => {
  let namespace: VethNamespace;
  let gateway: NamespacedNatPmp;
  before(async () => {
    namespace = createVethNamespace();
    gateway = await startNatPmpInNamespace(namespace);
  });
  after(async () => {
    await gateway?.stop();
    namespace?.remove();
  });

  test('maps to this machine\'s address on the router\'s network (the veth address), then unmaps', async () => {
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'natpmp', gateway: namespace.peerAddress };
    const events = await collect(mapPorts(options, {}));
    assert.deepEqual(events.map((e) => e.type === 'PortMapped' && [e.protocol, e.externalPort, e.internalAddress]), [
      ['tcp', 80, namespace.hostAddress],
      ['udp', 5060, namespace.hostAddress],
    ]);
    await gateway.until((report) => report.mappings.length === 2);
    assert.deepEqual(gateway.latest().mappings.map((m) => [m.protocol, m.client, m.internalPort]).sort(), [
      ['tcp', namespace.hostAddress, 80],
      ['udp', namespace.hostAddress, 5060],
    ]);
    const removed = await collect(unmapPorts(options, {}));
    assert.ok(removed.every((e) => e.type === 'PortUnmapped'));
    await gateway.until((report) => report.mappings.length === 0);
  });
});
