// -e script: run after an update in which at least one host succeeded. Unlike ipcheck.py
// (which passed nothing), the script gets the address, the hosts and each host's result in
// environment variables; it is bounded in time and its exit status becomes an event.
import { spawn } from 'node:child_process';
import { defer, type Observable } from 'rxjs';
import type { EventBody, EventOf } from '../events.js';

export interface ScriptRun {
  readonly command: string;
  readonly timeoutMs: number;
  readonly address: string | null;
  readonly family: string;
  readonly results: { host: string; result: string }[];
  readonly directory: string;
}

export function postUpdateScript(run: ScriptRun, deps: { now: () => number }): Observable<EventOf<'ScriptRan'>> {
  return defer(() => new Promise<EventOf<'ScriptRan'>>((resolve) => {
    const started = deps.now();
    const child = spawn(run.command, {
      shell: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: process.platform !== 'win32',
      env: {
        ...process.env,
        IPCHECK_ADDRESS: run.address ?? '',
        IPCHECK_FAMILY: run.family,
        IPCHECK_HOSTS: run.results.map((r) => r.host).join(','),
        IPCHECK_RESULTS: run.results.map((r) => `${r.host}=${r.result}`).join(' '),
        IPCHECK_DIRECTORY: run.directory,
      },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group, so a shell's children go too.
      try { process.kill(-(child.pid ?? 0), 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, run.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      resolve({ type: 'ScriptRan', command: run.command, exitCode, signal, durationMs: deps.now() - started, timedOut });
    };
    child.on('error', () => finish(127, null));
    child.on('exit', (code, signal) => finish(code, signal));
  }));
}

export function scriptRunFor(outcomes: readonly EventBody[]): { address: string | null; family: string; results: { host: string; result: string }[] } | undefined {
  const updated = outcomes.filter((e): e is EventOf<'HostUpdated'> => e.type === 'HostUpdated');
  if (!updated.some((e) => e.code === 'good')) return undefined;
  const results = outcomes.flatMap((e) => {
    if (e.type === 'HostUpdated') return [{ host: e.host, result: e.code }];
    if (e.type === 'HostLatched' && 'host' in e.scope) return [{ host: e.scope.host, result: e.code }];
    if (e.type === 'WaitRequested' && 'host' in e.scope) return [{ host: e.scope.host, result: e.code }];
    if (e.type === 'UpdateFailed') return e.hosts.map((host) => ({ host, result: 'failed' }));
    return [];
  });
  const first = updated.find((e) => e.code === 'good');
  return { address: first?.address ?? null, family: first?.family ?? 'ipv4', results };
}
