#!/usr/bin/env node
// Entry: parse the command line, build the config, run; nothing else.
import './hide-arguments.js';
// The one-shot path is loaded with the entry; subcommands, help and the daemon when asked for.
import { buildConfigs } from './cli/build-config.js';
import { ArgvError, normalizeLegacyArgv } from './cli/legacy-argv.js';
import { OptionsError, parseOptions } from './cli/options.js';
import { runOnce } from './commands/run-once.js';
import { ConfigError } from './config.js';
import { EXIT } from './exit-status.js';
import { LockHeldError } from './store/lock-file.js';

const SUBCOMMANDS = new Set(['demo', 'replay', 'status', 'clear']);

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    const { USAGE } = await import('./cli/help-text.js');
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const normalized = normalizeLegacyArgv(argv);
  const raw = parseOptions(normalized.argv);
  const [first] = raw._;
  if (first !== undefined && SUBCOMMANDS.has(first) && raw._.length < 3) {
    const { runSubcommand } = await import('./commands/subcommands.js');
    return runSubcommand(first, raw);
  }
  if (raw.help || raw['options-help'] || raw.devices || raw.version) {
    const { printHelp } = await import('./commands/help.js');
    return printHelp(raw);
  }
  const configs = buildConfigs(raw, normalized.devices);
  if (configs.some((config) => config.daemon)) {
    const { runDaemon } = await import('./commands/run-daemon.js');
    return runDaemon(configs, () => buildConfigs(parseOptions(normalized.argv), normalized.devices));
  }
  // Several accounts: each in turn; the worst status wins.
  let status: number = EXIT.ok;
  for (const config of configs) status = Math.max(status, await runOnce(config));
  return status;
}

function isUserError(error: unknown): boolean {
  return error instanceof ArgvError || error instanceof OptionsError || error instanceof ConfigError || error instanceof LockHeldError ||
    ['ConfigFileError', 'AccountFileError'].includes((error as Error)?.constructor?.name ?? '');
}

/**
 * Exits once the output is written. Everything that must last is already synced to disk, and
 * waiting for the event loop to drain would only wait for idle keep-alive sockets and V8's
 * background compilation of undici's HTTP parser (about 100 ms of a one-shot run).
 */
function exitWhenFlushed(status: number): void {
  process.exitCode = status;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
}

main(process.argv.slice(2)).then(
  exitWhenFlushed,
  async (error: unknown) => {
    if (isUserError(error)) {
      process.stderr.write(`ipcheck: ${(error as Error).message}\n`);
      exitWhenFlushed(EXIT.badInput);
    } else {
      // A data directory that is full, read-only or not ours: say which file, why, and the fix.
      const { storageFailure } = await import('./store/storage-error.js');
      const storage = storageFailure(error);
      process.stderr.write(`ipcheck: ${storage?.message ?? (error as Error)?.message ?? String(error)}\n`);
      exitWhenFlushed(storage?.status ?? EXIT.updateFailed);
    }
  },
);
