// -h, --help, --devices and --version.
import type { RawOptions } from '../cli/options.js';
import { OPTIONS, USAGE } from '../cli/help-text.js';
import { EXIT } from '../exit-status.js';
import { VERSION } from '../version.js';

export async function printHelp(raw: RawOptions): Promise<number> {
  if (raw.version) process.stdout.write(`ipcheck ${VERSION}\n`);
  else if (raw.devices) process.stdout.write(await devicesText());
  else if (raw['options-help']) process.stdout.write(OPTIONS);
  else process.stdout.write(`${USAGE}\n${OPTIONS}\n${await devicesText()}`);
  return EXIT.ok;
}

async function devicesText(): Promise<string> {
  try {
    const module = (await import('../sources/router/devices-help.js')) as Record<string, unknown>;
    const text = Object.values(module).find((v) => typeof v === 'string' || typeof v === 'function');
    return typeof text === 'function' ? String((text as () => string)()) : String(text ?? '');
  } catch {
    return 'Router device options: not available in this version yet.\n';
  }
}
