// Starts the NAT-PMP responder as a child process inside a network namespace, listening on the
// namespace's veth address at the real NAT-PMP port 5351, and follows what it reports.
import { fileURLToPath } from 'node:url';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { VethNamespace } from './network-namespace.js';
import type { GatewayMapping, NatPmpResponderOptions, ReceivedRequest } from './nat-pmp-responder.js';

export interface NamespacedNatPmp {
  /** "address:5351" inside the namespace. */
  readonly gateway: string;
  /** The responder's latest report of requests and mappings. */
  latest(): { requests: ReceivedRequest[]; mappings: GatewayMapping[] };
  /** Resolves once a report satisfies the predicate (reports follow every request). */
  until(predicate: (report: { requests: ReceivedRequest[]; mappings: GatewayMapping[] }) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./nat-pmp-responder-main.ts', import.meta.url));

export async function startNatPmpInNamespace(namespace: VethNamespace, options: NatPmpResponderOptions = {}): Promise<NamespacedNatPmp> {
  const child: ChildProcessWithoutNullStreams = namespace.spawn(process.execPath, [
    '--import',
    'tsx',
    MAIN,
    JSON.stringify({ host: namespace.peerAddress, port: 5351, ...options }),
  ]);
  let report = { requests: [] as ReceivedRequest[], mappings: [] as GatewayMapping[] };
  const listeners = new Set<() => void>();
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const gateway = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`NAT-PMP responder did not start in the namespace: ${stderr}`)), 15000);
    child.on('exit', (code) => reject(new Error(`NAT-PMP responder exited with ${code}: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as { ready?: string; requests?: ReceivedRequest[]; mappings?: GatewayMapping[] };
        buffered = buffered.slice(newline + 1);
        if (line.ready) {
          clearTimeout(timer);
          resolve(line.ready);
        } else if (line.requests && line.mappings) {
          report = { requests: line.requests, mappings: line.mappings };
          listeners.forEach((listener) => listener());
        }
      }
    });
  });
  return {
    gateway,
    latest: () => report,
    until: (predicate, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(report)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the namespaced responder never reported the expected state: ${JSON.stringify(report)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
