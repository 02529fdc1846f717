import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { firstValueFrom, take, toArray } from 'rxjs';
import { upnpIgd, type UpnpIgdOptions } from '../../../src/sources/upnp/upnp-igd.js';
import type { SourceEvent } from '../../../src/sources/source.js';
import { IgdSimulator, type IgdSimulatorOptions } from '../../support/igd-simulator.js';
import { SsdpResponder } from '../../support/ssdp-responder.js';

const deps = { now: () => 0 };

const simulators: IgdSimulator[] = [];
after(() => Promise.all(simulators.map((s) => s.close())));

async function simulator(options: IgdSimulatorOptions = {}): Promise<IgdSimulator> {
  const started = await IgdSimulator.start(options);
  simulators.push(started);
  return started;
}

async function once(options: UpnpIgdOptions): Promise<SourceEvent[]> {
  return firstValueFrom(upnpIgd(options, deps).once().pipe(toArray()));
}

describe('upnpIgd with a device description URL', () => {
  test('reports the WAN address from GetExternalIPAddress on the nested WANIPConnection service', async () => {
    const igd = await simulator({ externalAddress: '45.67.89.77' });
    const events = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.deepEqual(events, [
      { type: 'CandidateObserved', source: `upnp ${igd.descriptionUrl}`, family: 'ipv4', address: '45.67.89.77' },
    ]);
    assert.equal(igd.calls.length, 1);
    assert.equal(igd.calls[0]?.soapAction, '"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress"');
  });

  test('resolves the control URL against URLBase and finds a WANPPPConnection service', async () => {
    const igd = await simulator({ urlBase: true, connectionService: 'WANPPPConnection:1', externalAddress: '45.67.89.1' });
    const events = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: true });
    assert.equal(events[0]?.type, 'CandidateObserved');
    assert.equal(igd.calls[0]?.soapAction, '"urn:schemas-upnp-org:service:WANPPPConnection:1#GetExternalIPAddress"');
  });

  test('a private WAN address is rejected as double NAT', async () => {
    const igd = await simulator({ externalAddress: '10.0.0.2' });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.equal(event?.type, 'CandidateRejected');
    assert.equal(event.type === 'CandidateRejected' && event.address, '10.0.0.2');
    assert.match(event.type === 'CandidateRejected' ? event.reason : '', /double NAT/);
  });

  test('a private WAN address is accepted with allowPrivate', async () => {
    const igd = await simulator({ externalAddress: '10.0.0.2' });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: true });
    assert.deepEqual(event, { type: 'CandidateObserved', source: `upnp ${igd.descriptionUrl}`, family: 'ipv4', address: '10.0.0.2' });
  });

  test('garbage in NewExternalIPAddress is rejected with the address quoted', async () => {
    const igd = await simulator({ externalAddress: 'not-an-ip' });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.equal(event?.type, 'CandidateRejected');
    assert.match(event.type === 'CandidateRejected' ? event.reason : '', /"not-an-ip" is not a valid/);
  });

  test('an empty address means the WAN link is down', async () => {
    const igd = await simulator({ externalAddress: '' });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.equal(event?.type, 'SourceFailed');
    assert.match(event.type === 'SourceFailed' ? event.reason : '', /no external address: the router's internet connection is down/);
  });

  test('a SOAP fault is reported with its errorCode and errorDescription', async () => {
    const igd = await simulator({ fault: { code: 501, description: 'Action Failed' } });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.equal(event?.type, 'SourceFailed');
    assert.match(event.type === 'SourceFailed' ? event.reason : '', /GetExternalIPAddress at .* failed with UPnP error 501 "Action Failed" \(the action failed on the router\)/);
  });

  test('a description without a WAN connection service is not an IGD', async () => {
    const igd = await simulator({ noConnectionService: true });
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false });
    assert.equal(event?.type, 'SourceFailed');
    assert.match(event.type === 'SourceFailed' ? event.reason : '', /describes no Internet Gateway Device: it offers none of WANIPConnection:2/);
    assert.equal(igd.calls.length, 0);
  });

  test('a wrong description URL names the HTTP status', async () => {
    const igd = await simulator();
    const [event] = await once({ descriptionUrl: `${igd.origin}/nope.xml`, allowPrivate: false });
    assert.match(event?.type === 'SourceFailed' ? event.reason : '', /answered HTTP 404; check the URL/);
  });

  test('a router that does not answer in time fails within the bound', async () => {
    const igd = await simulator({ delayMs: 2000 });
    const started = Date.now();
    const [event] = await once({ descriptionUrl: igd.descriptionUrl, allowPrivate: false, timeoutMs: 150 });
    assert.ok(Date.now() - started < 1500);
    assert.match(event?.type === 'SourceFailed' ? event.reason : '', /did not answer within 150 ms/);
  });

  test('a closed port fails with a reason, never an exception', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const [event] = await once({ descriptionUrl: `http://127.0.0.1:${port}/rootDesc.xml`, allowPrivate: false });
    assert.match(event?.type === 'SourceFailed' ? event.reason : '', /could not be reached \(ECONNREFUSED/);
  });

  test('watch() asks the router again every pollMs', async () => {
    const igd = await simulator();
    const events = await firstValueFrom(
      upnpIgd({ descriptionUrl: igd.descriptionUrl, allowPrivate: false, pollMs: 30 }, deps).watch().pipe(take(2), toArray()),
    );
    assert.equal(events.length, 2);
    assert.ok(events.every((e) => e.type === 'CandidateObserved'));
    assert.equal(igd.calls.length, 2);
  });
});

describe('upnpIgd with SSDP discovery (loopback responder, never multicast)', () => {
  test('finds the IGD from the LOCATION of the reply, skipping unrelated devices', async () => {
    const igd = await simulator({ externalAddress: '45.67.89.5' });
    const responder = await SsdpResponder.start({ location: igd.descriptionUrl, noise: true });
    after(() => responder.close());
    const events = await once({ allowPrivate: false, ssdp: responder.address, timeoutMs: 2000 });
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: 'upnp (SSDP discovery)', family: 'ipv4', address: '45.67.89.5' }]);
    const targets = responder.searches.map((s) => s.searchTarget);
    assert.ok(targets.includes('urn:schemas-upnp-org:device:InternetGatewayDevice:1'));
    assert.ok(targets.includes('urn:schemas-upnp-org:service:WANIPConnection:1'));
    assert.ok(targets.includes('urn:schemas-upnp-org:service:WANPPPConnection:1'));
    assert.match(responder.searches[0]?.message ?? '', /^M-SEARCH \* HTTP\/1\.1\r\nHOST: 127\.0\.0\.1:\d+\r\nMAN: "ssdp:discover"\r\nMX: 2\r\n/);
  });

  test('no answer within the timeout is a clear failure', async () => {
    const responder = await SsdpResponder.start({ location: 'http://127.0.0.1:9/', silent: true });
    after(() => responder.close());
    const [event] = await once({ allowPrivate: false, ssdp: responder.address, timeoutMs: 200 });
    assert.equal(event?.type, 'SourceFailed');
    assert.match(event.type === 'SourceFailed' ? event.reason : '', /no Internet Gateway Device answered SSDP discovery on 127\.0\.0\.1:\d+ within 200 ms; enable UPnP/);
    assert.ok(responder.searches.length >= 4, 'the searches were sent');
  });
});
