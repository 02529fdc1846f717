// Runs the built CLI as a child process and measures it: how long it took and, when
// /usr/bin/time (Debian package "time") is installed, its peak resident memory. A command
// prefix (e.g. `ip netns exec NS`) or a shell wrapper (e.g. `ulimit -f 8;`) can be put in front.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './run-cli.js';

export interface TimedResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** Peak resident set size in KiB, when /usr/bin/time is available. */
  readonly peakRssKiB?: number;
}

export interface TimedOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Put in front of `node CLI …`, e.g. ['ip', 'netns', 'exec', 'ns1']. */
  readonly prefix?: readonly string[];
  /** Shell commands run before `exec node CLI …` in `sh -c`, e.g. 'ulimit -f 16'. */
  readonly shellSetup?: string;
  readonly measureMemory?: boolean;
  /** Killed (and the promise rejected) after this long; default 30 s. */
  readonly timeoutMs?: number;
}

export const TIME_COMMAND = '/usr/bin/time';

export function memoryMeasurable(): boolean {
  return existsSync(TIME_COMMAND);
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function runTimed(args: readonly string[], options: TimedOptions = {}): Promise<TimedResult> {
  const scratch = options.measureMemory && memoryMeasurable() ? mkdtempSync(join(tmpdir(), 'ipcheck-time-')) : undefined;
  let command = [process.execPath, CLI, ...args];
  if (options.shellSetup) command = ['sh', '-c', `${options.shellSetup}; exec ${command.map(quote).join(' ')}`];
  if (scratch) command = [TIME_COMMAND, '-q', '-f', '%M', '-o', join(scratch, 'rss'), ...command];
  command = [...(options.prefix ?? []), ...command];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), {
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ipcheck ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - started;
      let peakRssKiB: number | undefined;
      if (scratch) {
        // /usr/bin/time writes "Command exited with non-zero status N" before the figure.
        const figures = readFileSync(join(scratch, 'rss'), 'utf8').trim().split('\n');
        peakRssKiB = Number(figures.at(-1));
        rmSync(scratch, { recursive: true, force: true });
      }
      resolve({ status, signal, stdout, stderr, elapsedMs, ...(peakRssKiB !== undefined && Number.isFinite(peakRssKiB) ? { peakRssKiB } : {}) });
    });
  });
}
