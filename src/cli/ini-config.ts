// --config FILE: the INI file of ipcheck.py (reference §3), section [ipcheck], with its opt_*
// keys and globals; our own options may be written there too, by their long names.
import { readFileSync, statSync } from 'node:fs';
import { printable } from '../address-ranges.js';

export class ConfigFileError extends Error {}

export interface IniValues {
  /** The [ipcheck] section. */
  readonly values: Record<string, string>;
  /** Each [account NAME] section: one provider account with its own state (a daemon serves all). */
  readonly accounts: { readonly name: string; readonly values: Record<string, string> }[];
  readonly warnings: string[];
}

/** ipcheck.py's keys → our long option names. */
const LEGACY_KEYS: Readonly<Record<string, string>> = {
  opt_address: 'address', opt_force: 'force', opt_checkdns: 'check-dns', opt_logging: 'logging', opt_syslog: 'syslog',
  opt_verbose: 'verbose', opt_hostnames: 'hostnames', opt_interface: 'interface', opt_username: 'username',
  opt_password: 'password', opt_static: 'static', opt_wildcard: 'wildcard', opt_backupmx: 'backmx', opt_mxhost: 'mxhost',
  opt_proxy: 'port-8245', opt_router: 'checkip', opt_guess: 'guess', opt_quiet: 'quiet', opt_offline: 'offline',
  opt_execute: 'execute', opt_directory: 'directory', opt_acctfile: 'acctfile', opt_custom: 'custom', opt_testrun: 'test',
  opt_makedat: 'makedat', opt_after_syslog: 'syslog-text', opt_firewall_log: 'firewall-log', opt_no_https: 'no-https',
  opt_https_only: 'https-only', opt_natuser: 'router-user', routerip: 'router-host', touchage: 'touch-days',
};

export function readIniConfig(path: string): IniValues {
  // The path is shown in messages as the user gave it, control characters made visible.
  const shown = printable(path, 200);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`cannot read the config file ${shown}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : printable((error as Error).message, 200)}`);
  }
  const warnings: string[] = [];
  const mode = statSync(path).mode;
  const values: Record<string, string> = {};
  const accounts: { name: string; values: Record<string, string> }[] = [];
  let target: Record<string, string> | undefined;
  let sawSection = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const section = (header[1] as string).trim();
      const account = /^account\s+([A-Za-z0-9_.-]+)$/i.exec(section);
      if (section.toLowerCase() === 'ipcheck') {
        target = values;
      } else if (account) {
        const name = account[1] as string;
        if (accounts.some((a) => a.name === name)) throw new ConfigFileError(`${shown} line ${index + 1}: [account ${name}] appears twice`);
        target = {};
        accounts.push({ name, values: target });
      } else {
        target = undefined;
      }
      sawSection ||= target !== undefined;
      return;
    }
    if (!target) return;
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!match) throw new ConfigFileError(`${shown} line ${index + 1}: expected "key = value"`);
    const key = (match[1] as string).trim().toLowerCase().replace(/\s+$/, '');
    const name = LEGACY_KEYS[key] ?? key.replace(/_/g, '-');
    target[name] = (match[2] as string).trim();
  });
  if (!sawSection) throw new ConfigFileError(`${shown} has no [ipcheck] section (nor any [account NAME] section)`);
  const holdsPassword = values.password !== undefined || accounts.some((a) => a.values.password !== undefined);
  if (holdsPassword && (mode & 0o077) !== 0) {
    warnings.push(`${shown} holds a password and can be read by other users; run chmod 600 ${shown}`);
  }
  return { values, accounts, warnings };
}
