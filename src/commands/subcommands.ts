// ipcheck demo | replay | status | clear.
import { resolve } from 'node:path';
import type { RawOptions } from '../cli/options.js';
import { ConfigError } from '../config.js';
import { EXIT } from '../exit-status.js';

export async function runSubcommand(name: string, raw: RawOptions): Promise<number> {
  const directory = resolve(typeof raw.directory === 'string' ? raw.directory : '.');
  const argument = raw._[1];
  switch (name) {
    case 'demo': return (await import('./demo.js')).runDemo();
    case 'replay': return (await import('./replay.js')).runReplay(directory, raw.json === true);
    case 'status': return (await import('./status.js')).runStatus(directory, raw.json === true);
    case 'clear': return (await import('./clear.js')).runClear(directory, argument);
    default: throw new ConfigError(`unknown command ${name}`);
  }
  void EXIT;
}
