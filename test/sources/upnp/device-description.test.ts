import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describedServices, wanConnectionServices } from '../../../src/sources/upnp/device-description.js';
import { decodeXmlText, innerXmlOf, textOf } from '../../../src/sources/upnp/xml-elements.js';

function service(type: string, control: string): string {
  return `<service><serviceType>${type}</serviceType><serviceId>x</serviceId><controlURL>${control}</controlURL></service>`;
}

describe('device descriptions', () => {
  test('control URLs resolve against the description URL when there is no URLBase', () => {
    const xml = `<root><device><serviceList>${service('urn:schemas-upnp-org:service:WANIPConnection:1', 'ctl/IPConn')}</serviceList></device></root>`;
    assert.deepEqual(describedServices(xml, 'http://192.0.2.1:5000/desc/root.xml'), [
      { serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1', controlUrl: 'http://192.0.2.1:5000/desc/ctl/IPConn' },
    ]);
  });

  test('URLBase wins over the description URL; absolute control URLs stay as they are', () => {
    const xml = `<root><URLBase>http://192.0.2.1:49152/</URLBase><device><serviceList>
      ${service('urn:schemas-upnp-org:service:WANIPConnection:1', '/upnp/control/WANIPConn1')}
      ${service('urn:schemas-upnp-org:service:WANPPPConnection:1', 'http://192.0.2.1:8000/ppp')}
    </serviceList></device></root>`;
    assert.deepEqual(
      describedServices(xml, 'http://192.0.2.1:5000/root.xml').map((s) => s.controlUrl),
      ['http://192.0.2.1:49152/upnp/control/WANIPConn1', 'http://192.0.2.1:8000/ppp'],
    );
  });

  test('WAN connection services come best first and others are left out', () => {
    const xml = `<root>${service('urn:schemas-upnp-org:service:WANPPPConnection:1', '/ppp')}${service('urn:schemas-upnp-org:service:Layer3Forwarding:1', '/l3f')}${service('urn:schemas-upnp-org:service:WANIPConnection:2', '/ip2')}</root>`;
    assert.deepEqual(wanConnectionServices(xml, 'http://192.0.2.1/').map((s) => s.controlUrl), ['http://192.0.2.1/ip2', 'http://192.0.2.1/ppp']);
  });

  test('entities, CDATA and a non-http control URL', () => {
    const xml = `<root>${service('urn:schemas-upnp-org:service:WANIPConnection:1', '/ctl?a=1&amp;b=2')}${service('urn:schemas-upnp-org:service:WANIPConnection:1', 'javascript:alert(1)')}</root>`;
    assert.deepEqual(describedServices(xml, 'http://192.0.2.1/').map((s) => s.controlUrl), ['http://192.0.2.1/ctl?a=1&b=2']);
    assert.equal(decodeXmlText('<![CDATA[a & <b>]]> &#65;&#x42;&lt;'), 'a & <b> AB<');
  });

  test('elements are matched by local name whatever their namespace prefix', () => {
    const xml = '<s:Envelope><s:Body><u:XResponse xmlns:u="x"><NewA>1</NewA><NewB/></u:XResponse></s:Body></s:Envelope>';
    assert.equal(innerXmlOf(xml, 'XResponse').length, 1);
    assert.equal(textOf(xml, 'NewA'), '1');
    assert.equal(textOf(xml, 'NewB'), '');
    assert.equal(textOf(xml, 'NewC'), undefined);
  });
});
