// ipcheck.py's getopt command line (reference §2): grouped letters, attached values, digit
// options, odd long options, device options set aside in the order given.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgvError, normalizeLegacyArgv, type DeviceOption } from '../../src/cli/legacy-argv.js';

interface Row {
  readonly name: string;
  readonly input: string[];
  readonly argv: string[];
  readonly devices?: DeviceOption[];
}

const POS = ['alice', 'pw', 'h.dyndns.org'];

const rows: Row[] = [
  { name: 'positional Username Password Hostnames pass through', input: [...POS], argv: [...POS] },
  { name: '-f -v', input: ['-f', '-v', ...POS], argv: ['--force', '--verbose', ...POS] },
  { name: '-fv grouped', input: ['-fv', ...POS], argv: ['--force', '--verbose', ...POS] },
  { name: '-fvq grouped', input: ['-fvq', ...POS], argv: ['--force', '--verbose', '--quiet', ...POS] },
  { name: '-a 1.2.3.4 separate', input: ['-a', '1.2.3.4', ...POS], argv: ['--address', '1.2.3.4', ...POS] },
  { name: '-a1.2.3.4 attached', input: ['-a1.2.3.4', ...POS], argv: ['--address', '1.2.3.4', ...POS] },
  { name: '-fa1.2.3.4: a flag, then a letter whose value is the rest', input: ['-fa1.2.3.4', ...POS], argv: ['--force', '--address', '1.2.3.4', ...POS] },
  { name: '-fa 1.2.3.4: the value is the next argument', input: ['-fa', '1.2.3.4', ...POS], argv: ['--force', '--address', '1.2.3.4', ...POS] },
  { name: '-d/tmp attached directory', input: ['-d/tmp', ...POS], argv: ['--directory', '/tmp', ...POS] },
  { name: '-ieth0', input: ['-ieth0', ...POS], argv: ['--interface', 'eth0', ...POS] },
  { name: '-w and -b take no value: the next argument stays positional (reference §2.1)', input: ['-w', '-b', ...POS], argv: ['--wildcard', '--backmx', ...POS] },
  { name: '-wb grouped', input: ['-wb', ...POS], argv: ['--wildcard', '--backmx', ...POS] },
  { name: '-m mx.example.com', input: ['-m', 'mx.example.com', ...POS], argv: ['--mxhost', 'mx.example.com', ...POS] },
  { name: '-c -s -o -g -j -p -t -l -D', input: ['-c', '-s', '-o', '-g', '-j', '-p', '-t', '-l', '-D', ...POS], argv: ['--custom', '--static', '--offline', '--guess', '--no-https', '--port-8245', '--test', '--logging', '--check-dns', ...POS] },
  { name: '-r URL', input: ['-r', 'checkip.dyndns.org:8245', ...POS], argv: ['--checkip', 'checkip.dyndns.org:8245', ...POS] },
  { name: '-e script', input: ['-e', '/usr/local/bin/notify', ...POS], argv: ['--execute', '/usr/local/bin/notify', ...POS] },
  { name: '-A text, -F file, -U user, -n router', input: ['-A', 'IPCP: local', '-F', '/var/log/fw', '-U', 'root', '-n', '192.168.1.1', ...POS], argv: ['--syslog-text', 'IPCP: local', '--firewall-log', '/var/log/fw', '--router-user', 'root', '--router-host', '192.168.1.1', ...POS] },
  { name: '--https_only=0', input: ['--https_only=0', ...POS], argv: ['--https-only', '0', ...POS] },
  { name: '--https_only 1 (separate value)', input: ['--https_only', '1', ...POS], argv: ['--https-only', '1', ...POS] },
  { name: 'ordinary long options pass through', input: ['--acctfile=/etc/ipcheck.acct', '--makedat', '--config', 'a.ini'], argv: ['--acctfile=/etc/ipcheck.acct', '--makedat', '--config', 'a.ini'] },
  { name: '-- ends the options', input: ['-f', '--', '-a', 'x'], argv: ['--force', '--', '-a', 'x'] },
  // Device options (reference §2.2) are set aside, as written.
  { name: '-1 pw (digit option with a password)', input: ['-1', 'pw', ...POS], argv: [...POS], devices: [{ option: '-1', value: 'pw' }] },
  { name: '-1pw attached', input: ['-1pw', ...POS], argv: [...POS], devices: [{ option: '-1', value: 'pw' }] },
  { name: '-1 with a password made of digits', input: ['-1', '12345', ...POS], argv: [...POS], devices: [{ option: '-1', value: '12345' }] },
  { name: '-112345 attached digits', input: ['-112345', ...POS], argv: [...POS], devices: [{ option: '-1', value: '12345' }] },
  { name: '-5 (DI704, no password)', input: ['-5', ...POS], argv: [...POS], devices: [{ option: '-5' }] },
  { name: '-S -E -X -G (no password)', input: ['-S', '-E', '-X', '-G', ...POS], argv: [...POS], devices: [{ option: '-S' }, { option: '-E' }, { option: '-X' }, { option: '-G' }] },
  { name: '-fL pw: a flag, then a device letter', input: ['-fL', 'pw', ...POS], argv: ['--force', ...POS], devices: [{ option: '-L', value: 'pw' }] },
  { name: '-P -1 (Nexland: the value may start with a dash)', input: ['-P', '-1', ...POS], argv: [...POS], devices: [{ option: '-P', value: '-1' }] },
  { name: '-Q pw,ppp0', input: ['-Q', 'pw,ppp0', ...POS], argv: [...POS], devices: [{ option: '-Q', value: 'pw,ppp0' }] },
  { name: '--WBR=pw', input: ['--WBR=pw', ...POS], argv: [...POS], devices: [{ option: '--WBR', value: 'pw' }] },
  { name: '--WBR pw (separate)', input: ['--WBR', 'pw', ...POS], argv: [...POS], devices: [{ option: '--WBR', value: 'pw' }] },
  { name: '--WBR=p=w (an = in the password)', input: ['--WBR=p=w', ...POS], argv: [...POS], devices: [{ option: '--WBR', value: 'p=w' }] },
  { name: '-S --WBR=pw (2404WBR)', input: ['-S', '--WBR=pw', ...POS], argv: [...POS], devices: [{ option: '-S' }, { option: '--WBR', value: 'pw' }] },
  { name: '-B pw --VWBR', input: ['-B', 'pw', '--VWBR', ...POS], argv: [...POS], devices: [{ option: '-B', value: 'pw' }, { option: '--VWBR' }] },
  { name: '--VT1000v --Belkin_f5d7230 (no value)', input: ['--VT1000v', '--Belkin_f5d7230', ...POS], argv: [...POS], devices: [{ option: '--VT1000v' }, { option: '--Belkin_f5d7230' }] },
  { name: '--Draytek=pw --Netvanta=pw2 --WTG624=pw3', input: ['--Draytek=pw', '--Netvanta=pw2', '--WTG624=pw3', ...POS], argv: [...POS], devices: [{ option: '--Draytek', value: 'pw' }, { option: '--Netvanta', value: 'pw2' }, { option: '--WTG624', value: 'pw3' }] },
  {
    name: 'device options kept in the order given, general options in between',
    input: ['-L', 'lpw', '-f', '--Draytek=dpw', '-1', 'one', '-v', '-S', ...POS],
    argv: ['--force', '--verbose', ...POS],
    devices: [{ option: '-L', value: 'lpw' }, { option: '--Draytek', value: 'dpw' }, { option: '-1', value: 'one' }, { option: '-S' }],
  },
];

describe('normalizeLegacyArgv', () => {
  for (const row of rows) {
    test(row.name, () => {
      const result = normalizeLegacyArgv(row.input);
      assert.deepEqual(result.argv, row.argv);
      assert.deepEqual(result.devices, row.devices ?? []);
    });
  }

  const refusals: { name: string; input: string[]; mentions: string[] }[] = [
    { name: 'an unknown letter', input: ['-x', ...POS], mentions: ['-x'] },
    { name: 'an unknown letter inside a group', input: ['-fxv', ...POS], mentions: ['-x'] },
    { name: '-a without a value', input: ['-a'], mentions: ['-a', 'value'] },
    { name: '-d without a value', input: ['-f', '-d'], mentions: ['-d'] },
    { name: '-1 without a password', input: ['-1'], mentions: ['-1'] },
    { name: '--WBR without a password', input: ['--WBR'], mentions: ['--WBR'] },
  ];
  for (const row of refusals) {
    test(`refused: ${row.name}`, () => {
      assert.throws(() => normalizeLegacyArgv(row.input), (error: unknown) => {
        assert.ok(error instanceof ArgvError, String(error));
        for (const word of row.mentions) assert.ok(error.message.includes(word), error.message);
        return true;
      });
    });
  }

  test('the input array is not changed', () => {
    const input = ['-fa1.2.3.4', '-L', 'pw', ...POS];
    const copy = [...input];
    normalizeLegacyArgv(input);
    assert.deepEqual(input, copy);
  });
});
