// The peers we are compared with: ddclient (Perl) and inadyn (C), both from Debian's archive.
// The bench installs nothing: a missing peer is reported with the command that installs it,
// and the rest is measured without it.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type PeerName = 'ddclient' | 'inadyn';

export const PEER_NAMES: readonly PeerName[] = ['ddclient', 'inadyn'];

export const PEER_INSTALL_COMMAND = 'apt-get install ddclient inadyn';

export interface Peer {
  readonly name: PeerName;
  readonly path: string;
  readonly version: string;
}

export interface Peers {
  readonly ddclient?: Peer;
  readonly inadyn?: Peer;
}

/** Finds an executable; tests pass one that finds nothing, as on CI where neither is installed. */
export type ExecutableLocator = (name: string) => string | undefined;

// inadyn lives in /usr/sbin, which a non-root PATH often lacks.
const EXTRA_DIRECTORIES = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

export const findExecutable: ExecutableLocator = (name) => {
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRECTORIES];
  for (const directory of directories) {
    const path = join(directory, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
};

export function locatePeers(locate: ExecutableLocator = findExecutable): Peers {
  const found: { ddclient?: Peer; inadyn?: Peer } = {};
  for (const name of PEER_NAMES) {
    const path = locate(name);
    if (path !== undefined) found[name] = { name, path, version: peerVersion(name, path) };
  }
  return found;
}

export function missingPeers(peers: Peers): PeerName[] {
  return PEER_NAMES.filter((name) => peers[name] === undefined);
}

/** The sentence BENCHMARKS.md and the console show when a peer is not installed. */
export function missingPeersMessage(peers: Peers): string | undefined {
  const missing = missingPeers(peers);
  if (missing.length === 0) return undefined;
  return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed, so ${missing.length === 1 ? 'it was' : 'they were'} not measured: ` +
    `run \`${PEER_INSTALL_COMMAND}\` (Debian/Ubuntu) and run the bench again`;
}

function peerVersion(name: PeerName, path: string): string {
  if (name === 'inadyn') {
    const printed = tryRun(path, ['--version']);
    if (printed && /^\d+\.\d+/.test(printed)) return printed.split('\n')[0] as string;
  } else {
    // ddclient has no --version; the Perl script declares it near the top.
    try {
      const script = readFileSync(path, 'utf8').slice(0, 20_000);
      const match = /declare\('v?([\d.]+[^']*)'\)|\$version\s*=\s*"([\d.]+[^"]*)"/.exec(script);
      if (match) return (match[1] ?? match[2]) as string;
    } catch {
      // fall through to the package database
    }
  }
  return tryRun('dpkg-query', ['-W', '-f', '${Version}', name]) ?? 'unknown version';
}

function tryRun(command: string, args: readonly string[]): string | undefined {
  try {
    const output = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return output === '' ? undefined : output;
  } catch {
    return undefined;
  }
}
