// Values that could break the query or the headers (spaces, &, #, ?, =, %, newlines, CR, NUL,
// non-ASCII, very long) are encoded or refused, never sent raw: the update URL parses back to
// exactly the values given, the request line and the Authorization header hold only printable
// ASCII, and buildConfig refuses, with a message, what cannot be sent.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { buildConfig } from '../../src/cli/build-config.js';
import { normalizeLegacyArgv } from '../../src/cli/legacy-argv.js';
import { parseOptions } from '../../src/cli/options.js';
import { type Config, ConfigError } from '../../src/config.js';
import { nicUpdateOptions } from '../../src/pipeline.js';
import { basicAuthorization, buildUpdateUrl, describeUpdate, type UpdateRequest } from '../../src/protocol/update-request.js';
import { startNicServer } from '../../src/server/nic-server.js';
import { nicUpdate } from '../../src/sinks/nic-update.js';

const DIRECTORY = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ipcheck-encoding-'));
after(() => rmSync(DIRECTORY, { recursive: true, force: true }));

/** What may go on the wire in a request line or a header value. */
const WIRE = /^[\x21-\x7e]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** No lone surrogate: command lines and files decode to well-formed text (encodeURIComponent throws on one). */
function wellFormed(text: string): boolean {
  return !/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
}

/** The characters that break a query or a header, mixed with ordinary ones and any code point. */
const NASTY = [' ', '&', '#', '?', '=', '%', '%20', '%zz', '+', '\n', '\r', '\r\n', '\u0000', '\t', ',', ':', ';', '/', '\\', '"', "'", '<', '>', 'é', 'ü', '中', '😀', '\u202e', '\u00a0', '\u0085'];
const nastyText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: fc.constantFrom(...'abcxyzABC0129.-_') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 40,
}).filter(wellFormed);
const longText = fc.tuple(fc.constantFrom('a', '&', ' ', 'é', '%'), fc.integer({ min: 1000, max: 20_000 })).map(([c, n]) => c.repeat(n));
const value = fc.oneof({ weight: 9, arbitrary: nastyText }, { weight: 1, arbitrary: longText });

/** Options, then `--` and the operands (a user name may start with "-"). */
function configOf(options: string[], operands: string[] = []): Config {
  const server = options.includes('--server') ? [] : ['--server', 'https://members.dyndns.org'];
  const normalized = normalizeLegacyArgv(['-d', DIRECTORY, ...server, ...options, ...(operands.length > 0 ? ['--', ...operands] : [])]);
  return buildConfig(parseOptions(normalized.argv), normalized.devices);
}

let iniCount = 0;
/** An INI file with these [ipcheck] values (a value cannot hold a line break there). */
function iniFile(values: Record<string, string>): string {
  const path = join(DIRECTORY, `values-${++iniCount}.conf`);
  writeFileSync(path, `[ipcheck]\n${Object.entries(values).map(([k, v]) => `${k} = ${v.replace(/[\r\n]/g, '')}`).join('\n')}\n`, { mode: 0o600 });
  return path;
}

function requestOf(config: Config, address: string): UpdateRequest {
  return {
    server: config.server, hosts: config.hosts, system: config.system, addresses: { ipv4: address }, offline: config.offline,
    wildcard: config.wildcard, backmx: config.backmx, mx: config.mx, ipv6Param: config.ipv6Param,
  };
}

/** fast-check's report with the failure inside it, long values cut in the middle. */
function report(error: unknown): never {
  const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
  const text = `${error instanceof Error ? error.message : String(error)}${cause}`;
  return assert.fail(text.split('\n').map((l) => (l.length > 1500 ? `${l.slice(0, 700)} …[${l.length - 1400} characters]… ${l.slice(-700)}` : l)).join('\n'));
}

function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number): void {
  try {
    fc.assert(fc.property(arbitrary, predicate), { numRuns });
  } catch (error) {
    report(error);
  }
}

describe('what goes into the query and the headers is encoded or refused', () => {
  test('buildUpdateUrl: the query parses back to exactly the values given (5000 cases)', () => {
    check(
      fc.record({
        hosts: fc.array(value, { minLength: 1, maxLength: 3 }),
        wildcard: value, backmx: value, mx: value,
        system: fc.constantFrom('dyndns' as const, 'statdns' as const, 'custom' as const),
        ipv4: fc.option(value, { nil: undefined }), ipv6: fc.option(value, { nil: undefined }),
        ipv6Param: fc.constantFrom('myip' as const, 'myipv6' as const),
        offline: fc.boolean(),
        base: fc.constantFrom('https://members.dyndns.org', 'http://127.0.0.1:8245/', 'https://x.example/base/path%20with/'),
      }),
      (r) => {
        const addresses = { ...(r.ipv4 !== undefined ? { ipv4: r.ipv4 } : {}), ...(r.ipv6 !== undefined ? { ipv6: r.ipv6 } : {}) };
        const url = buildUpdateUrl({ server: r.base, hosts: r.hosts, system: r.system, addresses, offline: r.offline, wildcard: r.wildcard, backmx: r.backmx, mx: r.mx, ipv6Param: r.ipv6Param });
        // What goes on the request line: nothing raw.
        assert.match(`${url.pathname}${url.search}`, WIRE);
        assert.ok(url.pathname.endsWith('/nic/update'), url.pathname);
        assert.equal(url.hash, '');
        const back = new URLSearchParams(url.search);
        const expected: [string, string][] = [['system', r.system], ['hostname', r.hosts.join(',')]];
        if (r.offline) {
          expected.push(['offline', 'YES']);
        } else {
          if (r.ipv6Param === 'myipv6') {
            if (r.ipv4) expected.push(['myip', r.ipv4]);
            if (r.ipv6) expected.push(['myipv6', r.ipv6]);
          } else {
            const list = [r.ipv4, r.ipv6].filter((a): a is string => Boolean(a));
            if (list.length > 0) expected.push(['myip', list.join(',')]);
          }
          if (r.system !== 'custom') expected.push(['wildcard', r.wildcard], ['backmx', r.backmx], ['mx', r.mx]);
        }
        assert.deepEqual([...back], expected);
      },
      5000,
    );
  });

  test('the Authorization header is printable ASCII and decodes to exactly the user name and password (5000 cases)', () => {
    check(fc.tuple(value.filter((u) => !u.includes(':')), value), ([username, password]) => {
      const header = basicAuthorization(username, password);
      assert.match(header, /^Basic [A-Za-z0-9+/]*=*$/);
      assert.equal(Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8'), `${username}:${password}`);
    }, 5000);
  });

  test('buildConfig: host names, user names, passwords and option values that cannot be sent are refused with a message (3000 cases)', (t) => {
    let accepted = 0;
    let refused = 0;
    const host = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a.example.org', 'B.Example.ORG', '*.example.org', 'x_1.dyndns.org', 'xn--bcher-kva.example.org') }, { weight: 1, arbitrary: value });
    check(
      fc.record({
        username: fc.oneof({ weight: 2, arbitrary: fc.constantFrom('alice', 'bob.smith@example.org') }, { weight: 1, arbitrary: value }), password: fc.oneof({ weight: 1, arbitrary: fc.constantFrom('p@ss w0rd&=%', 'pässwörd#?') }, { weight: 2, arbitrary: value }), hosts: fc.array(host, { minLength: 1, maxLength: 2 }),
        ini: fc.record({ opt_mxhost: fc.oneof(fc.constant('mail.example.org'), value), opt_wildcard: fc.oneof(fc.constantFrom('ON', 'off', 'NOCHG'), value), opt_backupmx: fc.oneof(fc.constant('YES'), value) }, { requiredKeys: [] }),
      }),
      (r) => {
        let config: Config;
        try {
          config = configOf(Object.keys(r.ini).length > 0 ? ['--config', iniFile(r.ini)] : [], [r.username, r.password, r.hosts.join(',')]);
        } catch (error) {
          refused++;
          assert.ok(error instanceof Error && ['ConfigError', 'OptionsError', 'ArgvError'].includes(error.constructor.name), String(error));
          assert.ok(error.message.trim() !== '' && !CONTROL.test(error.message), JSON.stringify(error.message));
          return;
        }
        accepted++;
        // Accepted: everything it carries can be sent as it is, and is.
        const url = buildUpdateUrl(requestOf(config, '81.2.69.160'));
        assert.match(`${url.pathname}${url.search}`, WIRE);
        const back = new URLSearchParams(url.search);
        assert.equal(back.get('hostname'), config.hosts.join(','));
        assert.equal(back.get('mx'), config.mx);
        assert.equal(back.get('wildcard'), config.wildcard);
        assert.equal(back.get('backmx'), config.backmx);
        for (const host of config.hosts) assert.match(host, /^[\x21-\x7e]{1,253}$/);
        assert.ok(!CONTROL.test(config.username), `a control character in the user name ${JSON.stringify(config.username)}`);
        assert.ok(!/[\u0000-\u001f\u007f]/.test(config.password), `a control character in the password ${JSON.stringify(config.password)}`);
        assert.ok(!config.username.includes(':'), 'a ":" in the user name');
        const header = basicAuthorization(config.username, config.password);
        assert.equal(Buffer.from(header.slice(6), 'base64').toString('utf8'), `${config.username}:${config.password}`);
        // The request as -t and -v show it: no raw control character either.
        const shown = describeUpdate(url, config.username);
        assert.ok(!CONTROL.test(shown), shown);
      },
      3000,
    );
    t.diagnostic(`buildConfig: ${accepted} accepted, ${refused} refused`);
    assert.ok(accepted > 0 && refused > 0, 'both sides were exercised');
  });

  test('the refusals name the cause', () => {
    const refusal = (options: string[], operands: string[]) => {
      try {
        configOf(options, operands);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.message;
      }
      return assert.fail(`accepted ${JSON.stringify([...options, ...operands])}`);
    };
    for (const host of ['a b.example.org', 'a&b.example.org', 'a#b.example.org', 'a?b.example.org', 'a=b.example.org', 'a%20b.example.org', 'a\nb.example.org', 'a\rb.example.org', 'a\u0000b.example.org', 'bücher.example.org', `${'a'.repeat(250)}.org`]) {
      assert.match(refusal([], ['alice', 'pw', host]), /bad hostname/, JSON.stringify(host));
    }
    assert.match(refusal([], ['al:ice', 'pw', 'a.example.org']), /":"/);
    for (const bad of ['al\nice', 'al\rice', 'al\u0000ice', 'al\u009bice']) assert.match(refusal([], [bad, 'pw', 'a.example.org']), /user name contains a control character/);
    for (const bad of ['p\nw', 'p\rw', 'p\u0000w', 'p\u007fw']) assert.match(refusal([], ['alice', bad, 'a.example.org']), /password contains a control character/);
    for (const mx of ['mail example.org', 'mail&x=1.example.org', 'mail\r\n.example.org']) assert.match(refusal(['-m', mx], ['alice', 'pw', 'a.example.org']), /bad mxhost/);
    for (const wildcard of ['ON&x=1', 'ON#', 'O N', 'ÖN']) assert.match(refusal(['--config', iniFile({ opt_wildcard: wildcard })], ['alice', 'pw', 'a.example.org']), /wildcard/);
    // On the command line -w is a switch: a value given to it is never sent.
    assert.ok(['ON', 'NOCHG'].includes(configOf(['--wildcard=ON&x=1'], ['alice', 'pw', 'a.example.org']).wildcard));
  });

  test('end to end: odd but valid credentials and values reach the loopback server exactly (100 cases)', async () => {
    // The server answers badauth (it knows none of these accounts): only what arrives matters.
    const nic = await startNicServer({ accounts: [{ username: 'placeholder', password: 'x', hosts: ['a.example.org'] }] });
    try {
      const credential = nastyText.filter((t) => t !== '' && !CONTROL.test(t));
      await fc.assert(fc.asyncProperty(credential.filter((u) => !u.includes(':')), credential, async (username, password) => {
        const config = configOf(['--server', nic.url, '-m', 'mail.example.org'], [username, password, 'a.example.org']);
        const before = nic.updates().length;
        const decision = { type: 'UpdateDecided' as const, hosts: config.hosts, family: 'ipv4' as const, address: '81.2.69.160', reason: 'changed' as const };
        await lastValueFrom(nicUpdate(decision, nicUpdateOptions(config), { now: () => Date.now(), serverFailures: () => 0 }).pipe(toArray()));
        const [request] = nic.updates().slice(before);
        assert.ok(request, 'no request arrived');
        assert.equal(request.username, username);
        assert.equal(request.password, password);
        assert.equal(request.query.get('hostname'), 'a.example.org');
        assert.equal(request.query.get('mx'), 'mail.example.org');
        assert.equal(request.query.get('myip'), '81.2.69.160');
        assert.match(request.rawUrl, WIRE);
      }), { numRuns: 100 }).catch(report);
    } finally {
      await nic.close();
    }
  });
});
