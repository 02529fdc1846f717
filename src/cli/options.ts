// The command line (after legacy normalization) parsed with yargs. No defaults are set here:
// build-config.ts merges the command line over the --config files and then applies defaults,
// so that the command line always wins and an option's absence can be told apart.
import yargs from 'yargs';

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

/** --config may be repeated (later files win), which yargs cannot do beside our other options. */
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
    } else {
      rest.push(arg);
    }
  }
  return { rest, files };
}

export function parseOptions(argv: readonly string[]): RawOptions {
  let failure: string | undefined;
  const { rest, files } = takeConfigFiles(argv);
  const parser = yargs(rest)
    .parserConfiguration({
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': false,
      'boolean-negation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
    })
    .help(false)
    .version(false)
    .strictOptions()
    .exitProcess(false)
    .fail((message) => { failure = message; });
  for (const name of FLAG_OPTIONS) parser.option(name, { type: 'boolean' });
  for (const name of VALUE_OPTIONS) parser.option(name, { type: 'string', requiresArg: true });
  const parsed = parser.parseSync() as unknown as RawOptions;
  if (failure) throw new OptionsError(`${failure.replace(/^Unknown arguments?: /, 'unknown option ')}; ipcheck --help lists the options`);
  for (const name of VALUE_OPTIONS) {
    if (Array.isArray(parsed[name])) throw new OptionsError(`--${name} was given more than once`);
  }
  parsed._ = (parsed._ ?? []).map(String);
  if (files.length > 0) parsed.config = files;
  return parsed;
}
