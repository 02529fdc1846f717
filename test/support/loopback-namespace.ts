// A network namespace with nothing but its own loopback, and a resolv.conf of its own that
// points the system resolver at 127.0.0.1 inside it (`ip netns exec` mounts /etc/netns/NAME/*
// over /etc/*). Whatever a process run in it looks up or sends cannot leave the machine: there
// is no other interface. Needs root and iproute2 (namespaceUnavailableReason() says why not).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoopbackNamespace {
  readonly name: string;
  /** Put in front of a command to run it in the namespace. */
  readonly prefix: readonly string[];
  spawn(command: string, args: readonly string[]): ChildProcessWithoutNullStreams;
  remove(): void;
}

let counter = 0;

export function createLoopbackNamespace(): LoopbackNamespace {
  counter += 1;
  const name = `ipcheck-lo-${process.pid % 100000}-${counter}`;
  const etc = join('/etc/netns', name);
  let removed = false;
  const namespace: LoopbackNamespace = {
    name,
    prefix: ['ip', 'netns', 'exec', name],
    spawn: (command, args) => spawn('ip', ['netns', 'exec', name, command, ...args], { stdio: 'pipe' }),
    remove: () => {
      if (removed) return;
      removed = true;
      try { execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' }); } catch { /* already gone */ }
      rmSync(etc, { recursive: true, force: true });
    },
  };
  process.once('exit', namespace.remove);
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const links = execFileSync('ip', ['-n', name, '-o', 'link', 'show'], { encoding: 'utf8' });
    if (links.trim().split('\n').length !== 1) throw new Error(`the namespace ${name} has more than its loopback:\n${links}`);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  } catch (error) {
    namespace.remove();
    throw error;
  }
  return namespace;
}
