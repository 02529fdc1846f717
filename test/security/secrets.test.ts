// Secrets (issue 7): the password never appears in any file ipcheck writes, any log (-l, and
// --syslog through a fake `logger` on PATH that records its arguments), any event, any message,
// the -t output or the process title of a daemon; files holding credentials or state are created
// 0600; an account or config file others can read gets a warning. The password is distinctive,
// with &, =, %, #, ? and non-ASCII letters, so that its URL-encoded and base64 forms differ
// from it and are looked for too. Runs the built CLI (dist/ipcheck.js) against loopback servers.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startDnsServer, type DnsServer } from '../../src/server/dns-server.js';
import { startNicServer, type NicServer } from '../../src/server/nic-server.js';
import { startDaemon } from '../support/daemon-process.js';
import { type CliResult, filesBelow, runCli } from '../support/run-cli.js';

const USER = 'alice';
const SECRET = 'Zq9-s3cr3t_pä&ss=wörd%21#?';
const HOSTS = ['a.example.org', 'b.example.org'];
const A = HOSTS[0] as string;

/** Every form the password could leak in. */
const FORMS: readonly [string, string][] = [
  ['the password', SECRET],
  ['its distinctive start', 'Zq9-s3cr3t'],
  ['its URL-encoded form', encodeURIComponent(SECRET)],
  ['its form-encoded form', new URLSearchParams({ p: SECRET }).toString().slice(2)],
  ['its base64 form', Buffer.from(SECRET).toString('base64')],
  ['the base64 Basic credentials', Buffer.from(`${USER}:${SECRET}`).toString('base64')],
  ['the base64url Basic credentials', Buffer.from(`${USER}:${SECRET}`).toString('base64url')],
  ['its JSON-escaped form', JSON.stringify(SECRET).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
];

function assertNoPassword(where: string, content: string | Buffer): void {
  const text = Buffer.isBuffer(content) ? content.toString('utf8') : content;
  const latin1 = Buffer.isBuffer(content) ? content.toString('latin1') : content;
  for (const [what, form] of FORMS) {
    assert.ok(!text.includes(form) && !latin1.includes(form), `${what} appears in ${where}`);
  }
}

let nic: NicServer;
let dns: DnsServer;
let root: string;
let dataDir: string;
let secretsDir: string;
let logged: string;
let path: string;

function assertDataDirClean(): void {
  for (const file of filesBelow(dataDir)) assertNoPassword(file.path, file.content);
}

/** Runs ipcheck with the world's servers and the fake logger; checks its output at once. */
async function ipcheck(args: readonly string[], options: { credentials?: boolean; dir?: string } = {}): Promise<CliResult> {
  const credentials = options.credentials === false ? [] : [USER, SECRET, HOSTS.join(',')];
  const result = await runCli(['--server', nic.url, '--dns-server', dns.address, '-d', options.dir ?? dataDir, ...args, ...credentials], {
    env: { PATH: path, IPCHECK_TEST_LOGGER: logged },
  });
  assertNoPassword(`the output of ipcheck ${args.join(' ')}`, result.stdout + result.stderr);
  return result;
}

function mode(file: string): string {
  return (statSync(join(dataDir, file)).mode & 0o777).toString(8).padStart(3, '0');
}

/** The fake logger runs after ipcheck returns: wait until its record stops growing. */
async function settledLoggerRecord(): Promise<string> {
  let previous = -1;
  for (let i = 0; i < 40; i++) {
    const size = existsSync(logged) ? statSync(logged).size : 0;
    if (size === previous && size > 0) break;
    previous = size;
    await sleep(100);
  }
  return existsSync(logged) ? readFileSync(logged, 'utf8') : '';
}

describe('the password stays secret', () => {
  before(async () => {
    nic = await startNicServer({ accounts: [{ username: USER, password: SECRET, hosts: HOSTS }] });
    dns = await startDnsServer((name) => nic.addressOf(name)?.ipv4);
    root = mkdtempSync(join(tmpdir(), 'ipcheck-secrets-'));
    dataDir = join(root, 'data');
    secretsDir = join(root, 'secrets');
    const bin = join(root, 'bin');
    for (const dir of [dataDir, secretsDir, bin]) mkdirSync(dir);
    logged = join(root, 'logger.record');
    // A `logger` that records its arguments, first on PATH: --syslog must never hand it the password.
    writeFileSync(join(bin, 'logger'), '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$IPCHECK_TEST_LOGGER"\n');
    chmodSync(join(bin, 'logger'), 0o755);
    path = `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  });
  after(async () => {
    await nic.close();
    await dns.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('first run, -t, -v, -l, --syslog, -e, badauth, a wait, status and replay: no password anywhere; files 0600', async () => {
    // The first run: DNS, the update, the script, the log and the system log.
    const script = `env > ${join(dataDir, 'script.env')}`;
    const first = await ipcheck(['-l', '--syslog', '-v', '-e', script, '-a', '81.2.69.160']);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.equal(nic.updates()[0]?.password, SECRET, 'the password did reach the server');
    assert.ok(readFileSync(join(dataDir, 'script.env'), 'utf8').includes('IPCHECK_ADDRESS=81.2.69.160'), 'the script ran');
    assert.ok(readFileSync(join(dataDir, 'ipcheck.log'), 'utf8').includes('81.2.69.160'), 'ipcheck.log was written');
    for (const file of ['ipcheck.events.jsonl', 'ipcheck.state.json', 'ipcheck.dat', 'ipcheck.html', 'ipcheck.log']) assert.equal(mode(file), '600', file);
    assertDataDirClean();

    // -t: the request is shown, the password is not.
    const testRun = await ipcheck(['-t', '-v', '--min-interval', '0', '-a', '81.2.69.161']);
    assert.equal(testRun.status, 0, testRun.stderr);
    assert.match(testRun.stdout, /would send GET \/nic\/update\?.*password hidden/);
    assert.equal(nic.updates().length, 1);

    // -v with a new address.
    const verbose = await ipcheck(['-v', '-l', '--syslog', '--min-interval', '0', '-a', '81.2.69.161']);
    assert.equal(verbose.status, 0, verbose.stderr);
    assert.equal(nic.updates().length, 2);
    assertDataDirClean();

    // badauth: ipcheck.err names the user, never the password (ipcheck.py wrote both).
    nic.script({ status: 401, body: 'badauth' });
    const badauth = await ipcheck(['-v', '-l', '--syslog', '--min-interval', '0', '-a', '81.2.69.162']);
    assert.equal(badauth.status, 2, badauth.stdout + badauth.stderr);
    assert.equal(readFileSync(join(dataDir, 'ipcheck.err'), 'utf8'), `badauth ${USER}\n`);
    assert.equal(mode('ipcheck.err'), '600');
    assertDataDirClean();

    // status and replay show the history and the state: no password in them either.
    for (const sub of [['status'], ['status', '--json'], ['replay'], ['replay', '--json']]) {
      const shown = await ipcheck(sub, { credentials: false });
      assert.match(shown.stdout, /badauth/, `${sub.join(' ')}: ${shown.stderr}`);
    }

    // The user clears it; the server asks to wait: ipcheck.wait.
    assert.equal((await ipcheck(['clear'], { credentials: false })).status, 0);
    nic.script({ body: 'w5m' });
    const waiting = await ipcheck(['-v', '--syslog', '--min-interval', '0', '-a', '81.2.69.163']);
    assert.equal(waiting.status, 3, waiting.stdout + waiting.stderr);
    assert.equal(mode('ipcheck.wait'), '600');
    assertDataDirClean();

    // The system log got every line, and none of them holds the password.
    const record = await settledLoggerRecord();
    assert.match(record, /-t ipcheck -p user\.\w+ -- /, 'the fake logger was called');
    assert.match(record, /badauth/);
    assertNoPassword('the arguments given to logger (--syslog)', record);
  });

  test('an --acctfile or --config others can read gets a warning; one that is 0600 does not', async () => {
    const account = join(secretsDir, 'account');
    const config = join(secretsDir, 'ipcheck.conf');
    writeFileSync(account, `${USER} ${SECRET} ${A}\n`);
    writeFileSync(config, `[ipcheck]\nopt_username = ${USER}\nopt_password = ${SECRET}\nopt_hostnames = ${A}\n`);
    for (const [option, file] of [['--acctfile', account], ['--config', config]] as const) {
      chmodSync(file, 0o644);
      const open = await ipcheck(['-t', option, file, '-a', '81.2.69.164'], { credentials: false });
      assert.match(open.stderr, /can be read by other users; run chmod 600/, `${option} 0644: ${open.stderr}`);
      chmodSync(file, 0o600);
      const closed = await ipcheck(['-t', option, file, '-a', '81.2.69.164'], { credentials: false });
      assert.doesNotMatch(closed.stderr, /can be read by other users/, `${option} 0600`);
    }
    assertDataDirClean();
  });

  test('a running daemon shows no password in /proc/PID/cmdline (--acctfile, --config, and given on the command line)', async (t) => {
    if (!existsSync('/proc/self/cmdline')) return t.skip('no /proc on this system');
    const account = join(secretsDir, 'daemon-account');
    writeFileSync(account, `${USER} ${SECRET} ${A}\n`, { mode: 0o600 });
    const config = join(secretsDir, 'daemon.conf');
    writeFileSync(config, `[ipcheck]\nopt_username = ${USER}\nopt_password = ${SECRET}\nopt_hostnames = ${A}\n`, { mode: 0o600 });
    const ways: [string, string[]][] = [
      ['--acctfile', ['--acctfile', account]],
      ['--config', ['--config', config]],
      // The password is in argv by nature here; ipcheck overwrites its process title (process.title,
      // which libuv writes over the argv area and pads with NULs on Linux) once it has started.
      ['the command line', [USER, SECRET, A]],
    ];
    for (const [how, credentials] of ways) {
      const dir = mkdtempSync(join(root, 'daemon-'));
      const daemon = startDaemon(['--server', nic.url, '--dns-server', dns.address, '-d', dir, '--syslog', '-l', '-a', '81.2.69.165', '--min-interval', '0', '-v', ...credentials], { PATH: path, IPCHECK_TEST_LOGGER: logged });
      try {
        // Its first decision taken (and the update done).
        await daemon.waitForOutput(/ good | nochg |no update/);
        const pid = daemon.child.pid as number;
        const cmdline = readFileSync(`/proc/${pid}/cmdline`);
        t.diagnostic(`daemon (${how}): /proc/${pid}/cmdline = ${JSON.stringify(cmdline.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' '))}`);
        assertNoPassword(`/proc/${pid}/cmdline of a daemon given its password by ${how}`, cmdline);
        assertNoPassword(`/proc/${pid}/environ of a daemon given its password by ${how}`, readFileSync(`/proc/${pid}/environ`));
        daemon.child.kill('SIGTERM');
        assert.equal((await daemon.exited()).code, 0, daemon.output());
        assertNoPassword(`the output of the daemon (${how})`, daemon.output());
        for (const file of filesBelow(dir)) assertNoPassword(file.path, file.content);
        for (const file of ['ipcheck.events.jsonl', 'ipcheck.state.json', 'ipcheck.log']) {
          assert.equal((statSync(join(dir, file)).mode & 0o777).toString(8), '600', `${file} of the daemon (${how})`);
        }
      } finally {
        daemon.kill();
        await daemon.exited().catch(() => undefined);
      }
    }
    assertNoPassword('the arguments given to logger by the daemons', await settledLoggerRecord());
  });
});
