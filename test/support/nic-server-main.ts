// Runs the loopback NIC v2 server and its DNS in a process of its own, so a test can start them
// inside a network namespace (ip netns exec NS node --import tsx this-file USER PASSWORD HOSTS).
// Prints {"url","dns"} once listening, then one JSON line per update request; ends when its
// standard input closes or on SIGTERM.
import { startDnsServer } from '../../src/server/dns-server.js';
import { startNicServer } from '../../src/server/nic-server.js';

const [username = 'alice', password = 'secret', hosts = 'a.example.org'] = process.argv.slice(2);
const nic = await startNicServer({ accounts: [{ username, password, hosts: hosts.split(',') }] });
const dns = await startDnsServer((name) => nic.addressOf(name)?.ipv4);
process.stdout.write(`${JSON.stringify({ url: nic.url, dns: dns.address })}\n`);
let reported = 0;
const timer = setInterval(() => {
  const updates = nic.updates();
  for (; reported < updates.length; reported++) {
    const request = updates[reported];
    process.stdout.write(`${JSON.stringify({ query: Object.fromEntries(request?.query ?? []) })}\n`);
  }
}, 10);
const stop = () => {
  clearInterval(timer);
  void Promise.all([nic.close(), dns.close()]).then(() => process.exit(0));
};
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
