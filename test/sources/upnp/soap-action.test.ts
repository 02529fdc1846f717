import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callSoapAction, soapEnvelope } from '../../../src/sources/upnp/soap-action.js';

const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function answering(status: number, body: string): Promise<string> {
  const server = createServer((_, response) => response.writeHead(status, { 'content-type': 'text/xml' }).end(body));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ctl`;
}

const serviceType = 'urn:schemas-upnp-org:service:WANIPConnection:1';

describe('SOAP actions', () => {
  test('arguments are escaped in the envelope', () => {
    const envelope = soapEnvelope(serviceType, 'AddPortMapping', { NewPortMappingDescription: 'a<b>&c', NewExternalPort: 80 });
    assert.match(envelope, /<u:AddPortMapping xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewPortMappingDescription>a&lt;b&gt;&amp;c<\/NewPortMappingDescription><NewExternalPort>80<\/NewExternalPort><\/u:AddPortMapping>/);
  });

  test('an HTTP error without a UPnP fault names the status and faultstring', async () => {
    const controlUrl = await answering(500, '<s:Envelope><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>Internal\u0007Error</faultstring></s:Fault></s:Body></s:Envelope>');
    const result = await callSoapAction({ serviceType, controlUrl }, 'GetExternalIPAddress', {}, { timeoutMs: 1000 });
    assert.deepEqual(result, { ok: false, reason: `GetExternalIPAddress at ${controlUrl} failed with HTTP 500: Internal?Error` });
  });

  test('a 200 without the response element is a broken service', async () => {
    const controlUrl = await answering(200, '<html>login</html>');
    const result = await callSoapAction({ serviceType, controlUrl }, 'GetExternalIPAddress', {}, { timeoutMs: 1000 });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /answered without a GetExternalIPAddressResponse element/);
  });
});
