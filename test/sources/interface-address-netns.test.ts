// The interface source against a real interface: a veth pair created inside a network namespace
// of its own (both ends inside, so nothing touches the host's network), watched by a process
// running in that namespace while the test changes the address and removes the interface.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SourceEvent } from '../../src/sources/source.js';
import { namespaceUnavailableReason } from '../support/network-namespace.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('../support/interface-watch-main.ts', import.meta.url));
const tag = String(process.pid % 100000);
const namespace = `ipcheck-if-${tag}`;
const wan = `ipw${tag}`;
const peer = `ipx${tag}`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inNamespace = (...args: string[]) => ip('-n', namespace, ...args);

function addLink(): void {
  inNamespace('link', 'add', wan, 'type', 'veth', 'peer', 'name', peer);
  // os.networkInterfaces() lists only interfaces that are up and running: both ends up.
  inNamespace('link', 'set', wan, 'up');
  inNamespace('link', 'set', peer, 'up');
}

after(() => {
  try {
    ip('netns', 'delete', namespace); // also deletes the veth pair
  } catch {
    // never created (skipped) or already gone
  }
});

test('watch() sees a real interface change address, vanish and come back', { skip: namespaceUnavailableReason() }, async () => {
  ip('netns', 'add', namespace);
  inNamespace('link', 'set', 'lo', 'up');
  addLink();
  // 20.0.0.0/8 is ordinary global unicast, so it passes without --allow-private; it exists only in the namespace.
  inNamespace('addr', 'add', '20.0.0.1/24', 'dev', wan);

  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '--import', 'tsx', script, wan, '0'], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const events: SourceEvent[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as SourceEvent);
    waiters.forEach((w) => w());
  });
  const waitFor = (what: string, predicate: (e: SourceEvent) => boolean) =>
    new Promise<SourceEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}; stderr: ${stderr}`));
      }, 8000);
      const check = () => {
        const found = events.find(predicate);
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  const observedAddress = (address: string) => (e: SourceEvent) => e.type === 'CandidateObserved' && e.address === address;

  try {
    await waitFor('the first address', observedAddress('20.0.0.1'));

    // A new address in another subnet, then the old one removed: the new one is chosen.
    inNamespace('addr', 'add', '20.0.1.1/24', 'dev', wan);
    inNamespace('addr', 'del', '20.0.0.1/24', 'dev', wan);
    await waitFor('the changed address', observedAddress('20.0.1.1'));

    // The interface goes away (PPP hang-up) ...
    inNamespace('link', 'del', wan);
    const gone = await waitFor('the interface to be reported gone', (e) => e.type === 'SourceFailed');
    assert.match(gone.type === 'SourceFailed' ? gone.reason : '', new RegExp(`no interface named ${wan}; interfaces here: lo`));

    // ... and comes back with a new address.
    addLink();
    inNamespace('addr', 'add', '20.0.2.1/24', 'dev', wan);
    await waitFor('the address after the interface came back', observedAddress('20.0.2.1'));

    // While the link is being set up again it may be reported as down, then as without an
    // address: each is a different outcome, so each is told, and only failures come between.
    const outline = events.map((e) => (e.type === 'CandidateObserved' ? e.address : e.type));
    assert.deepEqual(outline.slice(0, 3), ['20.0.0.1', '20.0.1.1', 'SourceFailed'], JSON.stringify(events));
    assert.deepEqual(outline.slice(-1), ['20.0.2.1']);
    assert.ok(outline.slice(3, -1).every((kind) => kind === 'SourceFailed'), JSON.stringify(events));
  } finally {
    child.stdin.end();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
