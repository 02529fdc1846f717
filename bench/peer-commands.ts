// How ddclient 3.10 and inadyn 2.10 are told to do the job ipcheck does in the bench: update
// one host to a given address over plain HTTP at the loopback NIC v2 server. Each writes its
// configuration file (0600: it holds the password) and returns the command line to run.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Peer } from './peers.js';

export interface UpdateTarget {
  /** 127.0.0.1:PORT of the loopback NIC v2 server. */
  readonly server: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
}

export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
}

/** ddclient with the address given (usev4=ipv4, the 3.10 name of use=ip), dyndns2, no TLS. */
function writeDdclientConfig(directory: string, target: UpdateTarget, address: string): string {
  const path = join(directory, 'ddclient.conf');
  const text = [
    '# written by ipcheck bench/peer-commands.ts',
    'syslog=no',
    'ssl=no',
    'protocol=dyndns2',
    `server=${target.server}`,
    // use=no silences the deprecated default (use=ip), which would warn that it found nothing.
    `use=no, usev4=ipv4, ipv4=${address}`,
    `login=${target.username}`,
    `password=${target.password}`,
    target.host,
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export function ddclientOnce(peer: Peer, directory: string, target: UpdateTarget, address: string): Invocation {
  const config = writeDdclientConfig(directory, target, address);
  return { command: peer.path, args: ['-daemon=0', '-foreground', '-force', '-file', config, '-cache', join(directory, 'ddclient.cache')] };
}

export function ddclientDaemon(peer: Peer, directory: string, target: UpdateTarget, address: string, periodSeconds: number): Invocation {
  const config = writeDdclientConfig(directory, target, address);
  return { command: peer.path, args: [`-daemon=${periodSeconds}`, '-foreground', '-file', config, '-cache', join(directory, 'ddclient.cache')] };
}

/**
 * inadyn with a `custom` provider (its dyndns2 plugin has no port setting) and the address from
 * a checkip command, since inadyn has no option to give one. Its cache file is seeded: without
 * one, inadyn asks the system resolver for the host name, and the bench sends nothing beyond
 * loopback.
 */
function writeInadynConfig(directory: string, target: UpdateTarget, address: string, periodSeconds: number): { config: string; cacheDirectory: string } {
  const config = join(directory, 'inadyn.conf');
  const cacheDirectory = join(directory, 'cache');
  mkdirSync(cacheDirectory, { recursive: true });
  const cacheFile = join(cacheDirectory, `${target.host}.cache`);
  if (!existsSync(cacheFile)) writeFileSync(cacheFile, '0.0.0.0', { mode: 0o600 });
  const text = [
    '# written by ipcheck bench/peer-commands.ts',
    `period = ${periodSeconds}`,
    'custom bench {',
    '    ssl = false',
    `    username = "${target.username}"`,
    `    password = "${target.password}"`,
    `    ddns-server = "${target.server}"`,
    '    ddns-path = "/nic/update?hostname=%h&myip=%i"',
    `    checkip-command = "/bin/echo ${address}"`,
    `    hostname = "${target.host}"`,
    '}',
    '',
  ].join('\n');
  writeFileSync(config, text, { mode: 0o600 });
  return { config, cacheDirectory };
}

// --foreground keeps the measured process the one that does the work; no pid file in /run.
export function inadynOnce(peer: Peer, directory: string, target: UpdateTarget, address: string): Invocation {
  const { config, cacheDirectory } = writeInadynConfig(directory, target, address, 120);
  return { command: peer.path, args: ['--once', '--force', '--foreground', '--no-pidfile', '-f', config, '--cache-dir', cacheDirectory] };
}

export function inadynDaemon(peer: Peer, directory: string, target: UpdateTarget, address: string, periodSeconds: number): Invocation {
  const { config, cacheDirectory } = writeInadynConfig(directory, target, address, periodSeconds);
  return { command: peer.path, args: ['--foreground', '--no-pidfile', '-f', config, '--cache-dir', cacheDirectory] };
}
