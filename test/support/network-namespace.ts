// A network namespace joined to this one by a veth pair, so a test can talk to a "router" at a
// real non-loopback address without any packet reaching a real network. Needs root (CAP_NET_ADMIN)
// and iproute2; namespaceUnavailableReason() says why not when they are missing.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface VethNamespace {
  readonly name: string;
  readonly hostInterface: string;
  /** This side of the veth pair (plays the LAN machine). */
  readonly hostAddress: string;
  /** The namespace's side (plays the router). */
  readonly peerAddress: string;
  /** Runs a command inside the namespace. */
  spawn(command: string, args: readonly string[]): ChildProcessWithoutNullStreams;
  remove(): void;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let probed: string | undefined | null = null;

export function namespaceUnavailableReason(): string | undefined {
  if (probed !== null) return probed;
  if (process.getuid?.() !== 0) {
    probed = 'network namespaces need root (ip netns add); running as an unprivileged user';
    return probed;
  }
  const name = `ipcheck-probe-${process.pid}`;
  try {
    ip(['netns', 'add', name]);
    ip(['netns', 'delete', name]);
    probed = undefined;
  } catch (error) {
    probed = `ip netns add failed (${(error as Error).message.split('\n')[0]}); no network namespaces in this sandbox`;
  }
  return probed;
}

const live = new Set<VethNamespace>();
process.on('exit', () => live.forEach((ns) => ns.remove()));
let counter = 0;

/** Picks a /30 in 10.253.0.0/16 that no route on this machine already covers. */
function freeSubnet(): number {
  const routes = ip(['-4', 'route', 'show', 'table', 'all']);
  // Random, so two test files running at once rarely pick the same; the route check below
  // catches the rare clash before any packet is sent.
  const start = Math.floor(Math.random() * 256);
  for (let attempt = 0; attempt < 50; attempt++) {
    const third = (start + attempt * 13) % 256;
    if (!routes.includes(`10.253.${third}.`)) return third;
  }
  throw new Error('no free test subnet in 10.253.0.0/16');
}

export function createVethNamespace(): VethNamespace {
  counter += 1;
  const tag = `${process.pid % 100000}${counter}`;
  const name = `ipcheck-test-${tag}`;
  const hostInterface = `ipch${tag}`.slice(0, 15);
  const peerInterface = `ipcn${tag}`.slice(0, 15);
  const third = freeSubnet();
  const hostAddress = `10.253.${third}.1`;
  const peerAddress = `10.253.${third}.2`;
  let removed = false;
  const namespace: VethNamespace = {
    name,
    hostInterface,
    hostAddress,
    peerAddress,
    spawn: (command, args) => spawn('ip', ['netns', 'exec', name, command, ...args], { stdio: 'pipe' }),
    remove: () => {
      if (removed) return;
      removed = true;
      live.delete(namespace);
      for (const args of [['link', 'delete', hostInterface], ['netns', 'delete', name]]) {
        try {
          ip(args);
        } catch {
          // already gone (deleting the namespace also deletes the veth pair)
        }
      }
    },
  };
  live.add(namespace);
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', peerInterface]);
    ip(['link', 'set', peerInterface, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostInterface]);
    ip(['link', 'set', hostInterface, 'up']);
    ip(['-n', name, 'addr', 'add', `${peerAddress}/30`, 'dev', peerInterface]);
    ip(['-n', name, 'link', 'set', peerInterface, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    // Never let a test packet leave by the default route: the peer must be reached via the veth.
    const route = ip(['route', 'get', peerAddress]);
    if (!route.includes(`dev ${hostInterface}`)) throw new Error(`${peerAddress} is not routed via ${hostInterface}: ${route.trim()}`);
  } catch (error) {
    namespace.remove();
    throw error;
  }
  return namespace;
}
