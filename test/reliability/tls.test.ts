// TLS to the update server: certificates are verified by default and there is no switch that
// turns that off; --ca FILE trusts a private CA (one-shot and daemon); every refusal names its
// cause (unknown CA → --ca, another name, expired) and sends nothing: the password never
// leaves over a connection that was not verified. The loopback NIC v2 server serves TLS with
// certificates from a CA made by openssl at test time (test/support/test-pki.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDnsServer, type DnsServer } from '../../src/server/dns-server.js';
import { startNicServer, type NicServer } from '../../src/server/nic-server.js';
import { startDaemon } from '../support/daemon-process.js';
import { LOOPBACK_TLS } from '../support/loopback-certificate.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { createTestPki, opensslUnavailableReason, type TestPki } from '../support/test-pki.js';
import { assertNoSecret, PASSWORD, USER } from '../support/world.js';

const HOST = 'a.example.org';
const ACCOUNTS = [{ username: USER, password: PASSWORD, hosts: [HOST] }];
const noOpenssl = opensslUnavailableReason();

let dns: DnsServer;
let pki: TestPki | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  dns = await startDnsServer(() => undefined);
  if (!noOpenssl) pki = createTestPki();
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await dns.close();
  pki?.remove();
});

async function tlsServer(tls: { key: string; cert: string }): Promise<NicServer> {
  const nic = await startNicServer({ accounts: ACCOUNTS, tls });
  cleanups.push(() => nic.close());
  return nic;
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipcheck-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function update(nic: NicServer, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ result: CliResult; dir: string }> {
  const dir = dataDir();
  const result = await runCli(['--server', nic.url, '--dns-server', dns.address, '-d', dir, '--timeout', '5', ...extra, '-a', '81.2.69.160', USER, PASSWORD, HOST], { env });
  assertNoSecret(result, dir);
  return { result, dir };
}

/** Refused before any HTTP: the server never saw a request, so the password never left. */
function assertRefused(nic: NicServer, result: CliResult, message: RegExp): void {
  assert.equal(result.status, 4, result.stdout + result.stderr);
  assert.match(result.stderr, message);
  assert.equal(nic.requests.length, 0, 'no request (and no password) reached the server');
}

describe('TLS to the update server', () => {
  test('a self-signed certificate is refused by default, with a message naming --ca', async () => {
    const nic = await tlsServer(LOOPBACK_TLS);
    const { result } = await update(nic);
    assertRefused(nic, result, /the TLS certificate of 127\.0\.0\.1:\d+ is not signed by a trusted CA \(DEPTH_ZERO_SELF_SIGNED_CERT\); if the server uses a private CA, trust it with --ca FILE/);
  });

  test('--ca with that certificate makes it work', async () => {
    const nic = await tlsServer(LOOPBACK_TLS);
    const file = join(dataDir(), 'loopback.pem');
    writeFileSync(file, LOOPBACK_TLS.cert);
    const { result } = await update(nic, ['--ca', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(nic.updates().length, 1);
    assert.equal(nic.updates()[0]?.password, PASSWORD);
  });

  test('a certificate from an unknown CA is refused; --ca with the test CA makes it work', { skip: noOpenssl ?? false }, async () => {
    const p = pki as TestPki;
    const refused = await tlsServer(p.server);
    assertRefused(refused, (await update(refused)).result, /is not signed by a trusted CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); if the server uses a private CA, trust it with --ca FILE/);
    const trusted = await tlsServer(p.server);
    const { result } = await update(trusted, ['--ca', p.caFile]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /good 81\.2\.69\.160/);
    assert.equal(trusted.updates().length, 1);
  });

  test('a certificate for another name is refused even with the right CA', { skip: noOpenssl ?? false }, async () => {
    const p = pki as TestPki;
    const nic = await tlsServer(p.wrongName);
    const { result } = await update(nic, ['--ca', p.caFile]);
    assertRefused(nic, result, /the TLS certificate of 127\.0\.0\.1:\d+ is for another name \(ERR_TLS_CERT_ALTNAME_INVALID\): check the host name in --server/);
    assert.doesNotMatch(result.stderr, /--ca/, '--ca cannot help here: the message does not suggest it');
  });

  test('an expired certificate is refused even with the right CA', { skip: noOpenssl ?? false }, async () => {
    const p = pki as TestPki;
    const nic = await tlsServer(p.expired);
    const { result } = await update(nic, ['--ca', p.caFile]);
    assertRefused(nic, result, /the TLS certificate of 127\.0\.0\.1:\d+ is expired \(CERT_HAS_EXPIRED\): check this machine's clock, or tell the provider/);
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn verification off', { skip: noOpenssl ?? false }, async () => {
    const p = pki as TestPki;
    const nic = await tlsServer(p.server);
    const { result } = await update(nic, [], { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    assertRefused(nic, result, /is not signed by a trusted CA/);
  });

  test('there is no switch that turns verification off: such options are refused as unknown', async () => {
    const nic = await tlsServer(LOOPBACK_TLS);
    for (const option of ['--insecure', '-k', '--no-verify', '--no-check-certificate', '--tls-insecure', '--insecure-skip-verify', '--ignore-ssl-errors', '--no-tls-verify', '--ssl-no-verify']) {
      const { result } = await update(nic, [option]);
      assert.equal(result.status, 1, `${option}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /unknown option/, option);
    }
    // A config file cannot do it either: an "insecure" key changes nothing.
    const config = join(dataDir(), 'ipcheck.conf');
    writeFileSync(config, '[ipcheck]\ninsecure = 1\nopt_insecure = 1\nverify = 0\n');
    const { result } = await update(nic, ['--config', config]);
    assert.notEqual(result.status, 0, result.stdout);
    assert.equal(nic.requests.length, 0, 'nothing was sent over an unverified connection');
  });

  test('--ca naming a missing file or a file without a certificate is bad input: exit 1, nothing touched', async () => {
    const nic = await tlsServer(LOOPBACK_TLS);
    const notPem = join(dataDir(), 'notes.txt');
    writeFileSync(notPem, 'this is not a certificate\n');
    for (const [file, message] of [['/nonexistent/ca.pem', /--ca \/nonexistent\/ca\.pem cannot be read \(ENOENT\): give the CA certificate of the update server as a PEM file/], [notPem, /holds no certificate \(no "-----BEGIN CERTIFICATE-----" block\): give the CA certificate in PEM form/]] as const) {
      const { result, dir } = await update(nic, ['--ca', file]);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.equal(existsSync(join(dir, 'ipcheck.events.jsonl')), false, 'the data directory is not touched');
    }
    assert.equal(nic.requests.length, 0);
  });

  test('the daemon takes --ca as well', { skip: noOpenssl ?? false }, async () => {
    const p = pki as TestPki;
    const nic = await tlsServer(p.server);
    const dir = dataDir();
    const log = join(dir, 'messages');
    writeFileSync(log, 'Nov 25 07:30:01 gw pppd[812]: local  IP address 81.2.69.160\n');
    const daemon = startDaemon(['--server', nic.url, '--dns-server', dns.address, '-d', dir, '--ca', p.caFile, '-A', 'pppd[812]: local  IP address', '--syslog-file', log, USER, PASSWORD, HOST]);
    try {
      await daemon.waitForOutput(/good 81\.2\.69\.160/, 10_000);
      assert.equal(nic.updates().length, 1);
      daemon.child.kill('SIGTERM');
      assert.equal((await daemon.exited(5000)).code, 0, daemon.output());
      assertNoSecret({ status: 0, stdout: daemon.output(), stderr: '' }, dir);
    } finally {
      daemon.kill();
    }
  });
});
