// One account served by the daemon: its store (and lock), its pipeline, its watch on the
// legacy files and its snapshots. A daemon serves one or several of these.
import { type FSWatcher, watch } from 'node:fs';
import { catchError, debounceTime, lastValueFrom, type Observable, of, Subject, type Subscription, timeout, toArray } from 'rxjs';
import type { Config } from '../config.js';
import { describeEvent } from '../describe-event.js';
import { hostResolver } from '../dns-lookup.js';
import type { EventOf } from '../events.js';
import { EXIT } from '../exit-status.js';
import { Output } from '../output.js';
import { continuous, recordEvents } from '../pipeline.js';
import { removeForwarded } from '../sinks/forward-ports.js';
import { readExtraCa } from '../sinks/trusted-certificates.js';
import { detectionChains } from '../sources/build-sources.js';
import { WEB_CHECK_MIN_POLL_MS } from '../sources/web-checkip.js';
import { DAT_FILE, ERR_FILE, WAIT_FILE } from '../store/legacy-files.js';
import { storageFailure } from '../store/storage-error.js';
import { catchUpLegacyFiles, writeProjection } from '../sinks/legacy-files.js';
import { Store } from '../store/store.js';
import { latchClearings } from '../state.js';
import { VERSION } from '../version.js';

const LEGACY_NAMES = new Set([DAT_FILE, ERR_FILE, WAIT_FILE]);

export class DaemonAccount {
  private running: Subscription | undefined;
  private readonly legacyFilesChanged = new Subject<void>();
  private readonly watcher: FSWatcher | undefined;
  private readonly snapshotTimer: NodeJS.Timeout;

  private constructor(
    private config: Config,
    private readonly store: Store,
    private readonly output: Output,
    private readonly now: () => number,
    private readonly rechecks: Observable<EventOf<'RecheckStarted'>>,
    private readonly failed: (error: unknown) => void,
    private readonly extraCa: readonly string[] | undefined,
  ) {
    try {
      this.watcher = watch(config.directory, (_kind, name) => { if (name && LEGACY_NAMES.has(String(name))) this.legacyFilesChanged.next(); });
    } catch {
      // Without file watching the legacy files are still read at every SIGHUP.
    }
    this.snapshotTimer = setInterval(() => { void store.saveSnapshot().catch(() => undefined); }, 60_000);
    this.snapshotTimer.unref();
  }

  /** Opens the account's store; a second daemon on the same directory is refused at once. */
  static async open(config: Config, now: () => number, rechecks: Observable<EventOf<'RecheckStarted'>>, failed: (error: unknown) => void): Promise<DaemonAccount> {
    const output = new Output({ ...config, ...(config.account ? { prefix: config.account } : {}) });
    config.warnings.forEach((w) => output.warn(w));
    if (config.sources.some((s) => s.kind === 'web') && config.pollMs < WEB_CHECK_MIN_POLL_MS) {
      output.warn(`web check pages are read at most every ${WEB_CHECK_MIN_POLL_MS / 60_000} minutes (the protocol's policy for IP check services), not every ${config.pollMs / 1000} s`);
    }
    const extraCa = await readExtraCa(config);
    const store = await Store.open({ directory: config.directory, now, lockWaitMs: 0 });
    store.openingWarnings().forEach((warning) => output.warn(warning));
    catchUpLegacyFiles(store.directory, config.hosts, store.state, store.endedWith, now());
    const account = new DaemonAccount(config, store, output, now, rechecks, failed, extraCa);
    account.start();
    return account;
  }

  get name(): string | undefined {
    return this.config.account;
  }

  private start(): void {
    const { config, store, output, now } = this;
    output.line(describeEvent(store.record({ type: 'RunStarted', mode: 'daemon', version: VERSION, hosts: config.hosts, pid: process.pid })));
    this.running = continuous(config, store, {
      now,
      resolveHost: hostResolver(config.dnsServer),
      ...detectionChains(config, { now, warn: (message) => output.warn(message) }),
      warn: (message) => output.warn(message),
      rechecks: this.rechecks,
      ...(this.extraCa ? { extraCa: this.extraCa } : {}),
      legacyFilesChanged: this.legacyFilesChanged.pipe(debounceTime(200)),
    }).subscribe({
      next: (event) => output.line(describeEvent(event)),
      error: (error: unknown) => {
        const storage = storageFailure(error);
        output.error(storage ? `the daemon stopped: ${storage.message}` : `the daemon stopped on an unexpected error: ${(error as Error)?.message ?? String(error)}`);
        this.failed(error);
      },
    });
  }

  /** SIGHUP: the new configuration; a changed one also lifts the latches (the user fixed it). */
  reconfigure(next: Config): void {
    this.running?.unsubscribe();
    if (settingsChanged(this.config, next)) {
      latchClearings(this.store.state, 'SIGHUP with a changed configuration').forEach((event) => this.output.line(describeEvent(this.store.record(event))));
      // ipcheck.err follows at once, or the next start would read its lines back as latches.
      writeProjection(next.directory, next.hosts, this.store.state, this.now());
    }
    this.config = next;
    this.start();
  }

  async stop(why: string): Promise<void> {
    this.running?.unsubscribe();
    clearInterval(this.snapshotTimer);
    this.watcher?.close();
    const { config, store, output, now } = this;
    if (config.forwardRemoveOnExit) {
      const removed = await lastValueFrom(removeForwarded(config).pipe(recordEvents(store, config, now), toArray(), timeout(5000), catchError(() => of([]))));
      removed.forEach((event) => output.line(describeEvent(event)));
    }
    store.record({ type: 'RunFinished', status: EXIT.ok, message: `stopped by ${why}` });
    await store.close();
  }


}

function settingsChanged(before: Config, after: Config): boolean {
  const key = (c: Config) => JSON.stringify([c.username, c.password, c.hosts, c.server, c.system, c.offline, c.sources]);
  return key(before) !== key(after);
}
