// Benchmark 2: the event log. (a) Replaying a long log: EventLog.forEachFrom + the state fold,
// in a fresh Node process so its memory is its own, as `ipcheck replay` or a rebuild of a lost
// snapshot pays it. (b) The start-up of a one-shot run with a huge log and a current snapshot
// against a small log: the Store opens from the snapshot's byte offset, so start-up must not
// grow with the log. Both are verified, not assumed: Store.open reports how many events it
// replayed.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVENT_LOG_FILE, SNAPSHOT_FILE, Store } from '../src/store/store.js';
import { startBenchServer } from './bench-server.js';
import { writeEventLog, type GeneratedLog } from './event-log-generator.js';
import { childEnvironment, ipcheckOnce, REPOSITORY } from './ipcheck-command.js';
import type { MemoryProbe } from './measured-process.js';
import { roundAddress } from './one-shot.js';
import { formatBytes, formatCount, formatKiB, formatMs, formatRatio, markdownTable, medianWithRange, medianWithSpread } from './report-format.js';
import { RunSamples } from './run-samples.js';
import { ratio, summarize, type Summary } from './statistics.js';
import { verifiedRun } from './verified-run.js';

export interface EventLogOptions {
  readonly workDir: string;
  /** The long log (1,000,000 in the full run). */
  readonly largeEvents: number;
  /** The short log start-up is compared with (1,000). */
  readonly smallEvents: number;
  /** Replays of the long log, each in a fresh process. */
  readonly replays: number;
  /** Interleaved one-shot runs per log. */
  readonly startupRounds: number;
  readonly probe: MemoryProbe;
}

export interface ReplayRun {
  readonly events: number;
  readonly ms: number;
  readonly rssBeforeKiB: number;
  readonly peakRssKiB: number;
  readonly endOffset: number;
  readonly lastSeq: number;
}

export interface StoreOpening {
  readonly events: number;
  readonly snapshot: boolean;
  readonly replayedEvents: number;
  readonly ms: number;
}

export interface EventLogResult {
  readonly large: GeneratedLog;
  readonly small: GeneratedLog;
  readonly generateMs: number;
  readonly replay: {
    readonly runs: number;
    readonly ms?: Summary;
    readonly eventsPerSecond?: Summary;
    readonly rssBeforeKiB?: Summary;
    readonly peakRssKiB?: Summary;
  };
  readonly startup: {
    readonly rounds: number;
    readonly largeWallMs?: Summary;
    readonly smallWallMs?: Summary;
    readonly largePeakRssKiB?: Summary;
    readonly smallPeakRssKiB?: Summary;
    readonly failures: readonly string[];
  };
  readonly openings: readonly StoreOpening[];
}

// Runs in a fresh `node` with the built modules (what users run), reports JSON on stdout, and
// writes the snapshot a run would have left, so that (b) starts from a current one.
const REPLAY_SCRIPT = `
const { readFileSync } = await import('node:fs');
const src = process.env.BENCH_SRC;
const { EventLog } = await import(src + '/store/event-log.ts');
const { EMPTY_STATE, fold } = await import(src + '/state.ts');
const kib = (key) => Number(new RegExp('^' + key + ':\\\\s+(\\\\d+) kB', 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
const rssBeforeKiB = kib('VmRSS');
const started = performance.now();
const log = EventLog.open(process.env.BENCH_LOG);
let state = EMPTY_STATE;
let events = 0;
const endOffset = log.forEachFrom(0, (event) => { state = fold(state, event); events++; });
const ms = performance.now() - started;
const peakRssKiB = kib('VmHWM');
if (process.env.BENCH_SNAPSHOT) {
  const { writeSnapshot } = await import(src + '/store/state-snapshot.ts');
  await writeSnapshot(process.env.BENCH_SNAPSHOT, { format: 1, seq: state.seq, offset: endOffset, state });
}
const lastSeq = log.lastSeq;
log.close();
process.stdout.write(JSON.stringify({ events, ms, rssBeforeKiB, peakRssKiB, endOffset, lastSeq }));
`;

const run = promisify(execFile);

/** Long-log / short-log start-up ratio still read as "does not grow" (the runs are noisy). */
const GROWTH_TOLERANCE = 1.15;

async function replayInFreshProcess(logPath: string, snapshotPath?: string): Promise<ReplayRun> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', REPLAY_SCRIPT], {
    // The store's own modules, compiled on load by tsx (the CLI bundle does not export them).
    env: childEnvironment({ BENCH_SRC: join(REPOSITORY, 'src'), BENCH_LOG: logPath, ...(snapshotPath && { BENCH_SNAPSHOT: snapshotPath }) }),
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ReplayRun;
}

export async function benchEventLog(options: EventLogOptions): Promise<EventLogResult> {
  const hosts = { large: 'large-log.bench.example.org', small: 'small-log.bench.example.org' };
  const server = await startBenchServer(Object.values(hosts));
  try {
    const largeDir = join(options.workDir, 'large-log');
    const smallDir = join(options.workDir, 'small-log');
    mkdirSync(largeDir, { recursive: true });
    mkdirSync(smallDir, { recursive: true });

    const generating = performance.now();
    const endAt = Date.now() - 60 * 60_000;
    const large = writeEventLog(join(largeDir, EVENT_LOG_FILE), options.largeEvents, { hosts: [hosts.large], endAt, serverUrl: server.url });
    const generateMs = performance.now() - generating;
    const small = writeEventLog(join(smallDir, EVENT_LOG_FILE), options.smallEvents, { hosts: [hosts.small], endAt, serverUrl: server.url });

    // (a) Replays; the last one leaves the snapshot a run would have written.
    const replays: ReplayRun[] = [];
    for (let i = 0; i < options.replays; i++) {
      const last = i === options.replays - 1;
      replays.push(await replayInFreshProcess(large.path, last ? join(largeDir, SNAPSHOT_FILE) : undefined));
    }
    await replayInFreshProcess(small.path, join(smallDir, SNAPSHOT_FILE));

    // (b) Start-up with each log, interleaved; round -1 (not counted) creates ipcheck.dat.
    const startup = { large: new RunSamples(), small: new RunSamples() };
    for (let round = -1; round < options.startupRounds; round++) {
      for (const which of ['large', 'small'] as const) {
        const directory = which === 'large' ? largeDir : smallDir;
        const address = roundAddress(round + 101);
        const outcome = await verifiedRun(server, ipcheckOnce(server, directory, hosts[which], address), { host: hosts[which], address }, options.probe, 60_000);
        if (round >= 0) startup[which].record(typeof outcome === 'string' ? `${which} log: ${outcome}` : outcome);
      }
    }

    // Verification: what Store.open replays with the snapshot the runs left, and without one.
    // The first opening loads lowdb into this process; it is not counted.
    await openStore(smallDir, small.events, true);
    const openings: StoreOpening[] = [
      await openStore(largeDir, large.events, true),
      await openStore(smallDir, small.events, true),
    ];
    renameSync(join(largeDir, SNAPSHOT_FILE), join(largeDir, `${SNAPSHOT_FILE}.set-aside`));
    openings.push(await openStore(largeDir, large.events, false));

    const eventsPerSecond = replays.map((r) => (r.events / r.ms) * 1000);
    const summaries = {
      ms: summarize(replays.map((r) => r.ms)),
      eventsPerSecond: summarize(eventsPerSecond),
      rssBeforeKiB: summarize(replays.map((r) => r.rssBeforeKiB)),
      peakRssKiB: summarize(replays.map((r) => r.peakRssKiB)),
    };
    const startupSummaries = {
      largeWallMs: startup.large.wallMs(),
      smallWallMs: startup.small.wallMs(),
      largePeakRssKiB: startup.large.peakRssKiB(),
      smallPeakRssKiB: startup.small.peakRssKiB(),
    };
    return {
      large,
      small,
      generateMs,
      replay: { runs: replays.length, ...summaries },
      startup: { rounds: options.startupRounds, ...startupSummaries, failures: [...startup.large.failures, ...startup.small.failures].slice(0, 3) },
      openings,
    };
  } finally {
    await server.close();
  }
}

/** Opens the directory's Store in this process (as a run does) and closes it again. */
async function openStore(directory: string, events: number, snapshot: boolean): Promise<StoreOpening> {
  const started = performance.now();
  const store = await Store.open({ directory, now: Date.now, lockWaitMs: 10_000 });
  const ms = performance.now() - started;
  const replayedEvents = store.replayedEvents;
  await store.close();
  return { events, snapshot, replayedEvents, ms };
}

export function renderEventLog(result: EventLogResult): string {
  const { replay, startup } = result;
  const growth = ratio(startup.largeWallMs, startup.smallWallMs);
  const withSnapshot = result.openings.filter((o) => o.snapshot);
  const snapshotHonoured = withSnapshot.length > 0 && withSnapshot.every((o) => o.replayedEvents === 0);
  const replayed = withSnapshot.map((o) => formatCount(o.replayedEvents)).join(' / ');
  const verdict = growth === undefined
    ? 'not measured (the runs failed, see below)'
    : !snapshotHonoured
      ? `**grows with the log** (${formatRatio(growth)}): Store.open replayed ${replayed} events despite a current snapshot`
      : growth <= GROWTH_TOLERANCE
        ? `does not grow with the log (long / short: ${formatRatio(growth)}), and Store.open replayed 0 events with the snapshot`
        : `was ${formatRatio(growth)} with the long log although Store.open replayed 0 events with the snapshot: compare the spreads (noise) before concluding`;
  return [
    '## 2. Event log',
    '',
    `A realistic log of cron runs every five minutes (mostly "same address, no update"; 4 % address changes with ` +
      `their update; failing and rejected detections; a server wait now and then): ${formatCount(result.large.events)} events ` +
      `(${formatCount(result.large.runs)} runs, ${formatBytes(result.large.bytes)}), written in ${formatMs(result.generateMs)}.`,
    '',
    `### Replay (EventLog.forEachFrom + fold from src/store/event-log.ts and src/state.ts, built, in a fresh process, ${replay.runs} run${replay.runs === 1 ? '' : 's'})`,
    '',
    markdownTable(['figure', 'median (spread)'], [
      ['time to replay the whole log', medianWithSpread(replay.ms, formatMs)],
      ['events per second', medianWithSpread(replay.eventsPerSecond, formatCount)],
      ['RSS before the replay (Node + modules)', medianWithRange(replay.rssBeforeKiB, formatKiB)],
      ['peak RSS of the process (VmHWM)', medianWithRange(replay.peakRssKiB, formatKiB)],
    ]),
    '',
    `### Start-up with a long log and a current snapshot (${startup.rounds} interleaved one-shot runs each, \`-a\` forced)`,
    '',
    markdownTable(['event log', 'one-shot wall time, median (p25–p75)', 'peak RSS, median (min–max)'], [
      [`${formatCount(result.large.events)} events (${formatBytes(result.large.bytes)}) + snapshot`, medianWithSpread(startup.largeWallMs, formatMs), medianWithRange(startup.largePeakRssKiB, formatKiB)],
      [`${formatCount(result.small.events)} events (${formatBytes(result.small.bytes)}) + snapshot`, medianWithSpread(startup.smallWallMs, formatMs), medianWithRange(startup.smallPeakRssKiB, formatKiB)],
    ]),
    '',
    `Start-up ${verdict}.`,
    '',
    'Store.open in this process, after those runs:',
    '',
    markdownTable(['log', 'snapshot', 'events replayed', 'Store.open time'], result.openings.map((o) => [
      `${formatCount(o.events)} events`,
      o.snapshot ? 'current' : 'removed (rebuilt from the log)',
      formatCount(o.replayedEvents),
      formatMs(o.ms),
    ])),
    ...(startup.failures.length > 0 ? ['', 'Failed runs (not timed):', '', ...startup.failures.map((f) => `- ${f}`)] : []),
  ].join('\n');
}
