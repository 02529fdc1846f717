import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { addressesIn, firstAddressIn } from '../../../src/sources/log-scan/addresses-in-text.js';

describe('addressesIn', () => {
  test('finds dotted quads and IPv6 in order, canonical', () => {
    assert.deepEqual(addressesIn('from 81.2.69.160 to 2001:DB8:0:0::1 via 10.0.0.1.'), ['81.2.69.160', '2001:db8::1', '10.0.0.1']);
  });

  test('ignores what only looks like an address', () => {
    assert.deepEqual(addressesIn('Nov 25 07:20:01 v1.2.3.4.5 999.1.1.1 010.1.1.1 12:34:56 de:ad:be:ef:00:11'), []);
  });

  test('takes an address glued to a field name or a port', () => {
    assert.deepEqual(addressesIn('addr:81.2.69.160 DST=81.2.69.161 81.2.69.162:80 [2001:db8::2]:443'), [
      '81.2.69.160',
      '81.2.69.161',
      '81.2.69.162',
      '2001:db8::2',
    ]);
  });

  test('firstAddressIn gives the first or undefined', () => {
    assert.equal(firstAddressIn('pppd[1]: local  IP address 81.2.69.160 remote 10.0.0.1'), '81.2.69.160');
    assert.equal(firstAddressIn('no address here'), undefined);
  });
});
