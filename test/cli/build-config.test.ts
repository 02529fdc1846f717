// From ipcheck.py's command line (reference §2, §3, §7) to the validated Config: the legacy
// options, --acctfile, --config INI files, and every refusal with a message naming its cause.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/cli/build-config.js';
import { normalizeLegacyArgv } from '../../src/cli/legacy-argv.js';
import { parseOptions } from '../../src/cli/options.js';
import type { Config } from '../../src/config.js';

const root = mkdtempSync(join(tmpdir(), 'ipcheck-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

let fileCount = 0;
/** A file in the temp directory with the given content and mode. */
function file(content: string, mode = 0o600): string {
  const path = join(root, `file-${++fileCount}`);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

const USER = 'alice';
const PASSWORD = 'S3cret-pw';
const HOST = 'home.dyndns.org';
const POS = [USER, PASSWORD, HOST];

/** Parses a command line as index.ts does; -d points at the temp directory unless given. */
function configOf(args: string[]): Config {
  const withDir = args.some((a) => a === '-d' || a.startsWith('-d') && !a.startsWith('--') || a.startsWith('--directory')) ? args : ['-d', root, ...args];
  const normalized = normalizeLegacyArgv(withDir);
  return buildConfig(parseOptions(normalized.argv), normalized.devices);
}

/** Asserts that the command line is refused with a message carrying every given word. */
function assertRefused(args: string[], mentions: (string | RegExp)[]): void {
  assert.throws(() => configOf(args), (error: unknown) => {
    assert.ok(error instanceof Error, String(error));
    for (const word of mentions) {
      if (typeof word === 'string') assert.ok(error.message.includes(word), `"${error.message}" should mention ${JSON.stringify(word)}`);
      else assert.match(error.message, word);
    }
    assert.doesNotMatch(error.message, /[\u0000-\u0008\u000a-\u001f\u007f]/, 'no control characters in the message');
    assert.ok(!error.message.includes(PASSWORD), 'the password is never in a message');
    return true;
  });
}

describe('the account: positional Username Password Hostnames', () => {
  test('three positional arguments', () => {
    const config = configOf([...POS]);
    assert.equal(config.username, USER);
    assert.equal(config.password, PASSWORD);
    assert.deepEqual(config.hosts, [HOST]);
  });
  test('a comma-separated host list, case-folded, repeats dropped', () => {
    assert.deepEqual(configOf([USER, PASSWORD, 'A.dyndns.org,b.dyndns.org,a.dyndns.org']).hosts, ['a.dyndns.org', 'b.dyndns.org']);
  });
  test('too few arguments → refused with the usage', () => {
    assertRefused([USER, PASSWORD], ['Username Password Hostnames', '2']);
  });
  test('too many arguments → refused', () => {
    assertRefused([USER, PASSWORD, HOST, 'extra'], ['Username Password Hostnames', '4']);
  });
  test('no arguments and no --acctfile/--config → refused', () => {
    assertRefused(['-f'], ['Username Password Hostnames']);
  });
  test('a password with a newline → refused, without echoing it', () => {
    assertRefused([USER, `${PASSWORD}\n`, HOST], ['password', 'control character']);
  });
  test('a user name with ":" → refused (Basic authentication cannot carry it)', () => {
    assertRefused(['ali:ce', PASSWORD, HOST], ['user name', ':']);
  });
});

describe('bad hostnames are refused, naming the host', () => {
  const rows: [string, string, (string | RegExp)[]][] = [
    ['no dot', 'localhost', ['bad hostname', 'localhost']],
    ['a space', 'my host.dyndns.org', ['bad hostname', 'my host.dyndns.org']],
    ['&', 'a&myip=6.6.6.6.dyndns.org', ['bad hostname']],
    ['#', 'a#b.dyndns.org', ['bad hostname', 'a#b.dyndns.org']],
    ['a newline', 'a\nb.dyndns.org', ['bad hostname']],
    ['a carriage return inside', 'a\rb.dyndns.org', ['bad hostname']],
    ['non-ASCII', 'bücher.dyndns.org', ['bad hostname']],
    ['a slash', 'a/b.dyndns.org', ['bad hostname']],
    ['an escape sequence and no dot', 'evil\u001b[2J', ['bad hostname']],
    ['a bad one in a list', `${HOST},bad host.dyndns.org`, ['bad hostname', 'bad host.dyndns.org']],
    ['a label longer than 63', `${'a'.repeat(64)}.dyndns.org`, ['bad hostname']],
    ['an empty list', ',,', ['host']],
  ];
  for (const [name, hosts, mentions] of rows) {
    test(name, () => assertRefused([USER, PASSWORD, hosts], mentions));
  }
  test('a good list is accepted (letters, digits, hyphens)', () => {
    assert.deepEqual(configOf([USER, PASSWORD, 'my-host1.dyndns.org,x.example.co.uk']).hosts, ['my-host1.dyndns.org', 'x.example.co.uk']);
  });
});

describe('defaults', () => {
  test('HTTPS to members.dyndns.org, dynamic DNS, NOCHG, interface ppp0, 25-day refresh', () => {
    const config = configOf([...POS]);
    assert.equal(config.server, 'https://members.dyndns.org');
    assert.equal(config.system, 'dyndns');
    assert.equal(config.wildcard, 'NOCHG');
    assert.equal(config.backmx, 'NOCHG');
    assert.equal(config.mx, 'NOCHG');
    assert.equal(config.offline, false);
    assert.equal(config.force, false);
    assert.equal(config.guess, false);
    assert.deepEqual(config.sources, [{ kind: 'interface', name: 'ppp0' }]);
    assert.equal(config.touchDays, 25);
    assert.deepEqual(config.warnings, []);
  });
});

describe('options', () => {
  const rows: { name: string; args: string[]; expect: Partial<Config> }[] = [
    { name: '-w means wildcard=ON (no value on the command line)', args: ['-w', ...POS], expect: { wildcard: 'ON' } },
    { name: '-b means backmx=YES', args: ['-b', ...POS], expect: { backmx: 'YES' } },
    { name: '-wb', args: ['-wb', ...POS], expect: { wildcard: 'ON', backmx: 'YES' } },
    { name: '-m mx.example.com', args: ['-m', 'mx.example.com', ...POS], expect: { mx: 'mx.example.com' } },
    { name: '-m NOCHG', args: ['-m', 'NOCHG', ...POS], expect: { mx: 'NOCHG' } },
    { name: '-s: static DNS', args: ['-s', ...POS], expect: { system: 'statdns' } },
    { name: '-c: custom DNS', args: ['-c', ...POS], expect: { system: 'custom' } },
    { name: '-o: offline', args: ['-o', ...POS], expect: { offline: true } },
    { name: '-f: force', args: ['-f', ...POS], expect: { force: true } },
    { name: '-fv', args: ['-fv', ...POS], expect: { force: true, verbose: true } },
    { name: '-q -t -l', args: ['-q', '-t', '-l', ...POS], expect: { quiet: true, testRun: true, logging: true } },
    { name: '-D', args: ['-D', ...POS], expect: { checkDns: true } },
    { name: '--makedat', args: ['--makedat', ...POS], expect: { makedat: true } },
    { name: '-e script', args: ['-e', '/usr/local/bin/notify', ...POS], expect: { execute: '/usr/local/bin/notify' } },
    { name: '-p: port 8245 (proxy bypass)', args: ['-p', ...POS], expect: { server: 'https://members.dyndns.org:8245' } },
    { name: '-j -p: plain HTTP on port 8245', args: ['-j', '-p', ...POS], expect: { server: 'http://members.dyndns.org:8245' } },
    { name: '-g alone: the server guesses', args: ['-g', ...POS], expect: { guess: true, sources: [{ kind: 'guess' }] } },
    { name: '-a address', args: ['-a', '1.2.3.4', ...POS], expect: { sources: [{ kind: 'manual', address: '1.2.3.4' }] } },
    { name: '-a1.2.3.4 attached', args: ['-a1.2.3.4', ...POS], expect: { sources: [{ kind: 'manual', address: '1.2.3.4' }] } },
    { name: '-g with -a: the address is sent, not guessed', args: ['-g', '-a', '1.2.3.4', ...POS], expect: { sources: [{ kind: 'manual', address: '1.2.3.4' }] } },
    { name: '-i eth0', args: ['-i', 'eth0', ...POS], expect: { sources: [{ kind: 'interface', name: 'eth0' }] } },
    { name: '-r URL', args: ['-r', 'checkip.dyndns.org:8245', ...POS], expect: { sources: [{ kind: 'web', url: 'checkip.dyndns.org:8245' }] } },
    { name: '--server on loopback over plain HTTP: no warning', args: ['--server', 'http://127.0.0.1:8245', ...POS], expect: { server: 'http://127.0.0.1:8245', warnings: [] } },
    { name: '--server with a path', args: ['--server', 'https://dyn.example.net/dyndns2/', ...POS], expect: { server: 'https://dyn.example.net/dyndns2' } },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const config = configOf(row.args);
      const picked = Object.fromEntries(Object.keys(row.expect).map((key) => [key, config[key as keyof Config]]));
      assert.deepEqual(picked, row.expect);
    });
  }

  test('router device options become one router source with their values', () => {
    const config = configOf(['-L', 'lpw', '--WBR=wpw', '-S', ...POS]);
    const routers = config.sources.filter((s) => s.kind === 'router');
    assert.equal(routers.length, 1);
    const router = routers[0] as Extract<Config['sources'][number], { kind: 'router' }>;
    assert.deepEqual(router.options, { L: 'lpw', WBR: 'wpw', S: true });
  });
});

describe('plain HTTP (-j) and --https_only', () => {
  test('-j warns that the password goes unencrypted', () => {
    const config = configOf(['-j', ...POS]);
    assert.equal(config.server, 'http://members.dyndns.org');
    assert.ok(config.warnings.some((w) => /unencrypted|plain HTTP/i.test(w)), config.warnings.join('\n'));
  });
  test('-j with --https_only=1 → refused, naming both', () => {
    assertRefused(['-j', '--https_only=1', ...POS], ['-j', 'https_only']);
  });
  test('-j with --https_only=0 is allowed (the original quit: §15.3)', () => {
    const config = configOf(['-j', '--https_only=0', ...POS]);
    assert.equal(config.server, 'http://members.dyndns.org');
  });
  test('--https_only=1 alone keeps HTTPS', () => {
    assert.equal(configOf(['--https_only=1', ...POS]).server, 'https://members.dyndns.org');
  });
  test('--server with credentials in it → refused', () => {
    assertRefused(['--server', 'https://bob:pw@members.dyndns.org', ...POS], ['--server', 'credentials']);
  });
  test('--server that is not a URL → refused', () => {
    assertRefused(['--server', 'http://', ...POS], ['--server']);
  });
});

describe('refusals name their cause', () => {
  test('-o with -s', () => assertRefused(['-o', '-s', ...POS], ['-o', '-s']));
  test('-os grouped', () => assertRefused(['-os', ...POS], ['-o', '-s']));
  test('-c with -s', () => assertRefused(['-c', '-s', ...POS], ['-c', '-s']));
  const badMx: [string, string][] = [
    ['no dot', 'mailhost'],
    ['a space', 'mail host.example.com'],
    ['&', 'mx.example.com&offline=YES'],
    ['a newline', 'mx.example.com\nX: y'],
  ];
  for (const [name, mx] of badMx) {
    test(`bad mxhost (${name})`, () => assertRefused(['-m', mx, ...POS], ['mxhost']));
  }
  test('-d that does not exist', () => assertRefused(['-d', join(root, 'missing'), ...POS], ['directory', join(root, 'missing')]));
  test('-d that is a file', () => {
    const path = file('x');
    assertRefused(['-d', path, ...POS], ['directory', path]);
  });
  test('-d that exists is taken', () => {
    assert.equal(configOf(['-d', root, ...POS]).directory, root);
  });
});

describe('--acctfile', () => {
  test('exactly three fields, mode 600: taken, no warning', () => {
    const path = file(`${USER} ${PASSWORD} ${HOST},b.dyndns.org\n`);
    const config = configOf(['--acctfile', path]);
    assert.equal(config.username, USER);
    assert.equal(config.password, PASSWORD);
    assert.deepEqual(config.hosts, [HOST, 'b.dyndns.org']);
    assert.deepEqual(config.warnings, []);
  });
  test('fields on separate lines (any whitespace)', () => {
    const config = configOf(['--acctfile', file(`${USER}\n${PASSWORD}\t${HOST}`)]);
    assert.equal(config.password, PASSWORD);
  });
  test('--acctfile=path', () => {
    assert.equal(configOf([`--acctfile=${file(`${USER} ${PASSWORD} ${HOST}`)}`]).username, USER);
  });
  test('a file other users can read → a warning naming chmod', () => {
    const path = file(`${USER} ${PASSWORD} ${HOST}`, 0o644);
    const config = configOf(['--acctfile', path]);
    assert.ok(config.warnings.some((w) => w.includes(path) && w.includes('chmod 600')), config.warnings.join('\n'));
  });
  test('two fields → refused', () => assertRefused(['--acctfile', file(`${USER} ${PASSWORD}`)], ['three fields', '2']));
  test('four fields → refused', () => assertRefused(['--acctfile', file(`${USER} ${PASSWORD} ${HOST} extra`)], ['three fields', '4']));
  test('empty → refused', () => assertRefused(['--acctfile', file('')], ['three fields', '0']));
  test('missing → refused', () => assertRefused(['--acctfile', join(root, 'no-such-acct')], ['no-such-acct', 'does not exist']));
  test('with positional arguments too → refused', () => assertRefused(['--acctfile', file(`${USER} ${PASSWORD} ${HOST}`), ...POS], ['--acctfile']));
  test('bad hostname in the file → refused', () => assertRefused(['--acctfile', file(`${USER} ${PASSWORD} bad#host.dyndns.org`)], ['bad hostname']));
});

describe('--config INI files ([ipcheck] section, opt_* keys)', () => {
  const account = `[ipcheck]\nopt_username = ${USER}\nopt_password = ${PASSWORD}\nopt_hostnames = ${HOST}\n`;

  test('the account from opt_username, opt_password, opt_hostnames', () => {
    const config = configOf(['--config', file(account)]);
    assert.equal(config.username, USER);
    assert.equal(config.password, PASSWORD);
    assert.deepEqual(config.hosts, [HOST]);
  });

  const rows: { name: string; ini: string; args?: string[]; expect: Partial<Config> }[] = [
    { name: 'opt_wildcard, opt_backupmx and opt_mxhost take any value', ini: 'opt_wildcard = OFF\nopt_backupmx = NO\nopt_mxhost = mx.example.com\n', expect: { wildcard: 'OFF', backmx: 'NO', mx: 'mx.example.com' } },
    { name: 'opt_force = 1, opt_static = 1', ini: 'opt_force = 1\nopt_static = 1\n', expect: { force: true, system: 'statdns' } },
    { name: 'opt_checkDNS (mixed case key)', ini: 'opt_checkDNS = 1\n', expect: { checkDns: true } },
    { name: 'opt_interface', ini: 'opt_interface = eth1\n', expect: { sources: [{ kind: 'interface', name: 'eth1' }] } },
    { name: 'opt_address', ini: 'opt_address = 1.2.3.4\n', expect: { sources: [{ kind: 'manual', address: '1.2.3.4' }] } },
    { name: 'opt_force = 0 is off', ini: 'opt_force = 0\n', expect: { force: false } },
    { name: 'Touchage', ini: 'Touchage = 10\n', expect: { touchDays: 10 } },
    { name: 'the command line wins over the file (-m)', ini: 'opt_mxhost = mx1.example.com\n', args: ['-m', 'mx2.example.com'], expect: { mx: 'mx2.example.com' } },
    { name: 'the command line wins over the file (-i)', ini: 'opt_interface = eth1\n', args: ['-i', 'eth2'], expect: { sources: [{ kind: 'interface', name: 'eth2' }] } },
    { name: 'the command line wins over the file (-w over opt_wildcard)', ini: 'opt_wildcard = OFF\n', args: ['-w'], expect: { wildcard: 'ON' } },
    { name: 'an empty opt_https_only turns it off, so -j is allowed (reference §7.4)', ini: 'opt_https_only =\n', args: ['-j'], expect: { server: 'http://members.dyndns.org' } },
    { name: 'keys outside [ipcheck] are ignored', ini: '[other]\nopt_force = 1\n', expect: { force: false } },
    { name: 'comments are ignored', ini: '# opt_force = 1\n; opt_static = 1\n', expect: { force: false, system: 'dyndns' } },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const config = configOf([...(row.args ?? []), '--config', file(`${account}${row.ini}`)]);
      const picked = Object.fromEntries(Object.keys(row.expect).map((key) => [key, config[key as keyof Config]]));
      assert.deepEqual(picked, row.expect);
    });
  }

  test('positional arguments win over the file\'s account', () => {
    const config = configOf(['bob', 'other-pw', 'bob.dyndns.org', '--config', file(account)]);
    assert.equal(config.username, 'bob');
    assert.deepEqual(config.hosts, ['bob.dyndns.org']);
  });

  test('--config FILE takes one value: Username Password Hostnames after it stay positional (getopt "config=")', () => {
    const config = configOf(['--config', file('[ipcheck]\nopt_force = 1\n'), ...POS]);
    assert.equal(config.username, USER);
    assert.deepEqual(config.hosts, [HOST]);
    assert.equal(config.force, true);
  });

  test('a later file wins over an earlier one', () => {
    const first = file(`${account}opt_backupmx = NO\nopt_mxhost = mx1.example.com\n`);
    const second = file('[ipcheck]\nopt_backupmx = YES\n');
    const config = configOf(['--config', first, '--config', second]);
    assert.equal(config.backmx, 'YES');
    assert.equal(config.mx, 'mx1.example.com', 'what the later file does not set stays');
    const reversed = configOf(['--config', second, '--config', first]);
    assert.equal(reversed.backmx, 'NO');
  });

  test('opt_https_only = 1 with -j → refused', () => {
    assertRefused(['-j', '--config', file(`${account}opt_https_only = 1\n`)], ['-j', 'https_only']);
  });
  test('a missing file → refused, naming it', () => {
    assertRefused([...POS, '--config', join(root, 'missing.ini')], ['missing.ini', 'does not exist']);
  });
  test('a file without [ipcheck] → refused, naming the section', () => {
    const path = file('opt_force = 1\n');
    assertRefused([...POS, '--config', path], [path, '[ipcheck]']);
  });
  test('a line that is not key = value → refused with its line number', () => {
    const path = file('[ipcheck]\nthis is not a setting\n');
    assertRefused([...POS, '--config', path], [path, 'line 2']);
  });
  test('a yes/no key with another value → refused, naming the key', () => {
    assertRefused(['--config', file(`${account}opt_force = maybe\n`)], ['force', 'maybe']);
  });
  test('a file with the password that others can read → a warning naming chmod', () => {
    const path = file(account, 0o644);
    const config = configOf(['--config', path]);
    assert.ok(config.warnings.some((w) => w.includes(path) && w.includes('chmod 600')), config.warnings.join('\n'));
  });
  test('a file without a password may be readable by others', () => {
    const config = configOf([...POS, '--config', file('[ipcheck]\nopt_force = 1\n', 0o644)]);
    assert.deepEqual(config.warnings, []);
  });
  test('opt_offline with -s on the command line → refused', () => {
    assertRefused(['-s', '--config', file(`${account}opt_offline = 1\n`)], ['-o', '-s']);
  });
  test('a bad opt_mxhost → refused', () => {
    assertRefused(['--config', file(`${account}opt_mxhost = nodot\n`)], ['mxhost', 'nodot']);
  });
});

test('--upnp and --natpmp may be given without a value (discovery, the default gateway)', () => {
  const discovery = configOf(['--upnp', ...POS]);
  assert.deepEqual(discovery.sources, [{ kind: 'upnp' }]);
  const natpmp = configOf(['--natpmp', '--upnp', 'http://127.0.0.1:5000/rootDesc.xml', ...POS]);
  assert.deepEqual(natpmp.sources, [{ kind: 'upnp', url: 'http://127.0.0.1:5000/rootDesc.xml' }, { kind: 'natpmp' }]);
  assert.deepEqual(configOf(['--natpmp=127.0.0.1:5351', ...POS]).sources, [{ kind: 'natpmp', gateway: '127.0.0.1:5351' }]);
});
