// Against a real IGD: Debian's miniupnpd in a network namespace this test creates. It checks
// what the simulator cannot: that a real router understands our SSDP search, SOAP envelopes
// and NAT-PMP packets, and that the forwards really appear in its firewall.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom, toArray } from 'rxjs';
import { mapPorts, parseForwardSpec, unmapPorts, type PortMappingOptions } from '../../src/sinks/port-forward.js';
import { upnpIgd } from '../../src/sources/upnp/upnp-igd.js';
import { natPmp } from '../../src/sources/upnp/nat-pmp.js';
import { callSoapAction } from '../../src/sources/upnp/soap-action.js';
import { createVethNamespace, namespaceUnavailableReason, type VethNamespace } from '../support/network-namespace.js';
import { miniupnpdUnavailableReason, ROUTER_WAN_ADDRESS, startMiniupnpd, type MiniupnpdRouter } from '../support/miniupnpd-router.js';

const unavailable = namespaceUnavailableReason() ?? miniupnpdUnavailableReason();
const deps = { now: () => 0 };

describe('a real IGD: miniupnpd in a network namespace', { skip: unavailable && `skipped: ${unavailable}; the simulator tests cover the protocol` }, () => {
  let namespace: VethNamespace;
  let router: MiniupnpdRouter;
  before(async () => {
    namespace = createVethNamespace();
    router = await startMiniupnpd(namespace);
  });
  after(async () => {
    await router?.stop();
    namespace?.remove();
  });

  test('the upnp source reads the WAN address, from the URL and by (unicast) SSDP search', async () => {
    const fromUrl = await firstValueFrom(upnpIgd({ descriptionUrl: router.descriptionUrl, allowPrivate: false }, deps).once().pipe(toArray()));
    assert.deepEqual(fromUrl, [{ type: 'CandidateObserved', source: `upnp ${router.descriptionUrl}`, family: 'ipv4', address: ROUTER_WAN_ADDRESS }]);
    // Unicast M-SEARCH to the router (UDA 1.1): no multicast leaves even the test's veth.
    const discovered = await firstValueFrom(
      upnpIgd({ allowPrivate: false, ssdp: { address: namespace.peerAddress, port: 1900 }, timeoutMs: 3000 }, deps).once().pipe(toArray()),
    );
    assert.equal(discovered[0]?.type === 'CandidateObserved' && discovered[0].address, ROUTER_WAN_ADDRESS);
  });

  test('the nat-pmp source reads the same WAN address', async () => {
    const events = await firstValueFrom(natPmp({ gateway: router.gateway, allowPrivate: false }, deps).once().pipe(toArray()));
    assert.equal(events[0]?.type === 'CandidateObserved' && events[0].address, ROUTER_WAN_ADDRESS);
  });

  test('--forward 80,5060/udp over UPnP lands in the router firewall, and is removed', async () => {
    const options: PortMappingOptions = { ports: parseForwardSpec('80,5060/udp'), via: 'upnp', igd: { descriptionUrl: router.descriptionUrl } };
    const events = await firstValueFrom(mapPorts(options, {}).pipe(toArray()));
    assert.deepEqual(events.map((e) => e.type === 'PortMapped' && [e.protocol, e.externalPort, e.internalAddress]), [
      ['tcp', 80, namespace.hostAddress],
      ['udp', 5060, namespace.hostAddress],
    ], JSON.stringify(events));
    const via = events[0]?.via.replace(/^upnp /, '') ?? '';
    const entry = await callSoapAction(
      { serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:2', controlUrl: via },
      'GetSpecificPortMappingEntry',
      { NewRemoteHost: '', NewExternalPort: 5060, NewProtocol: 'UDP' },
      { timeoutMs: 2000 },
    );
    assert.equal(entry.ok && entry.values['NewInternalClient'], namespace.hostAddress);
    assert.match(router.ruleset(), new RegExp(`dport 80 .*dnat ip to ${namespace.hostAddress.replace(/\./g, '\\.')}:80`));
    const removed = await firstValueFrom(unmapPorts(options, {}).pipe(toArray()));
    assert.ok(removed.every((e) => e.type === 'PortUnmapped'), JSON.stringify(removed));
    assert.doesNotMatch(router.ruleset(), /dnat/);
  });

  test('the same over NAT-PMP', async () => {
    const options: PortMappingOptions = { ports: parseForwardSpec('8080,5061/udp'), via: 'natpmp', gateway: router.gateway, leaseSeconds: 600 };
    const events = await firstValueFrom(mapPorts(options, {}).pipe(toArray()));
    assert.deepEqual(events.map((e) => e.type === 'PortMapped' && [e.protocol, e.externalPort, e.internalAddress, e.leaseSeconds]), [
      ['tcp', 8080, namespace.hostAddress, 600],
      ['udp', 5061, namespace.hostAddress, 600],
    ], JSON.stringify(events));
    assert.match(router.ruleset(), /dport 8080 .*dnat/);
    const removed = await firstValueFrom(unmapPorts(options, {}).pipe(toArray()));
    assert.ok(removed.every((e) => e.type === 'PortUnmapped'), JSON.stringify(removed));
    assert.doesNotMatch(router.ruleset(), /dnat/);
  });
});
