// A client started in continuous mode for a benchmark: its output is kept for the report,
// its first update is awaited, and it is stopped (SIGTERM, then SIGKILL) by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import type { BenchServer } from './bench-server.js';
import { childEnvironment } from './ipcheck-command.js';
import type { Invocation } from './peer-commands.js';

export interface RunningDaemon {
  readonly pid: number;
  /** What it printed so far (the last 8 KiB). */
  output(): string;
  /** Set once it has exited. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

const KEPT_OUTPUT = 8 * 1024;
const STOP_GRACE_MS = 3000;

export function spawnDaemon(invocation: Invocation): RunningDaemon {
  const child: ChildProcess = spawn(invocation.command, [...invocation.args], { env: childEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const closed = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  child.on('error', (error) => {
    output += `\n${error.message}`;
    exited ??= { code: null, signal: null };
  });
  return {
    pid: child.pid ?? -1,
    output: () => output,
    exit: () => exited,
    async stop() {
      if (exited || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await closed;
      clearTimeout(timer);
    },
  };
}

export type FirstUpdate = 'updated' | 'exited' | 'silent';

/** Waits for the daemon's first update of `host`, its exit, or the timeout, whichever is first. */
export async function awaitFirstUpdate(server: BenchServer, host: string, daemon: RunningDaemon, timeoutMs: number): Promise<FirstUpdate> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.updatesFor(host).length > 0) return 'updated';
    if (daemon.exit()) return 'exited';
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return 'silent';
}

export interface NoFirstUpdate {
  /** An ipcheck build without continuous mode, which answers that --daemon is not available. */
  readonly notAvailable: boolean;
  readonly message: string;
}

/** Why a daemon never sent its first update, for the report. */
export function whyNoFirstUpdate(name: string, start: Exclude<FirstUpdate, 'updated'>, daemon: RunningDaemon, timeoutMs: number): NoFirstUpdate {
  const said = lastLines(daemon.output());
  if (start === 'silent') return { notAvailable: false, message: `${name} sent no update within ${timeoutMs / 1000} s of starting: ${said}` };
  if (/not available/i.test(said)) return { notAvailable: true, message: `${name} --daemon is not available yet (it answered: ${said})` };
  return { notAvailable: false, message: `${name} exited before its first update: ${said}` };
}

export function lastLines(output: string, count = 3): string {
  return output.trim().split('\n').slice(-count).join(' / ');
}
