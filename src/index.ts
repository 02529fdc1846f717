#!/usr/bin/env node
// Entry: parse the command line, build the config, run; nothing else.
import { ArgvError, normalizeLegacyArgv } from './cli/legacy-argv.js';
import { OptionsError, parseOptions } from './cli/options.js';
import { ConfigError } from './config.js';
import { EXIT } from './exit-status.js';
import { LockHeldError } from './store/lock-file.js';

const SUBCOMMANDS = new Set(['demo', 'replay', 'status', 'clear']);

async function main(argv: string[]): Promise<number> {
  process.title = 'ipcheck';
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
  const { buildConfigs } = await import('./cli/build-config.js');
  const configs = buildConfigs(raw, normalized.devices);
  if (configs.some((config) => config.daemon)) {
    const { runDaemon } = await import('./commands/run-daemon.js');
    return runDaemon(configs, () => buildConfigs(parseOptions(normalized.argv), normalized.devices));
  }
  const { runOnce } = await import('./commands/run-once.js');
  // Several accounts: each in turn; the worst status wins.
  let status: number = EXIT.ok;
  for (const config of configs) status = Math.max(status, await runOnce(config));
  return status;
}

function isUserError(error: unknown): boolean {
  return error instanceof ArgvError || error instanceof OptionsError || error instanceof ConfigError || error instanceof LockHeldError ||
    ['ConfigFileError', 'AccountFileError'].includes((error as Error)?.constructor?.name ?? '');
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error: unknown) => {
    if (isUserError(error)) {
      process.stderr.write(`ipcheck: ${(error as Error).message}\n`);
      process.exitCode = EXIT.badInput;
    } else {
      const code = (error as NodeJS.ErrnoException)?.code;
      const hint = code === 'EACCES' || code === 'EROFS' ? ' (check that the data directory -d is writable)' : code === 'ENOSPC' ? ' (the disk is full)' : '';
      process.stderr.write(`ipcheck: ${(error as Error)?.message ?? String(error)}${hint}\n`);
      process.exitCode = EXIT.updateFailed;
    }
  },
);
