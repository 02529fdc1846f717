// Benchmark 4a: reaction latency of continuous mode. ipcheck follows a log file for pppd's
// "local  IP address" line (-A TEXT --syslog-file FILE --daemon); the bench appends a
// reconnection with a new address and measures the time until the update for that address
// reaches the server, over many changes. ddclient and inadyn poll instead, so their latency is
// set by their period: on average half of it, at worst all of it.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { awaitFirstUpdate, lastLines, spawnDaemon, whyNoFirstUpdate, type RunningDaemon } from './daemon-process.js';
import { ipcheckDaemon } from './ipcheck-command.js';
import type { Invocation } from './peer-commands.js';
import { pppdConnectLines, PPPD_TEXT } from './pppd-log.js';
import { formatMs, markdownTable } from './report-format.js';
import { summarize, type Summary } from './statistics.js';

export interface DaemonLatencyOptions {
  readonly workDir: string;
  /** Address changes to time (≥ 100 in the full run). */
  readonly changes: number;
  /** How long one change may take before it counts as missed; default 10 s. */
  readonly changeTimeoutMs?: number;
  /** How long the daemon may take to start and send its first update; default 15 s. */
  readonly startTimeoutMs?: number;
  /** The ipcheck daemon's command line; tests replace it. Default: the built CLI. */
  readonly daemonCommand?: DaemonCommand;
}

export type DaemonCommand = (server: BenchServer, directory: string, host: string, logFile: string, text: string) => Invocation;

export type DaemonLatencyResult =
  | { readonly status: 'not-available'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'measured'; readonly changes: number; readonly missed: number; readonly latencyMs?: Summary; readonly note?: string };

/** The default polling periods of the peers, in seconds. */
export const PEER_PERIODS = { ddclient: 300, inadyn: 120 } as const;

const MISSES_BEFORE_GIVING_UP = 3;

export async function benchDaemonLatency(options: DaemonLatencyOptions): Promise<DaemonLatencyResult> {
  const host = 'daemon-latency.bench.example.org';
  const server = await startBenchServer([host]);
  const directory = join(options.workDir, 'daemon-latency');
  mkdirSync(directory, { recursive: true });
  const logFile = join(directory, 'messages');
  writeFileSync(logFile, pppdConnectLines('81.2.69.77'));
  const daemon = spawnDaemon((options.daemonCommand ?? ipcheckDaemon)(server, directory, host, logFile, PPPD_TEXT));
  try {
    const startTimeoutMs = options.startTimeoutMs ?? 15_000;
    const start = await awaitFirstUpdate(server, host, daemon, startTimeoutMs);
    if (start === 'updated') return await timeChanges(server, daemon, host, logFile, options);
    const why = whyNoFirstUpdate('ipcheck', start, daemon, startTimeoutMs);
    return { status: why.notAvailable ? 'not-available' : 'failed', message: why.message };
  } finally {
    await daemon.stop();
    await server.close();
  }
}

async function timeChanges(server: BenchServer, daemon: RunningDaemon, host: string, logFile: string, options: DaemonLatencyOptions): Promise<DaemonLatencyResult> {
  const latencies: number[] = [];
  let missed = 0;
  let missedInARow = 0;
  let note: string | undefined;
  for (let change = 0; change < options.changes; change++) {
    const address = `81.2.70.${(change % 250) + 1}`;
    const before = server.updatesFor(host).length;
    const appendedAt = performance.now();
    appendFileSync(logFile, pppdConnectLines(address));
    const arrivedAt = await arrivalOf(server, host, address, before, options.changeTimeoutMs ?? 10_000);
    if (arrivedAt === undefined) {
      missed++;
      missedInARow++;
      if (daemon.exit()) {
        note = `the daemon exited after ${change} changes: ${lastLines(daemon.output())}`;
        break;
      }
      if (missedInARow >= MISSES_BEFORE_GIVING_UP) {
        note = `stopped after ${MISSES_BEFORE_GIVING_UP} changes in a row without an update`;
        break;
      }
      continue;
    }
    missedInARow = 0;
    latencies.push(arrivedAt - appendedAt);
  }
  return { status: 'measured', changes: latencies.length + missed, missed, latencyMs: summarize(latencies), note };
}

/** When (performance.now() scale) the first update carrying `address` arrived, or undefined. */
async function arrivalOf(server: BenchServer, host: string, address: string, after: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const carrying = server.updatesFor(host).slice(after).find((r) => (r.query.get('myip') ?? '').split(',').includes(address));
    if (carrying) return carrying.at;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return undefined;
}

/** A change at a uniformly random moment waits uniformly 0..period for the next poll. */
function pollingRow(label: string, periodSeconds: number): string[] {
  const seconds = (value: number): string => `${Number(value.toFixed(1))} s`;
  return [label, seconds(periodSeconds / 2), seconds(periodSeconds * 0.99), `0–${seconds(periodSeconds)}`,
    `expected from the period, not measured: ${seconds(periodSeconds / 2)} on average, ${seconds(periodSeconds)} at worst`];
}

export function renderDaemonLatency(result: DaemonLatencyResult): string {
  const ipcheckRow = result.status === 'measured'
    ? [
        'ipcheck (follows the log)',
        result.latencyMs ? formatMs(result.latencyMs.median) : '–',
        result.latencyMs ? formatMs(result.latencyMs.p99) : '–',
        result.latencyMs ? `${formatMs(result.latencyMs.min)}–${formatMs(result.latencyMs.max)}` : '–',
        `measured over ${result.changes} changes${result.missed > 0 ? `, **${result.missed} missed**` : ''}`,
      ]
    : ['ipcheck', '–', '–', '–', result.status === 'not-available' ? '**not available yet**' : '**failed**'];
  return [
    '### Reaction latency (`-A TEXT --syslog-file FILE --daemon`)',
    '',
    'The bench appends a pppd reconnection with a new address to the followed log file and times the wait ' +
      'until the update carrying that address reaches the server.',
    '',
    markdownTable(['client', 'p50', 'p99', 'min–max', ''], [
      ipcheckRow,
      pollingRow(`ddclient (polls, \`daemon=${PEER_PERIODS.ddclient}\`, its default)`, PEER_PERIODS.ddclient),
      pollingRow(`inadyn (polls, \`period = ${PEER_PERIODS.inadyn}\`, its default)`, PEER_PERIODS.inadyn),
    ]),
    ...(result.status !== 'measured' ? ['', result.message] : result.note ? ['', result.note] : []),
  ].join('\n');
}
