// `npm run bench [-- --quick] [--output PATH]`: every benchmark, side by side with ddclient and inadyn where
// they are installed, then BENCHMARKS.md in the repository root. Installs nothing. The full
// run takes under 10 minutes on 2 cores; --quick is a smoke run of well under a minute.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../src/version.js';
import { benchDaemonIdle, renderDaemonIdle } from './daemon-idle.js';
import { benchDaemonLatency, renderDaemonLatency } from './daemon-latency.js';
import { benchEventLog, renderEventLog } from './event-log.js';
import { buildProblem, REPOSITORY } from './ipcheck-command.js';
import { logScanNotMeasured, renderLogScan } from './log-scan-report.js';
import { describeMachine } from './machine.js';
import { describeMemoryProbe, findMemoryProbe, type MemoryProbe } from './measured-process.js';
import { benchOneShot, renderOneShot, type OneShotResult } from './one-shot.js';
import { locatePeers, missingPeersMessage, type Peers } from './peers.js';
import { renderReport } from './report.js';
import { formatMs } from './report-format.js';
import { benchStartupProfile, renderStartupProfile } from './startup-profile.js';

export interface BenchSizes {
  readonly oneShotRounds: number;
  readonly largeLogEvents: number;
  readonly smallLogEvents: number;
  readonly replays: number;
  readonly startupRounds: number;
  readonly logScanBytes: number;
  readonly logScanRuns: number;
  readonly latencyChanges: number;
  readonly idleMs: number;
  readonly profiles: number;
  readonly importRounds: number;
}

export const FULL_SIZES: BenchSizes = {
  oneShotRounds: 30,
  largeLogEvents: 1_000_000,
  smallLogEvents: 1_000,
  replays: 3,
  startupRounds: 10,
  logScanBytes: 1024 ** 3,
  logScanRuns: 5,
  latencyChanges: 100,
  idleMs: 180_000,
  profiles: 3,
  importRounds: 5,
};

export const QUICK_SIZES: BenchSizes = {
  oneShotRounds: 3,
  largeLogEvents: 20_000,
  smallLogEvents: 1_000,
  replays: 1,
  startupRounds: 2,
  logScanBytes: 10 * 1024 ** 2,
  logScanRuns: 3,
  latencyChanges: 10,
  idleMs: 10_000,
  profiles: 1,
  importRounds: 1,
};

export interface BenchContext {
  readonly sizes: BenchSizes;
  readonly workDir: string;
  readonly peers: Peers;
  readonly probe: MemoryProbe;
  /** Progress lines (stderr in `npm run bench`). */
  readonly progress: (line: string) => void;
}

/** A benchmark that throws does not take the others down: its section says what went wrong. */
async function section(title: string, context: BenchContext, render: () => Promise<string>): Promise<string> {
  const started = performance.now();
  context.progress(`${title}…`);
  try {
    const text = await render();
    context.progress(`${title}: done in ${formatMs(performance.now() - started)}`);
    return text;
  } catch (error) {
    context.progress(`${title}: FAILED: ${(error as Error).stack ?? String(error)}`);
    return `## ${title}\n\n**The benchmark failed**: ${(error as Error).message}`;
  }
}

// Section 3 is written by another hand: bench/log-scan.ts exporting
// benchLogScan({ sizeBytes, workDir }), one measurement per call. This hook calls it when the
// file is there and says so when it is not; log-scan-report.ts tabulates what it returns.
const LOG_SCAN_MODULE = join(import.meta.dirname, 'log-scan.ts');

export async function runLogScanIfPresent(sizeBytes: number, workDir: string, runs: number): Promise<string> {
  if (!existsSync(LOG_SCAN_MODULE)) return logScanNotMeasured(sizeBytes, 'bench/log-scan.ts (`benchLogScan({ sizeBytes, workDir })`) is not written yet');
  const loaded = (await import(pathToFileURL(LOG_SCAN_MODULE).href)) as { benchLogScan?: (options: { sizeBytes: number; workDir: string }) => Promise<unknown> };
  if (typeof loaded.benchLogScan !== 'function') return logScanNotMeasured(sizeBytes, 'bench/log-scan.ts does not export benchLogScan');
  const results: unknown[] = [];
  for (let run = 0; run < runs; run++) results.push(await loaded.benchLogScan({ sizeBytes, workDir }));
  return renderLogScan(sizeBytes, results);
}

export async function runAllBenchmarks(context: BenchContext): Promise<string[]> {
  const { sizes, workDir, peers, probe } = context;
  let oneShot: OneShotResult | undefined;
  const sections: string[] = [];
  sections.push(await section('1. One-shot update', context, async () => {
    oneShot = await benchOneShot({ rounds: sizes.oneShotRounds, workDir: join(workDir, 'one-shot'), peers, probe });
    return renderOneShot(oneShot);
  }));
  sections.push(await section('2. Event log', context, async () => renderEventLog(await benchEventLog({
    workDir: join(workDir, 'event-log'),
    largeEvents: sizes.largeLogEvents,
    smallEvents: sizes.smallLogEvents,
    replays: sizes.replays,
    startupRounds: sizes.startupRounds,
    probe,
  }))));
  sections.push(await section('3. Log scan', context, () => runLogScanIfPresent(sizes.logScanBytes, join(workDir, 'log-scan'), sizes.logScanRuns)));
  sections.push(await section('4. Continuous mode', context, async () => {
    const latency = await benchDaemonLatency({ workDir: join(workDir, 'daemon'), changes: sizes.latencyChanges });
    const idle = await benchDaemonIdle({ workDir: join(workDir, 'daemon'), durationMs: sizes.idleMs, peers });
    return ['## 4. Continuous mode', '', renderDaemonLatency(latency), '', renderDaemonIdle(idle)].join('\n');
  }));
  sections.push(await section('5. Start-up profile', context, async () => {
    const profile = await benchStartupProfile({ workDir: join(workDir, 'profile'), profiles: sizes.profiles, importRounds: sizes.importRounds, probe });
    const ipcheck = oneShot?.clients.find((c) => c.name === 'ipcheck');
    const floor = oneShot?.clients.find((c) => c.name === 'node -e 0');
    return renderStartupProfile(profile, { ipcheckMs: ipcheck?.wallMs, floorMs: floor?.wallMs });
  }));
  // The before/after of the start-up work is history, kept by hand beside the harness.
  sections.push(readFileSync(join(REPOSITORY, 'bench', 'startup-history.md'), 'utf8').trim());
  return sections;
}

/** `--output PATH` writes the report elsewhere (a smoke run need not replace the real one). */
function outputPath(argv: readonly string[]): string {
  const at = argv.indexOf('--output');
  const given = at >= 0 ? argv[at + 1] : undefined;
  return given ? resolve(given) : join(REPOSITORY, 'BENCHMARKS.md');
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const started = performance.now();
  const progress = (line: string): void => void process.stderr.write(`[bench ${formatMs(performance.now() - started)}] ${line}\n`);
  const peers = locatePeers();
  const missing = missingPeersMessage(peers);
  if (missing) progress(missing);
  const problem = buildProblem();
  if (problem) progress(problem);
  const probe = findMemoryProbe();
  if (probe.kind !== 'gnu-time') progress(describeMemoryProbe(probe));
  const machine = describeMachine();
  const workDir = mkdtempSync(join(tmpdir(), 'ipcheck-bench-'));
  try {
    const sections = await runAllBenchmarks({ sizes: quick ? QUICK_SIZES : FULL_SIZES, workDir, peers, probe, progress });
    const report = renderReport({
      machine,
      quick,
      ipcheckVersion: VERSION,
      peers,
      memoryProbe: describeMemoryProbe(probe),
      buildProblem: problem,
      sections,
      elapsedMs: performance.now() - started,
      loadAtEnd: loadavg(),
    });
    const output = outputPath(argv);
    writeFileSync(output, report);
    progress(`wrote ${output}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
