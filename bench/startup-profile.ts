// Benchmark 5: where the time of a one-shot run goes. The run is profiled with `node --cpu-prof`
// (finely sampled) and the samples are charged to loading or running, per package or ipcheck
// file; then each dependency the run loads is imported alone in a fresh Node, beside
// `node -e 0`, to give what it costs by itself in wall time and memory.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer } from './bench-server.js';
import { averageBreakdowns, breakDownProfile, phaseTotals, readCpuProfile, type ProfileBreakdown } from './cpu-profile.js';
import { childEnvironment, ipcheckOnce, nodeFloor, REPOSITORY } from './ipcheck-command.js';
import { runMeasured, type MemoryProbe } from './measured-process.js';
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

    const loaded = directDependencies().filter((name) => profile.packages.includes(name));
    const floor = new RunSamples();
    const imports = new Map(loaded.map((name) => [name, new RunSamples()]));
    for (let round = -1; round < options.importRounds; round++) {
      const runs = [{ name: '', invocation: nodeFloor() }, ...loaded.map((name) => ({ name, invocation: importOnly(name) }))];
      for (const { name, invocation } of runs) {
        const result = await runMeasured(invocation.command, invocation.args, options.probe, { cwd: REPOSITORY, env: childEnvironment() });
        if (round < 0) continue;
        if (result.exitCode !== 0) {
          failures.push(`import ${name || 'node -e 0'}: exit status ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-1).join('')}`);
          continue;
        }
        (name === '' ? floor : imports.get(name))?.add(result);
      }
    }
    const floorMs = floor.wallMs();
    const floorRssKiB = floor.peakRssKiB();
    const profiledWallMs = summarize(profiledWall);
    return {
      profile,
      profiledRuns: breakdowns.length,
      ...(profiledWallMs && { profiledWallMs }),
      ...(floorMs && { floorMs }),
      ...(floorRssKiB && { floorRssKiB }),
      dependencies: loaded.map((name) => {
        const record = imports.get(name) as RunSamples;
        const wallMs = record.wallMs();
        const peakRssKiB = record.peakRssKiB();
        return { name, ...(wallMs && { wallMs }), ...(peakRssKiB && { peakRssKiB }) };
      }),
      failures: failures.slice(0, 3),
    };
  } finally {
    await server.close();
  }
}

/** A fresh Node that imports one package (resolved from the repository) and exits. */
function importOnly(name: string) {
  return { command: process.execPath, args: ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`] };
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
