// The whole client on a real interface: a network namespace of the test's own with a veth
// pair, the NIC v2 test server and the ipcheck daemon both running inside it. The veth carries
// IPv4 and a set of IPv6 addresses (a temporary one made by the kernel, a deprecated one, a ULA,
// the link-local one and a stable global one): the stable global address is sent, together
// with the IPv4 one, and address and prefix changes are followed as they happen.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { namespaceUnavailableReason } from '../support/network-namespace.js';
import { CLI } from '../support/run-cli.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const serverScript = fileURLToPath(new URL('../support/nic-server-main.ts', import.meta.url));
const tag = String(process.pid % 100000);
const namespace = `ipcheck-it-${tag}`;
const wan = `ipw${tag}`;
const peer = `ipx${tag}`;
const USER = 'alice';
const PASSWORD = 'Netns-pw-771';
const HOST = 'a.example.org';
const STABLE = '2a00:1450:4001:81a:211:22ff:fe33:4455';
const STABLE_NEW_PREFIX = '2a00:1450:4001:82b:211:22ff:fe33:4455';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inNamespace = (...args: string[]) => ip('-n', namespace, ...args);
const children: ChildProcessWithoutNullStreams[] = [];

after(() => {
  for (const child of children) child.kill('SIGKILL');
  try { ip('netns', 'delete', namespace); } catch { /* skipped or already gone */ }
});

function lines(child: ChildProcessWithoutNullStreams): { all: string[]; waitFor(what: string, predicate: (line: string) => boolean, ms?: number): Promise<string> } {
  const all: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => { all.push(line); waiters.forEach((w) => w()); });
  createInterface({ input: child.stderr }).on('line', (line) => { all.push(line); waiters.forEach((w) => w()); });
  return {
    all,
    waitFor(what, predicate, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out waiting for ${what}:\n${all.join('\n')}`)); }, ms);
        const check = () => {
          const found = all.find(predicate);
          if (found !== undefined) { clearTimeout(timer); waiters.delete(check); resolve(found); }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

test('the daemon on a real veth sends the stable global IPv6 and the IPv4 address, and follows changes', { skip: namespaceUnavailableReason() }, async () => {
  ip('netns', 'add', namespace);
  inNamespace('link', 'set', 'lo', 'up');
  inNamespace('link', 'add', wan, 'type', 'veth', 'peer', 'name', peer);
  // The kernel makes temporary addresses from a mngtmpaddr address when use_tempaddr is on.
  execFileSync('ip', ['netns', 'exec', namespace, 'sysctl', '-q', '-w', `net.ipv6.conf.${wan}.use_tempaddr=2`]);
  inNamespace('link', 'set', wan, 'up');
  inNamespace('link', 'set', peer, 'up');
  inNamespace('addr', 'add', '20.0.0.1/24', 'dev', wan);
  inNamespace('-6', 'addr', 'add', `${STABLE}/64`, 'dev', wan, 'mngtmpaddr', 'nodad');
  inNamespace('-6', 'addr', 'add', '2a00:1450:4001:99::9/64', 'dev', wan, 'nodad', 'preferred_lft', '0');
  inNamespace('-6', 'addr', 'add', 'fd12:3456:789a::1/64', 'dev', wan, 'nodad');
  const shown = inNamespace('-6', 'addr', 'show', 'dev', wan);
  assert.match(shown, /temporary/, `the kernel made a temporary address:\n${shown}`);
  assert.match(shown, /deprecated/);
  assert.match(shown, /fe80::/);

  const server = spawn('ip', ['netns', 'exec', namespace, process.execPath, '--import', 'tsx', serverScript, USER, PASSWORD, HOST], { cwd: repoRoot });
  children.push(server);
  const serverLines = lines(server);
  const { url, dns } = JSON.parse(await serverLines.waitFor('the server', (l) => l.startsWith('{"url"'))) as { url: string; dns: string };
  const daemon = spawn('ip', ['netns', 'exec', namespace, process.execPath, CLI, '--daemon', '--ipv4', '--ipv6', '-i', wan, '--server', url, '--dns-server', dns, '--min-interval', '0', '-v', '-d', mkdtempSync(join(tmpdir(), 'ipcheck-netns-')), USER, PASSWORD, HOST], { cwd: repoRoot });
  children.push(daemon);
  const daemonLines = lines(daemon);
  const requests = () => serverLines.all.filter((l) => l.startsWith('{"query"')).map((l) => (JSON.parse(l) as { query: Record<string, string> }).query);

  const withDaemonOutput = (error: Error) => { throw new Error(`${error.message}\ndaemon:\n${daemonLines.all.join('\n')}`); };
  await serverLines.waitFor('the first update', (l) => l.startsWith('{"query"')).catch(withDaemonOutput);
  assert.equal(requests()[0]?.myip, `20.0.0.1,${STABLE}`, daemonLines.all.join('\n'));
  assert.ok(!daemonLines.all.join('\n').includes(PASSWORD));

  // A new IPv6 prefix from the "ISP": the new stable address replaces the old one.
  inNamespace('-6', 'addr', 'add', `${STABLE_NEW_PREFIX}/64`, 'dev', wan, 'nodad');
  inNamespace('-6', 'addr', 'del', `${STABLE}/64`, 'dev', wan);
  await serverLines.waitFor('the IPv6 prefix change', () => requests().some((q) => q.myip === `20.0.0.1,${STABLE_NEW_PREFIX}`)).catch(withDaemonOutput);

  // A new IPv4 address on the interface.
  inNamespace('addr', 'add', '20.0.1.1/24', 'dev', wan);
  inNamespace('addr', 'del', '20.0.0.1/24', 'dev', wan);
  await serverLines.waitFor('the IPv4 change', () => requests().some((q) => q.myip === `20.0.1.1,${STABLE_NEW_PREFIX}`)).catch(withDaemonOutput);
  for (const query of requests()) {
    assert.doesNotMatch(query.myip ?? '', /fd12|fe80|:99::9/, 'never a ULA, link-local or deprecated address');
  }
  daemon.kill('SIGTERM');
  server.kill('SIGTERM');
});
