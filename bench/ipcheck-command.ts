// ipcheck as users run it: the built CLI (dist/ipcheck.js) under this Node, pointed at the
// bench server. The bench measures the build; it says so when the build is missing or older
// than the sources instead of measuring something else.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchServer } from './bench-server.js';
import { BENCH_PASSWORD, BENCH_USER } from './bench-server.js';
import type { Invocation } from './peer-commands.js';

export const REPOSITORY = resolve(import.meta.dirname, '..');
export const CLI_ENTRY = join(REPOSITORY, 'dist', 'ipcheck.js');

/** Children get no NODE_OPTIONS of ours (a --import tsx would slow every start). */
export function childEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', ...extra };
}

export function ipcheckOnce(server: BenchServer, directory: string, host: string, address: string): Invocation {
  return {
    command: process.execPath,
    args: [CLI_ENTRY, '--server', server.url, '-j', '--dns-server', server.dns.address, '--min-interval', '0', '-f', '-d', directory, '-a', address, BENCH_USER, BENCH_PASSWORD, host],
  };
}

/** Continuous mode following a log file for pppd's line (-A TEXT --syslog-file FILE). */
export function ipcheckDaemon(server: BenchServer, directory: string, host: string, syslogFile: string, text: string): Invocation {
  return {
    command: process.execPath,
    args: [CLI_ENTRY, '--daemon', '-A', text, '--syslog-file', syslogFile, '--server', server.url, '-j', '--dns-server', server.dns.address, '--min-interval', '0', '-d', directory, BENCH_USER, BENCH_PASSWORD, host],
  };
}

/** The floor every Node program pays: start Node, run nothing, exit. */
export function nodeFloor(): Invocation {
  return { command: process.execPath, args: ['-e', '0'] };
}

/** Undefined when dist/ is present and newer than every file in src/; else what is wrong. */
export function buildProblem(): string | undefined {
  if (!existsSync(CLI_ENTRY)) return `${CLI_ENTRY} does not exist: run \`npm run build\` first`;
  const built = statSync(CLI_ENTRY).mtimeMs;
  const newest = newestModification(join(REPOSITORY, 'src'));
  return newest > built ? 'dist/ is older than src/: the figures are for the last build; run `npm run build` for current ones' : undefined;
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}
