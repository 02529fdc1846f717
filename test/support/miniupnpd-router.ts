// Debian's miniupnpd (package miniupnpd-nftables, with nftables) as a real Internet Gateway
// Device inside a test network namespace: its LAN side is the namespace's veth, its WAN side a
// second veth pair that exists only inside the namespace, so nothing it does leaves the test.
import { execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VethNamespace } from './network-namespace.js';

export const MINIUPNPD = '/usr/sbin/miniupnpd';
/** The WAN address the router reports; it lives only on an interface inside the namespace. */
export const ROUTER_WAN_ADDRESS = '45.67.89.12';

export function miniupnpdUnavailableReason(): string | undefined {
  if (!existsSync(MINIUPNPD)) return `${MINIUPNPD} is not installed (Debian: apt-get install miniupnpd-nftables nftables)`;
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'nft is not installed (Debian: apt-get install nftables); miniupnpd needs its chains';
  }
  return undefined;
}

// The chains miniupnpd-nftables fills in (as /etc/miniupnpd/nft_init.sh creates them).
const RULESET = `table inet filter {
  chain forward { type filter hook forward priority 0; policy drop; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
`;

export interface MiniupnpdRouter {
  readonly descriptionUrl: string;
  /** NAT-PMP gateway (port 5351). */
  readonly gateway: string;
  /** The namespace's nftables ruleset, where miniupnpd writes its forwards. */
  ruleset(): string;
  log(): string;
  stop(): Promise<void>;
}

export async function startMiniupnpd(namespace: VethNamespace): Promise<MiniupnpdRouter> {
  const directory = mkdtempSync(join(tmpdir(), 'ipcheck-miniupnpd-'));
  const inNamespace = (command: string, args: string[], input?: string): string =>
    execFileSync('ip', ['netns', 'exec', namespace.name, command, ...args], { encoding: 'utf8', input });
  inNamespace('ip', ['link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan1']);
  inNamespace('ip', ['addr', 'add', `${ROUTER_WAN_ADDRESS}/24`, 'dev', 'wan0']);
  inNamespace('ip', ['link', 'set', 'wan0', 'up']);
  inNamespace('ip', ['link', 'set', 'wan1', 'up']);
  inNamespace('nft', ['-f', '-'], RULESET);
  const lanInterface = inNamespace('ip', ['-o', '-4', 'addr', 'show', 'to', namespace.peerAddress]).split(/\s+/)[1] ?? '';
  const config = join(directory, 'miniupnpd.conf');
  writeFileSync(
    config,
    [
      'ext_ifname=wan0',
      `listening_ip=${lanInterface}`,
      'http_port=5000',
      'enable_natpmp=yes',
      'enable_upnp=yes',
      'secure_mode=no',
      'system_uptime=yes',
      'uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07a',
      'allow 1-65535 0.0.0.0/0 1-65535',
      '',
    ].join('\n'),
  );
  const child: ChildProcessWithoutNullStreams = namespace.spawn(MINIUPNPD, ['-d', '-f', config, '-P', join(directory, 'miniupnpd.pid')]);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`miniupnpd did not start:\n${output}`)), 10_000);
    const follow = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Listening for NAT-PMP')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', follow);
    child.stderr.on('data', follow);
    child.on('exit', (code) => reject(new Error(`miniupnpd exited with ${code}:\n${output}`)));
  });
  return {
    descriptionUrl: `http://${namespace.peerAddress}:5000/rootDesc.xml`,
    gateway: namespace.peerAddress,
    ruleset: () => inNamespace('nft', ['list', 'ruleset']),
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
