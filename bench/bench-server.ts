// The loopback NIC v2 server (and its DNS, for ipcheck's --dns-server) that every client in a
// benchmark updates. Its clock has sub-millisecond resolution so latencies can be measured
// against performance.now() in this process.
import { startDnsServer, type DnsServer } from '../src/server/dns-server.js';
import { startNicServer, type NicServer, type RecordedRequest } from '../src/server/nic-server.js';
import type { UpdateTarget } from './peer-commands.js';

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench-pw-4417';

export interface BenchServer {
  readonly nic: NicServer;
  readonly dns: DnsServer;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  target(host: string): UpdateTarget;
  /** The /nic/update requests that named this host. */
  updatesFor(host: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Milliseconds on the same scale as performance.now() in this process. */
export const preciseNow = (): number => performance.now();

export async function startBenchServer(hosts: readonly string[]): Promise<BenchServer> {
  const nic = await startNicServer({ accounts: [{ username: BENCH_USER, password: BENCH_PASSWORD, hosts: [...hosts] }], now: preciseNow });
  const dns = await startDnsServer((name) => nic.addressOf(name)?.ipv4);
  const updatesFor = (host: string): RecordedRequest[] =>
    nic.updates().filter((r) => (r.query.get('hostname') ?? '').split(',').some((h) => h.trim().toLowerCase() === host.toLowerCase()));
  return {
    nic,
    dns,
    url: nic.url,
    target: (host) => ({ server: nic.url.replace(/^https?:\/\//, ''), username: BENCH_USER, password: BENCH_PASSWORD, host }),
    updatesFor,
    async close() {
      await nic.close();
      await dns.close();
    },
  };
}
