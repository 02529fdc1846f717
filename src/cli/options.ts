// The command line (after legacy normalization) parsed with yargs-parser: the parser of yargs
// without the rest of it (its help and command handling, unused here, cost ~90 ms at every
// start). No defaults are set here: build-config.ts merges the command line over the --config files and then applies defaults,
// so that the command line always wins and an option's absence can be told apart.
import yargsParser from 'yargs-parser';
import { printable } from '../address-ranges.js';

export const FLAG_OPTIONS = [
  'backmx', 'custom', 'force', 'guess', 'options-help', 'no-https', 'logging', 'offline', 'port-8245', 'quiet',
  'static', 'test', 'verbose', 'wildcard', 'check-dns', 'makedat', 'syslog', 'help', 'devices', 'allow-private',
  'daemon', 'json', 'pfile', 'version', 'forward-remove-on-exit', 'ipv4', 'ipv6',
] as const;

export const VALUE_OPTIONS = [
  'address', 'directory', 'execute', 'interface', 'mxhost', 'router-host', 'checkip', 'syslog-text', 'firewall-log',
  'router-user', 'acctfile', 'snmp', 'snmpget', 'forward', 'https-only', 'server', 'touch-days', 'min-interval',
  'dns-server', 'timeout', 'script-timeout', 'ca', 'ipv6-param', 'syslog-file', 'firewall-pattern', 'upnp', 'natpmp',
  'interval', 'sources', 'checkip6', 'username', 'password', 'hostnames', 'ipv6-suffix', 'snmp-community',
] as const;

export type RawOptions = Record<string, string | boolean | string[] | undefined> & { _: string[] };

export class OptionsError extends Error {}

/**
 * --config may be repeated (later files win), which yargs-parser cannot do beside our other
 * options; --upnp and --natpmp may come without their value.
 */
function takeConfigFiles(argv: readonly string[]): { rest: string[]; files: string[] } {
  const rest: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') { rest.push(...argv.slice(i)); break; }
    if (arg === '--config') {
      const file = argv[++i];
      if (file === undefined) throw new OptionsError('--config needs a file name');
      files.push(file);
    } else if (arg.startsWith('--config=')) {
      files.push(arg.slice('--config='.length));
    } else if ((arg === '--upnp' && !/^https?:\/\//i.test(argv[i + 1] ?? '')) || arg === '--natpmp') {
      // Alone, they take no value (the next word is an operand): --natpmp=GATEWAY gives one.
      rest.push(`${arg}=`);
    } else {
      rest.push(arg);
    }
  }
  return { rest, files };
}

const KNOWN = new Set<string>([...FLAG_OPTIONS, ...VALUE_OPTIONS]);
/** Options whose value may be left out: `--upnp` alone discovers the device, `--natpmp` alone asks the default gateway. */
const OPTIONAL_VALUE = new Set<string>(['upnp', 'natpmp']);

export function parseOptions(argv: readonly string[]): RawOptions {
  const { rest, files } = takeConfigFiles(argv);
  const { argv: parsed, error } = yargsParser.detailed(rest, {
    boolean: [...FLAG_OPTIONS],
    string: [...VALUE_OPTIONS],
    configuration: {
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': true,
      'boolean-negation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'short-option-groups': false,
    },
  });
  if (error) throw new OptionsError(`the command line cannot be read (${printable(error.message, 200)}); ipcheck --help lists the options`);
  const raw = parsed as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key === '_' || key === '--') continue;
    if (!KNOWN.has(key)) throw new OptionsError(`unknown option ${key.length === 1 ? '-' : '--'}${printable(key, 60)}; ipcheck --help lists the options`);
  }
  for (const name of VALUE_OPTIONS) {
    const value = raw[name];
    if (Array.isArray(value)) throw new OptionsError(`--${name} was given more than once`);
    if (value === '' && !OPTIONAL_VALUE.has(name)) throw new OptionsError(`--${name} needs a value`);
  }
  for (const name of FLAG_OPTIONS) {
    // A flag given twice is still the flag.
    if (Array.isArray(raw[name])) raw[name] = (raw[name] as unknown[]).some(Boolean);
  }
  if (!Array.isArray(raw._ ?? [])) throw new OptionsError('unknown option --_; ipcheck --help lists the options');
  const operands = [...((raw._ as unknown[] | undefined) ?? []), ...((raw['--'] as unknown[] | undefined) ?? [])].map(String);
  delete raw['--'];
  const result = { ...raw, _: operands } as RawOptions;
  if (files.length > 0) result.config = files;
  return result;
}
