// Benchmark 4b: what a client costs while it waits, since a dynamic DNS client spends its life
// idle. ipcheck follows the system log (-A TEXT --syslog-file FILE --daemon); ddclient and inadyn
// poll with their default periods (300 s and 120 s). All run at once, each after its first
// update; CPU time comes from /proc/<pid>/stat (children it waited for included) and resident
// memory from /proc/<pid>/status, sampled every second.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { PEER_PERIODS, type DaemonCommand } from './daemon-latency.js';
import { awaitFirstUpdate, lastLines, spawnDaemon, whyNoFirstUpdate, type RunningDaemon } from './daemon-process.js';
import { ipcheckDaemon } from './ipcheck-command.js';
import { ddclientDaemon, inadynDaemon, type Invocation } from './peer-commands.js';
import { PEER_INSTALL_COMMAND, type Peers } from './peers.js';
import { pppdConnectLines, PPPD_TEXT } from './pppd-log.js';
import { clockTicksPerSecond, cpuTicks, residentKiB, type CpuTicks } from './proc-stat.js';
import { formatKiB, formatMs, markdownTable, medianWithRange } from './report-format.js';
import { summarize, type Summary } from './statistics.js';

export interface DaemonIdleOptions {
  readonly workDir: string;
  /** How long to watch them idle (minutes in the full run, 10 s in the quick one). */
  readonly durationMs: number;
  readonly peers: Peers;
  readonly sampleEveryMs?: number;
  /** How long each may take to start and send its first update; default 15 s. */
  readonly startTimeoutMs?: number;
  /** Quiet time after the first updates before watching starts (start-up is not idling); default 3 s. */
  readonly settleMs?: number;
  /** The ipcheck daemon's command line; tests replace it. Default: the built CLI. */
  readonly daemonCommand?: DaemonCommand;
}

export interface IdleFigures {
  readonly name: 'ipcheck' | 'ddclient' | 'inadyn';
  readonly how: string;
  readonly status: 'measured' | 'not-available' | 'not-installed' | 'failed';
  readonly message?: string;
  readonly cpuSeconds?: number;
  readonly cpuPercent?: number;
  readonly rssKiB?: Summary;
  /** Updates it sent while being watched (a poll that found a "change", a retry). */
  readonly updatesWhileIdle?: number;
}

export interface DaemonIdleResult {
  readonly durationMs: number;
  readonly clients: readonly IdleFigures[];
}

interface Contender {
  readonly name: IdleFigures['name'];
  readonly how: string;
  readonly host: string;
  readonly invocation: Invocation;
}

export async function benchDaemonIdle(options: DaemonIdleOptions): Promise<DaemonIdleResult> {
  const hosts = { ipcheck: 'idle-ipcheck.bench.example.org', ddclient: 'idle-ddclient.bench.example.org', inadyn: 'idle-inadyn.bench.example.org' };
  const server = await startBenchServer(Object.values(hosts));
  const directory = (name: string): string => {
    const path = join(options.workDir, `idle-${name}`);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const address = '81.2.69.99';
  const contenders: Contender[] = [];
  const ipcheckDir = directory('ipcheck');
  const logFile = join(ipcheckDir, 'messages');
  writeFileSync(logFile, pppdConnectLines(address));
  contenders.push({
    name: 'ipcheck',
    how: 'follows the log file (-A TEXT --syslog-file FILE --daemon)',
    host: hosts.ipcheck,
    invocation: (options.daemonCommand ?? ipcheckDaemon)(server, ipcheckDir, hosts.ipcheck, logFile, PPPD_TEXT),
  });
  const { ddclient, inadyn } = options.peers;
  if (ddclient) {
    contenders.push({
      name: 'ddclient',
      how: `ddclient ${ddclient.version}, -daemon=${PEER_PERIODS.ddclient} -foreground, usev4=ipv4`,
      host: hosts.ddclient,
      invocation: ddclientDaemon(ddclient, directory('ddclient'), server.target(hosts.ddclient), address, PEER_PERIODS.ddclient),
    });
  }
  if (inadyn) {
    contenders.push({
      name: 'inadyn',
      how: `inadyn ${inadyn.version}, --foreground, period = ${PEER_PERIODS.inadyn}, checkip-command`,
      host: hosts.inadyn,
      invocation: inadynDaemon(inadyn, directory('inadyn'), server.target(hosts.inadyn), address, PEER_PERIODS.inadyn),
    });
  }
  const absent: IdleFigures[] = (['ddclient', 'inadyn'] as const)
    .filter((name) => options.peers[name] === undefined)
    .map((name) => ({ name, how: '', status: 'not-installed', message: `not installed: ${PEER_INSTALL_COMMAND}` }));

  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const daemons = contenders.map((c) => ({ contender: c, daemon: spawnDaemon(c.invocation) }));
  try {
    const starts = await Promise.all(daemons.map(({ contender, daemon }) => awaitFirstUpdate(server, contender.host, daemon, startTimeoutMs)));
    const watched = daemons.filter((_, i) => starts[i] === 'updated');
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 3000));
    const figures = await watchIdle(server, watched, options);
    const results: IdleFigures[] = daemons.map(({ contender, daemon }, i) => {
      const start = starts[i] ?? 'silent';
      if (start === 'updated') return figures.get(contender.name) as IdleFigures;
      const why = whyNoFirstUpdate(contender.name, start, daemon, startTimeoutMs);
      const status = why.notAvailable && contender.name === 'ipcheck' ? 'not-available' : 'failed';
      return { name: contender.name, how: contender.how, status, message: why.message };
    });
    return { durationMs: options.durationMs, clients: [...results, ...absent] };
  } finally {
    await Promise.all(daemons.map(({ daemon }) => daemon.stop()));
    await server.close();
  }
}

async function watchIdle(server: BenchServer, watched: { contender: Contender; daemon: RunningDaemon }[], options: DaemonIdleOptions): Promise<Map<string, IdleFigures>> {
  const every = options.sampleEveryMs ?? 1000;
  const first = new Map<string, { ticks: CpuTicks | undefined; updates: number }>();
  const rss = new Map<string, number[]>(watched.map(({ contender }) => [contender.name, []]));
  for (const { contender, daemon } of watched) first.set(contender.name, { ticks: cpuTicks(daemon.pid), updates: server.updatesFor(contender.host).length });
  const started = performance.now();
  while (performance.now() - started < options.durationMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(every, Math.max(0, options.durationMs - (performance.now() - started)))));
    for (const { contender, daemon } of watched) {
      const value = residentKiB(daemon.pid);
      if (value !== undefined) rss.get(contender.name)?.push(value);
    }
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const figures = new Map<string, IdleFigures>();
  for (const { contender, daemon } of watched) {
    const before = first.get(contender.name);
    const after = cpuTicks(daemon.pid);
    const base = { name: contender.name, how: contender.how };
    if (!before?.ticks || !after || daemon.exit()) {
      figures.set(contender.name, { ...base, status: 'failed', message: `it exited while being watched: ${lastLines(daemon.output())}` });
      continue;
    }
    const ticks = after.own + after.children - (before.ticks.own + before.ticks.children);
    const cpuSeconds = ticks / clockTicksPerSecond();
    figures.set(contender.name, {
      ...base,
      status: 'measured',
      cpuSeconds,
      cpuPercent: (cpuSeconds / elapsedSeconds) * 100,
      rssKiB: summarize(rss.get(contender.name) ?? []),
      updatesWhileIdle: server.updatesFor(contender.host).length - before.updates,
    });
  }
  return figures;
}

export function renderDaemonIdle(result: DaemonIdleResult): string {
  const rows = result.clients.map((c) => c.status === 'measured'
    ? [
        c.name,
        `${(c.cpuPercent ?? 0).toFixed(3)} %`,
        formatMs((c.cpuSeconds ?? 0) * 1000),
        medianWithRange(c.rssKiB, formatKiB),
        String(c.updatesWhileIdle ?? 0),
        c.how,
      ]
    : [c.name, '–', '–', '–', '–', c.status === 'not-available' ? '**not available yet**' : c.status === 'not-installed' ? `not installed (\`${PEER_INSTALL_COMMAND}\`)` : `**failed**: ${c.message ?? ''}`]);
  const notes = result.clients.filter((c) => c.status === 'not-available' || c.status === 'failed').map((c) => `- ${c.name}: ${c.message ?? c.status}`);
  const periods = (Object.entries(PEER_PERIODS) as [string, number][])
    .filter(([name, seconds]) => seconds * 1000 > result.durationMs && result.clients.some((c) => c.name === name && c.status === 'measured'))
    .map(([name, seconds]) => `${name} (every ${seconds} s)`);
  if (periods.length > 0) notes.push(`- The window is shorter than the polling period of ${periods.join(' and ')}: its figures are those of sleeping between polls.`);
  return [
    `### Idle daemon (${formatMs(result.durationMs)} watched, all at once, after each one's first update and a few quiet seconds)`,
    '',
    'CPU time is user + system time of the process and of the children it waited for (inadyn runs its checkip ' +
      'command through the shell), in 1/100 s ticks; RSS is sampled every second.',
    '',
    markdownTable(['client', 'CPU', 'CPU time', 'RSS, median (min–max)', 'updates while idle', 'how'], rows),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}
