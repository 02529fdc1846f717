// A small world for integration tests: the loopback NIC v2 server with an account, its DNS
// server, a temporary data directory, and `ipcheck(...)` running the built CLI against them.
// After every run it checks that the password appears in no output and no file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer, type DnsServer } from '../../src/server/dns-server.js';
import { startNicServer, type NicAccount, type NicServer } from '../../src/server/nic-server.js';
import { type CliResult, filesBelow, runCli } from './run-cli.js';

export const USER = 'alice';
export const PASSWORD = 'S3cret-pw_4417';
export const HOSTS = ['a.example.org', 'b.example.org', 'c.example.org'];

export interface World {
  readonly nic: NicServer;
  readonly dns: DnsServer;
  readonly dir: string;
  /** Runs ipcheck with the world's server, DNS and directory, then the credentials and hosts. */
  ipcheck(args: readonly string[], options?: { hosts?: string[]; env?: NodeJS.ProcessEnv; credentials?: boolean; secretFiles?: string[] }): Promise<CliResult>;
  close(): Promise<void>;
}

/** `secretFiles`: files the test itself wrote with the password (an --acctfile, a --config). */
export function assertNoSecret(result: CliResult, dir: string, secretFiles: readonly string[] = [], secret = PASSWORD): void {
  assert.ok(!result.stdout.includes(secret), `the password appears in stdout:\n${result.stdout}`);
  assert.ok(!result.stderr.includes(secret), `the password appears in stderr:\n${result.stderr}`);
  for (const file of filesBelow(dir).filter((f) => !secretFiles.includes(f.path))) {
    assert.ok(!file.content.includes(secret), `the password appears in ${file.path}`);
    assert.ok(!file.content.includes(Buffer.from(secret).toString('base64')), `the base64 password appears in ${file.path}`);
  }
}

export async function startWorld(accounts: NicAccount[] = [{ username: USER, password: PASSWORD, hosts: HOSTS }], host = '127.0.0.1'): Promise<World> {
  const nic = await startNicServer({ accounts, host });
  const dns = await startDnsServer((name) => nic.addressOf(name)?.ipv4, host);
  const dir = mkdtempSync(join(tmpdir(), 'ipcheck-it-'));
  return {
    nic,
    dns,
    dir,
    async ipcheck(args, options = {}) {
      const hosts = options.hosts ?? [HOSTS[0] as string];
      const credentials = options.credentials === false ? [] : [USER, PASSWORD, hosts.join(',')];
      const result = await runCli(['--server', nic.url, '--dns-server', dns.address, '-d', dir, ...args, ...credentials], { ...(options.env ? { env: options.env } : {}) });
      assertNoSecret(result, dir, options.secretFiles);
      return result;
    },
    async close() {
      await nic.close();
      await dns.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
