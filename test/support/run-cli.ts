// Runs the built CLI (dist/ipcheck.js, built by `npm test` before the tests) as a child
// process, as cron or ppp ip-up would, and collects what it printed.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/ipcheck.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`ipcheck ${args.join(' ')} did not finish in time`)); }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolvePromise({ status, stdout, stderr }); });
  });
}

/** Every file below a directory with its content, for secret scans. */
export function filesBelow(directory: string): { path: string; content: Buffer }[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [{ path, content: readFileSync(path) }];
  });
}
