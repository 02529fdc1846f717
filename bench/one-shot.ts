// Benchmark 1: one forced update with the address given, as a cron job or ppp ip-up runs it,
// for ipcheck, ddclient and inadyn against the same loopback NIC v2 server, plus `node -e 0`,
// the floor any Node program pays. Runs are interleaved (A B C D, A B C D, …) so that noise
// hits every client alike, and a run only counts when its request reached the server.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { ipcheckOnce, nodeFloor } from './ipcheck-command.js';
import type { MemoryProbe, ProcessMeasurement } from './measured-process.js';
import { ddclientOnce, inadynOnce, type Invocation } from './peer-commands.js';
import { missingPeersMessage, PEER_INSTALL_COMMAND, type Peers } from './peers.js';
import { formatKiB, formatMs, formatRatio, markdownTable, medianWithRange, medianWithSpread } from './report-format.js';
import { RunSamples } from './run-samples.js';
import { ratio, type Summary } from './statistics.js';
import { verifiedRun } from './verified-run.js';

export interface OneShotOptions {
  readonly rounds: number;
  readonly workDir: string;
  readonly peers: Peers;
  readonly probe: MemoryProbe;
  /** Per run; default 30 s. */
  readonly timeoutMs?: number;
}

export type ClientName = 'ipcheck' | 'ddclient' | 'inadyn' | 'node -e 0';

export interface ClientFigures {
  readonly name: ClientName;
  readonly command: string;
  /** False for a peer that is not installed. */
  readonly installed: boolean;
  readonly ok: number;
  readonly failed: number;
  /** The first few failures, each with what the client printed. */
  readonly failures: readonly string[];
  readonly wallMs?: Summary;
  readonly peakRssKiB?: Summary;
}

export interface OneShotResult {
  readonly rounds: number;
  readonly clients: readonly ClientFigures[];
  readonly missingPeers?: string;
}

interface Client {
  readonly name: ClientName;
  readonly command: string;
  readonly host?: string;
  invocation(address: string): Invocation;
}

const MAX_FAILURES_SHOWN = 3;

/** Public addresses (81.2.69.0/24, as the demo), a new one every round so every update is real. */
export function roundAddress(round: number): string {
  return `81.2.69.${(round % 250) + 1}`;
}

export async function benchOneShot(options: OneShotOptions): Promise<OneShotResult> {
  const hosts = { ipcheck: 'ipcheck.bench.example.org', ddclient: 'ddclient.bench.example.org', inadyn: 'inadyn.bench.example.org' };
  const server = await startBenchServer(Object.values(hosts));
  try {
    const clients = buildClients(server, options, hosts);
    const samples = new Map(clients.map((c) => [c.name, new RunSamples()]));
    // Round -1 warms the page cache and creates each client's files; it is not counted.
    for (let round = -1; round < options.rounds; round++) {
      const address = roundAddress(round + 1);
      for (const client of clients) {
        const outcome = await runOnce(server, client, address, options);
        if (round >= 0) samples.get(client.name)?.record(outcome);
      }
    }
    const measured: ClientFigures[] = clients.map((client) => {
      const record = samples.get(client.name) as RunSamples;
      return {
        name: client.name,
        command: client.command,
        installed: true,
        ok: record.count,
        failed: record.failures.length,
        failures: record.failures.slice(0, MAX_FAILURES_SHOWN),
        wallMs: record.wallMs(),
        peakRssKiB: record.peakRssKiB(),
      };
    });
    const absent: ClientFigures[] = (['ddclient', 'inadyn'] as const)
      .filter((name) => options.peers[name] === undefined)
      .map((name) => ({ name, command: `not installed (${PEER_INSTALL_COMMAND})`, installed: false, ok: 0, failed: 0, failures: [] }));
    return { rounds: options.rounds, clients: [...measured, ...absent], missingPeers: missingPeersMessage(options.peers) };
  } finally {
    await server.close();
  }
}

function buildClients(server: BenchServer, options: OneShotOptions, hosts: Record<'ipcheck' | 'ddclient' | 'inadyn', string>): Client[] {
  const directory = (name: string): string => {
    const path = join(options.workDir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const ipcheckDir = directory('ipcheck');
  const clients: Client[] = [
    {
      name: 'ipcheck',
      command: 'node dist/ipcheck.js --server URL -j --dns-server DNS --min-interval 0 -f -d DIR -a ADDRESS user password host',
      host: hosts.ipcheck,
      invocation: (address) => ipcheckOnce(server, ipcheckDir, hosts.ipcheck, address),
    },
  ];
  const { ddclient, inadyn } = options.peers;
  if (ddclient) {
    const dir = directory('ddclient');
    clients.push({
      name: 'ddclient',
      command: `ddclient ${ddclient.version} -daemon=0 -foreground -force -file CONF -cache FILE (use=no, usev4=ipv4, ipv4=ADDRESS, ssl=no)`,
      host: hosts.ddclient,
      invocation: (address) => ddclientOnce(ddclient, dir, server.target(hosts.ddclient), address),
    });
  }
  if (inadyn) {
    const dir = directory('inadyn');
    clients.push({
      name: 'inadyn',
      command: `inadyn ${inadyn.version} --once --force --foreground --no-pidfile -f CONF --cache-dir DIR (custom provider, checkip-command "/bin/echo ADDRESS")`,
      host: hosts.inadyn,
      invocation: (address) => inadynOnce(inadyn, dir, server.target(hosts.inadyn), address),
    });
  }
  clients.push({ name: 'node -e 0', command: 'node -e 0 (sends nothing)', invocation: () => nodeFloor() });
  return clients;
}

/** The measurement, or why the run does not count. */
async function runOnce(server: BenchServer, client: Client, address: string, options: OneShotOptions): Promise<ProcessMeasurement | string> {
  const outcome = await verifiedRun(server, client.invocation(address), client.host ? { host: client.host, address } : undefined, options.probe, options.timeoutMs);
  return typeof outcome === 'string' ? `${client.name}: ${outcome}` : outcome;
}

function find(result: OneShotResult, name: ClientName): ClientFigures | undefined {
  return result.clients.find((c) => c.name === name && c.installed);
}

export const FLOOR_TARGET = 1.3;

export function oneShotRatios(result: OneShotResult) {
  const ipcheck = find(result, 'ipcheck');
  const versus = (name: ClientName) => ({
    wall: ratio(ipcheck?.wallMs, find(result, name)?.wallMs),
    memory: ratio(ipcheck?.peakRssKiB, find(result, name)?.peakRssKiB),
  });
  return { floor: versus('node -e 0'), ddclient: versus('ddclient'), inadyn: versus('inadyn') };
}

export function renderOneShot(result: OneShotResult): string {
  const rows = result.clients.map((c) => [
    c.name,
    c.installed ? `${c.ok} ok${c.failed > 0 ? `, **${c.failed} failed**` : ''}` : 'not installed',
    medianWithSpread(c.wallMs, formatMs),
    medianWithRange(c.peakRssKiB, formatKiB),
    c.command,
  ]);
  const ratios = oneShotRatios(result);
  const ratioRow = (label: string, r: { wall: number | undefined; memory: number | undefined }, note: string): string[] =>
    [label, formatRatio(r.wall), formatRatio(r.memory), note];
  const floorNote = ratios.floor.wall === undefined
    ? 'not measured'
    : ratios.floor.wall <= FLOOR_TARGET ? `target ≤ ${FLOOR_TARGET}x: met` : `target ≤ ${FLOOR_TARGET}x: **not met**`;
  const failures = result.clients.flatMap((c) => c.failures.map((f) => `- ${f}`));
  return [
    '## 1. One-shot update (`-a ADDRESS`, forced)',
    '',
    `Each client updates its own host to a new address each round at the loopback NIC v2 server (plain HTTP), ` +
      `${result.rounds} interleaved rounds after one warm-up round. A run counts only if it exited 0 and its request ` +
      '(with the right myip) reached the server. Wall time from spawn to exit; peak RSS as the Machine table says.',
    '',
    ...(result.missingPeers ? [`**${result.missingPeers}.**`, ''] : []),
    markdownTable(['client', 'runs', 'wall time, median (p25–p75)', 'peak RSS, median (min–max)', 'command'], rows),
    '',
    markdownTable(['ratio (medians)', 'wall time', 'peak RSS', ''], [
      ratioRow('ipcheck / node -e 0', ratios.floor, floorNote),
      ratioRow('ipcheck / ddclient', ratios.ddclient, find(result, 'ddclient') ? '' : 'ddclient not measured'),
      ratioRow('ipcheck / inadyn', ratios.inadyn, find(result, 'inadyn') ? '' : 'inadyn not measured'),
    ]),
    ...(failures.length > 0 ? ['', 'Failed runs (not timed):', '', ...failures] : []),
  ].join('\n');
}
