// Runs one command and measures its wall time and peak memory (maximum resident set size).
// Wall time is taken here with hrtime (GNU time's %e has a 10 ms resolution); peak memory
// comes from GNU time's %M (the kernel's rusage of the exited child), or, without the Debian
// package `time`, from polling VmHWM in /proc/<pid>/status, which can miss a late peak.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssKiB } from './proc-stat.js';

export type MemoryProbe =
  | { readonly kind: 'gnu-time'; readonly path: string }
  | { readonly kind: 'proc-polling' };

export interface ProcessMeasurement {
  readonly wallMs: number;
  /** Maximum resident set size; undefined when it could not be read. */
  readonly peakRssKiB: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (and reported as timed out) after this long; default 60 s. */
  readonly timeoutMs?: number;
}

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 2;

/** GNU time if it is installed and is GNU's (busybox time has no -f). */
export function findMemoryProbe(): MemoryProbe {
  const probe = spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? { kind: 'gnu-time', path: GNU_TIME } : { kind: 'proc-polling' };
}

export function describeMemoryProbe(probe: MemoryProbe): string {
  return probe.kind === 'gnu-time'
    ? `peak RSS from GNU time's %M (${probe.path}); wall time from process.hrtime around the spawn`
    : 'GNU time is not installed (Debian package `time`): peak RSS is the largest VmHWM seen while polling ' +
        `/proc/<pid>/status every ${POLL_MS} ms, a lower bound for very short runs; wall time from process.hrtime`;
}

export function runMeasured(command: string, args: readonly string[], probe: MemoryProbe, options: MeasureOptions = {}): Promise<ProcessMeasurement> {
  const scratch = probe.kind === 'gnu-time' ? mkdtempSync(join(tmpdir(), 'ipcheck-bench-time-')) : undefined;
  const timeFile = scratch ? join(scratch, 'time.txt') : undefined;
  const [file, argv] = probe.kind === 'gnu-time' && timeFile
    ? [probe.path, ['-f', '%M', '-o', timeFile, command, ...args]]
    : [command, [...args]];

  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let wallMs = 0;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let polledPeak: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const poller = probe.kind === 'proc-polling' && child.pid !== undefined
      ? setInterval(() => {
          const seen = peakRssKiB(child.pid as number);
          if (seen !== undefined) polledPeak = Math.max(polledPeak ?? 0, seen);
        }, POLL_MS)
      : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on('exit', () => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (poller) clearInterval(poller);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const peak = timeFile ? readGnuTimePeak(timeFile) : polledPeak;
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      resolve({ wallMs, peakRssKiB: peak, exitCode, signal, timedOut, stdout, stderr });
    });
  });
}

/** The last line is %M; a line before it ("Command exited with non-zero status 4") may precede. */
function readGnuTimePeak(path: string): number | undefined {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const value = Number(lines[lines.length - 1]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
