// ipcheck demo: a short story against the built-in loopback NIC v2 server, in a temporary
// directory: the first update, the same address again, a new address, a fatal answer, and what
// happens after it. Nothing leaves this machine: the server and its DNS listen on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../cli/build-config.js';
import { normalizeLegacyArgv } from '../cli/legacy-argv.js';
import { parseOptions } from '../cli/options.js';
import { EXIT } from '../exit-status.js';
import { startDnsServer } from '../server/dns-server.js';
import { startNicServer } from '../server/nic-server.js';
import { runOnce } from './run-once.js';
import { runReplay } from './replay.js';

const HOST = 'home.demo-ipcheck.org';
const USER = 'demo';
const SECRET = 'demo-secret';

export async function runDemo(): Promise<number> {
  const nic = await startNicServer({ accounts: [{ username: USER, password: SECRET, hosts: [HOST] }] });
  const dns = await startDnsServer((name) => nic.addressOf(name)?.ipv4);
  const directory = mkdtempSync(join(tmpdir(), 'ipcheck-demo-'));
  const say = (text: string) => process.stdout.write(`\n=== ${text}\n`);
  const run = async (...options: string[]) => {
    const normalized = normalizeLegacyArgv([...options, '--server', nic.url, '--dns-server', dns.address, '--min-interval', '0', '-d', directory, USER, SECRET, HOST]);
    const status = await runOnce(buildConfig(parseOptions(normalized.argv), normalized.devices));
    process.stdout.write(`(exit status ${status}; requests the server has received: ${nic.updates().length})\n`);
  };
  try {
    process.stdout.write(`ipcheck demo: a NIC v2 server on ${nic.url}, its DNS on ${dns.address}, data in ${directory}\n`);
    say('1. First run with address 81.2.69.160: no ipcheck.dat yet, so DNS is asked (the host is unknown) and the update is sent');
    await run('-a', '81.2.69.160');
    say('2. Same address again: nothing is sent');
    await run('-a', '81.2.69.160');
    say('3. A private address: rejected, nothing is sent');
    await run('-a', '192.168.1.20');
    say('4. A new address, 81.2.69.161: one update');
    await run('-a', '81.2.69.161');
    say('5. The server answers "abuse" (scripted): the host is stopped and ipcheck.err written');
    nic.script({ body: 'abuse' });
    await run('-a', '81.2.69.162');
    say('6. Another new address: nothing is sent until the user runs `ipcheck clear` or deletes ipcheck.err');
    await run('-a', '81.2.69.163');
    say('The event timeline (ipcheck replay):');
    await runReplay(directory, false);
    return EXIT.ok;
  } finally {
    await nic.close();
    await dns.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
