// Benchmark 5: where the time of a one-shot run goes. The run is profiled with `node --cpu-prof`
// (finely sampled) and the samples are charged to loading or running, per package or ipcheck
// file; then each dependency the run loads is imported alone in a fresh Node, beside
// `node -e 0`, to give what it costs by itself in wall time and memory.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer } from './bench-server.js';
import { averageBreakdowns, breakDownProfile, phaseTotals, readCpuProfile, type ProfileBreakdown } from './cpu-profile.js';
import { childEnvironment, ipcheckOnce, nodeFloor, REPOSITORY } from './ipcheck-command.js';
import { runMeasured, type MemoryProbe, type ProcessMeasurement } from './measured-process.js';
import type { Invocation } from './peer-commands.js';
import { formatKiB, formatMs, markdownTable, medianWithSpread } from './report-format.js';
import { RunSamples } from './run-samples.js';
import { summarize, type Summary } from './statistics.js';
import { verifiedRun } from './verified-run.js';

export interface StartupProfileOptions {
  readonly workDir: string;
  /** Profiled runs, averaged. */
  readonly profiles: number;
  /** Interleaved rounds of "node -e 0, import A, import B, …". */
  readonly importRounds: number;
  readonly probe: MemoryProbe;
}

export interface DependencyImport {
  readonly name: string;
  readonly wallMs?: Summary;
  readonly peakRssKiB?: Summary;
}

export interface StartupProfileResult {
  readonly profile: ProfileBreakdown;
  readonly profiledRuns: number;
  readonly profiledWallMs?: Summary;
  readonly floorMs?: Summary;
  readonly floorRssKiB?: Summary;
  readonly dependencies: readonly DependencyImport[];
  /** The one-shot run, interleaved with the same run under `node --liftoff-only`. */
  readonly oneShotMs?: Summary;
  readonly liftoffOnlyMs?: Summary;
  readonly failures: readonly string[];
}

const SAMPLING_INTERVAL_US = 100;
const TOP_COSTS = 15;

function directDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {});
}

export async function benchStartupProfile(options: StartupProfileOptions): Promise<StartupProfileResult> {
  const host = 'profile.bench.example.org';
  const server = await startBenchServer([host]);
  const directory = join(options.workDir, 'profile');
  mkdirSync(directory, { recursive: true });
  const failures: string[] = [];
  try {
    // Round 0 creates ipcheck.dat (a first run resolves the hosts) and is not profiled.
    const breakdowns: ProfileBreakdown[] = [];
    const profiledWall: number[] = [];
    for (let run = 0; run <= options.profiles; run++) {
      const profileDir = join(options.workDir, `cpu-profile-${run}`);
      const address = `81.2.69.${200 + run}`;
      const plain = ipcheckOnce(server, directory, host, address);
      const profiled = run > 0;
      const invocation = profiled
        ? { command: plain.command, args: ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', String(SAMPLING_INTERVAL_US), ...plain.args] }
        : plain;
      const outcome = await verifiedRun(server, invocation, { host, address }, options.probe);
      if (typeof outcome === 'string') {
        failures.push(`profiled run ${run}: ${outcome}`);
        continue;
      }
      if (!profiled) continue;
      profiledWall.push(outcome.wallMs);
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) breakdowns.push(breakDownProfile(readCpuProfile(join(profileDir, file))));
    }
    const profile = averageBreakdowns(breakdowns);

    // Then, interleaved: node -e 0, each loaded dependency imported alone, and the one-shot run
    // with and without --liftoff-only (V8 then never optimizes WebAssembly in the background,
    // which tells how much of the exit wait is undici's WebAssembly HTTP parser).
    // The bundle hides package boundaries from the profiler: then every direct dependency the
    // one-shot path can load is timed alone (the lazily loaded ones are named as such below).
    const seen = directDependencies().filter((name) => profile.packages.includes(name));
    const loaded = seen.length > 0 ? seen : directDependencies();
    const floor = new RunSamples();
    const imports = new Map(loaded.map((name) => [name, new RunSamples()]));
    const exitTail = { plain: new RunSamples(), liftoffOnly: new RunSamples() };
    let runNumber = 0;
    const oneShot = (v8Flags: readonly string[]) => (): Promise<ProcessMeasurement | string> => {
      const address = `81.2.70.${(runNumber++ % 250) + 1}`;
      const plain = ipcheckOnce(server, directory, host, address);
      return verifiedRun(server, { command: plain.command, args: [...v8Flags, ...plain.args] }, { host, address }, options.probe);
    };
    const importAlone = (invocation: Invocation) => async (): Promise<ProcessMeasurement | string> => {
      const result = await runMeasured(invocation.command, invocation.args, options.probe, { cwd: REPOSITORY, env: childEnvironment() });
      return result.exitCode === 0 ? result : `exit status ${result.exitCode ?? result.signal}: ${result.stderr.trim().split('\n').slice(-1).join('')}`;
    };
    const contenders = [
      { label: 'node -e 0', samples: floor, run: importAlone(nodeFloor()) },
      ...loaded.map((name) => ({ label: `import ${name}`, samples: imports.get(name) as RunSamples, run: importAlone(importOnly(name)) })),
      { label: 'one-shot', samples: exitTail.plain, run: oneShot([]) },
      { label: 'one-shot --liftoff-only', samples: exitTail.liftoffOnly, run: oneShot(['--liftoff-only']) },
    ];
    for (let round = -1; round < options.importRounds; round++) {
      for (const { label, samples, run } of contenders) {
        const outcome = await run();
        if (round >= 0) samples.record(typeof outcome === 'string' ? `${label}: ${outcome}` : outcome);
      }
    }
    failures.push(...contenders.flatMap((c) => c.samples.failures));
    return {
      profile,
      profiledRuns: breakdowns.length,
      profiledWallMs: summarize(profiledWall),
      floorMs: floor.wallMs(),
      floorRssKiB: floor.peakRssKiB(),
      dependencies: loaded.map((name) => ({ name, wallMs: imports.get(name)?.wallMs(), peakRssKiB: imports.get(name)?.peakRssKiB() })),
      oneShotMs: exitTail.plain.wallMs(),
      liftoffOnlyMs: exitTail.liftoffOnly.wallMs(),
      failures: failures.slice(0, 3),
    };
  } finally {
    await server.close();
  }
}

/** A fresh Node that imports one package (resolved from the repository) and exits. */
function importOnly(name: string): Invocation {
  return { command: process.execPath, args: ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`] };
}

/** What the --liftoff-only comparison says about the wait at exit. */
function exitTailSentence(result: StartupProfileResult): string {
  if (!result.oneShotMs || !result.liftoffOnlyMs) return 'The --liftoff-only comparison was not measured (the runs failed).';
  return `The wait at exit, checked: the same one-shot run under \`node --liftoff-only\` (V8 then never optimizes WebAssembly ` +
    `in the background) took ${medianWithSpread(result.liftoffOnlyMs, formatMs)} against ${medianWithSpread(result.oneShotMs, formatMs)} ` +
    `without it, interleaved: ${formatMs(result.oneShotMs.median - result.liftoffOnlyMs.median)} of difference in the medians.`;
}

export function renderStartupProfile(result: StartupProfileResult, oneShot?: { ipcheckMs?: Summary; floorMs?: Summary }): string {
  const { profile } = result;
  const totals = phaseTotals(profile);
  const sampled = Object.values(totals).reduce((a, b) => a + b, 0);
  const share = (ms: number): string => (sampled > 0 ? `${((ms / sampled) * 100).toFixed(1)} %` : '–');
  const phaseLabel = { load: 'loading modules', run: 'running', idle: 'waiting', gc: 'garbage collection', other: 'V8 / native' } as const;
  const floor = result.floorMs?.median;
  const floorRss = result.floorRssKiB?.median;
  const added = oneShot?.ipcheckMs && oneShot.floorMs ? oneShot.ipcheckMs.median - oneShot.floorMs.median : undefined;
  return [
    '## 5. Where the one-shot time goes',
    '',
    added !== undefined
      ? `A one-shot run takes ${formatMs(oneShot?.ipcheckMs?.median ?? Number.NaN)} (median, section 1), of which ${formatMs(oneShot?.floorMs?.median ?? Number.NaN)} ` +
        `is Node's own start (\`node -e 0\`): ipcheck adds ${formatMs(added)}.`
      : 'The one-shot figures of section 1 are missing.',
    `${result.profiledRuns} run${result.profiledRuns === 1 ? '' : 's'} under \`node --cpu-prof --cpu-prof-interval ${SAMPLING_INTERVAL_US}\` ` +
      `(${medianWithSpread(result.profiledWallMs, formatMs)} wall with the profiler on; the profile starts after Node's bootstrap), averaged:`,
    '',
    markdownTable(['phase', 'sampled time', 'share'], (Object.keys(totals) as (keyof typeof totals)[])
      .filter((phase) => totals[phase] > 0)
      .map((phase) => [phaseLabel[phase], formatMs(totals[phase]), share(totals[phase])])),
    '',
    `Top costs (phase: owner; a sample is charged to the nearest package or ipcheck file on its stack):`,
    '',
    markdownTable(['#', 'phase', 'owner', 'sampled time', 'share'], profile.costs.slice(0, TOP_COSTS).map((cost, index) => [
      String(index + 1), phaseLabel[cost.phase], cost.owner, formatMs(cost.ms), share(cost.ms),
    ])),
    '',
    exitTailSentence(result),
    '',
    `Each dependency the run loads, imported alone in a fresh Node (\`node --input-type=module -e "await import('…')"\`), ` +
      `against \`node -e 0\` at ${formatMs(floor ?? Number.NaN)} and ${formatKiB(floorRss ?? Number.NaN)}:`,
    '',
    markdownTable(['dependency', 'wall time, median (p25–p75)', 'added to node -e 0', 'peak RSS', 'added RSS'], result.dependencies.map((d) => [
      d.name,
      medianWithSpread(d.wallMs, formatMs),
      d.wallMs && floor !== undefined ? formatMs(d.wallMs.median - floor) : '–',
      d.peakRssKiB ? formatKiB(d.peakRssKiB.median) : '–',
      d.peakRssKiB && floorRss !== undefined ? formatKiB(d.peakRssKiB.median - floorRss) : '–',
    ])),
    ...(result.failures.length > 0 ? ['', 'Failures:', '', ...result.failures.map((f) => `- ${f}`)] : []),
  ].join('\n');
}
