import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { locationOfReply, mSearchMessage } from '../../../src/sources/upnp/ssdp-discovery.js';

describe('SSDP messages', () => {
  test('M-SEARCH is the exact HTTPU request of UPnP Device Architecture 1.0', () => {
    assert.equal(
      mSearchMessage({ address: '239.255.255.250', port: 1900 }, 'urn:schemas-upnp-org:device:InternetGatewayDevice:1'),
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n',
    );
    assert.match(mSearchMessage({ address: 'ff02::c', port: 1900 }, 'x'), /HOST: \[ff02::c\]:1900/);
  });

  test('a reply gives its LOCATION; header names are case-insensitive', () => {
    const reply = 'HTTP/1.1 200 OK\r\ncache-control: max-age=1800\r\nst: urn:schemas-upnp-org:service:WANIPConnection:1\r\nLocation: http://192.0.2.1:5000/rootDesc.xml\r\n\r\n';
    assert.equal(locationOfReply(reply), 'http://192.0.2.1:5000/rootDesc.xml');
  });

  test('other devices, NOTIFY messages, errors and odd locations are ignored', () => {
    assert.equal(locationOfReply('HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:MediaServer:1\r\nLOCATION: http://192.0.2.9/\r\n\r\n'), undefined);
    assert.equal(locationOfReply('NOTIFY * HTTP/1.1\r\nLOCATION: http://192.0.2.1/\r\n\r\n'), undefined);
    assert.equal(locationOfReply('HTTP/1.1 404 Not Found\r\nLOCATION: http://192.0.2.1/\r\n\r\n'), undefined);
    assert.equal(locationOfReply('HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n'), undefined);
    assert.equal(locationOfReply('HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n'), undefined);
  });
});
