// --daemon: the same pipeline, continuously. One daemon per data directory (the lock; a second
// one is refused with the first one's pid). SIGTERM and SIGINT stop it after the event in
// flight is written; SIGUSR1 re-checks now; SIGHUP re-reads the configuration (ipcheck.err, the
// --config files, the account file) and re-checks.
import { type FSWatcher, watch } from 'node:fs';
import { lastValueFrom, Subject, debounceTime, toArray, timeout, catchError, of } from 'rxjs';
import { runClock } from '../clock.js';
import type { Config } from '../config.js';
import { describeEvent } from '../describe-event.js';
import { hostResolver } from '../dns-lookup.js';
import type { EventOf } from '../events.js';
import { EXIT } from '../exit-status.js';
import { Output } from '../output.js';
import { continuous, recordEvents } from '../pipeline.js';
import { removeForwarded } from '../sinks/forward-ports.js';
import { WEB_CHECK_MIN_POLL_MS } from '../sources/web-checkip.js';
import { detectionChains } from '../sources/build-sources.js';
import { DAT_FILE, ERR_FILE, WAIT_FILE } from '../store/legacy-files.js';
import { Store } from '../store/store.js';
import { VERSION } from '../version.js';

const LEGACY_NAMES = new Set([DAT_FILE, ERR_FILE, WAIT_FILE]);

export async function runDaemon(initial: Config, reload: () => Config): Promise<number> {
  const output = new Output(initial);
  initial.warnings.forEach((w) => output.warn(w));
  if (initial.sources.some((s) => s.kind === 'web') && initial.pollMs < WEB_CHECK_MIN_POLL_MS) {
    output.warn(`web check pages are read at most every ${WEB_CHECK_MIN_POLL_MS / 60_000} minutes (the protocol's policy for IP check services), not every ${initial.pollMs / 1000} s`);
  }
  const now = runClock();
  // A second daemon must not wait for the first: it is refused at once.
  const store = await Store.open({ directory: initial.directory, now, lockWaitMs: 0 });
  if (store.repair) output.warn(`the event log ended in a torn write (${store.repair.cutBytes} bytes, as after a power cut); it was cut back to the last complete event`);
  process.title = 'ipcheck [daemon]';
  const rechecks = new Subject<EventOf<'RecheckStarted'>>();
  const legacyFilesChanged = new Subject<void>();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(initial.directory, (_kind, name) => { if (name && LEGACY_NAMES.has(String(name))) legacyFilesChanged.next(); });
  } catch {
    // Without file watching the legacy files are still read at every SIGHUP.
  }
  let config = initial;
  const start = () => {
    output.line(describeEvent(store.record({ type: 'RunStarted', mode: 'daemon', version: VERSION, hosts: config.hosts, pid: process.pid })));
    return continuous(config, store, {
      now,
      resolveHost: hostResolver(config.dnsServer),
      ...detectionChains(config, { now, warn: (message) => output.warn(message) }),
      warn: (message) => output.warn(message),
      rechecks,
      legacyFilesChanged: legacyFilesChanged.pipe(debounceTime(200)),
    }).subscribe({
      next: (event) => output.line(describeEvent(event)),
      error: (error: unknown) => { output.error(`the daemon stopped on an unexpected error: ${(error as Error)?.message ?? String(error)}`); stop('error'); },
    });
  };
  let running = start();
  const snapshotTimer = setInterval(() => { void store.saveSnapshot().catch(() => undefined); }, 60_000);
  snapshotTimer.unref();

  let finish: (status: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    running.unsubscribe();
    clearInterval(snapshotTimer);
    watcher?.close();
    void (async () => {
      if (config.forwardRemoveOnExit) {
        const record = recordEvents(store, config, now);
        const removed = await lastValueFrom(removeForwarded(config).pipe(record, toArray(), timeout(5000), catchError(() => of([]))));
        removed.forEach((event) => output.line(describeEvent(event)));
      }
      store.record({ type: 'RunFinished', status: EXIT.ok, message: `stopped by ${why}` });
      await store.close();
      finish(why === 'error' ? EXIT.updateFailed : EXIT.ok);
    })();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGUSR1') {
      rechecks.next({ type: 'RecheckStarted', reason: 'SIGUSR1' });
    } else if (signal === 'SIGHUP') {
      try {
        const next = reload();
        running.unsubscribe();
        if (settingsChanged(config, next)) clearLatches(store, 'SIGHUP with a changed configuration');
        config = next;
        running = start();
        rechecks.next({ type: 'RecheckStarted', reason: 'SIGHUP' });
      } catch (error) {
        output.error(`SIGHUP: the new configuration was not taken (${(error as Error).message}); the old one stays in force`);
      }
    } else {
      stop(signal);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const) process.on(signal, onSignal);
  const status = await finished;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const) process.off(signal, onSignal);
  return status;
}

function settingsChanged(before: Config, after: Config): boolean {
  const key = (c: Config) => JSON.stringify([c.username, c.password, c.hosts, c.server, c.system, c.offline, c.sources]);
  return key(before) !== key(after);
}

function clearLatches(store: Store, by: string): void {
  const { state } = store;
  if (state.account.latch) store.record({ type: 'ErrorCleared', scope: { account: true }, code: state.account.latch.code, by });
  for (const [host, h] of Object.entries(state.hosts)) {
    if (h.latch) store.record({ type: 'ErrorCleared', scope: { host }, code: h.latch.code, by });
  }
}
