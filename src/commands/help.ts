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
  const { devicesHelp } = await import('../sources/router/devices-help.js');
  return `${devicesHelp()}
SNMP (the router's address table or one value):
         --snmp agent[:port],community,oid      walk the table under oid, e.g. ipAdEntAddr
                                                .1.3.6.1.2.1.4.20.1.1; the public address is used
         --snmpget agent[:port],community,oid   one value holding the address
`;
}
