// The store of one data directory: the lock, the event log, the snapshot and the folded state.
// Every event goes through `record`, which appends it (synced) and folds it into the state.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BehaviorSubject } from 'rxjs';
import type { Event, EventBody } from '../events.js';
import { EMPTY_STATE, fold, type State } from '../state.js';
import { EventLog, type Repair } from './event-log.js';
import { acquireLock, type Lock } from './lock-file.js';
import { readSnapshot, writeSnapshot } from './state-snapshot.js';
import { ensureRoomForResult } from './storage-error.js';

export const EVENT_LOG_FILE = 'ipcheck.events.jsonl';
export const SNAPSHOT_FILE = 'ipcheck.state.json';
export const LOCK_FILE = 'ipcheck.lock';

export interface StoreOptions {
  readonly directory: string;
  readonly now: () => number;
  /** How long to wait for another ipcheck to release the directory. */
  readonly lockWaitMs: number;
}

export class Store {
  readonly state$: BehaviorSubject<State>;
  private snapshotSeq: number;

  private constructor(
    readonly directory: string,
    private readonly log: EventLog,
    private readonly lock: Lock,
    private readonly now: () => number,
    initial: State,
    snapshotSeq: number,
    readonly repair: Repair | undefined,
    readonly replayedEvents: number,
    /** Byte offsets of lines in the log that are not events (left out of the state). */
    readonly skippedLines: readonly number[],
  ) {
    this.state$ = new BehaviorSubject(initial);
    this.snapshotSeq = snapshotSeq;
  }

  static async open(options: StoreOptions): Promise<Store> {
    const lock = await acquireLock(join(options.directory, LOCK_FILE), options.lockWaitMs);
    try {
      const log = EventLog.open(join(options.directory, EVENT_LOG_FILE));
      const snapshot = await readSnapshot(join(options.directory, SNAPSHOT_FILE));
      let state = EMPTY_STATE;
      let from = 0;
      let snapshotSeq = 0;
      if (snapshot && snapshot.seq <= log.lastSeq && snapshot.offset <= log.byteLength) {
        state = snapshot.state;
        from = snapshot.offset;
        snapshotSeq = snapshot.seq;
      }
      let replayed = 0;
      let consistent = true;
      let skipped: number[] = [];
      const skip = (offset: number) => { skipped.push(offset); };
      log.forEachFrom(from, (event) => {
        if (replayed === 0 && from > 0 && event.seq !== snapshotSeq + 1) consistent = false;
        state = fold(state, event);
        replayed++;
      }, skip);
      if (from > 0 && (!consistent || state.seq !== log.lastSeq)) {
        // The snapshot does not belong to this log (restored, edited): rebuild from the start.
        state = EMPTY_STATE;
        replayed = 0;
        skipped = [];
        log.forEachFrom(0, (event) => { state = fold(state, event); replayed++; }, skip);
        snapshotSeq = 0;
      }
      return new Store(options.directory, log, lock, options.now, state, snapshotSeq, log.repair, replayed, skipped);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** What opening the log had to do: cut a torn last line, leave out lines that are not events. */
  openingWarnings(): string[] {
    const warnings: string[] = [];
    if (this.repair) warnings.push(`the event log ended in a torn write (${this.repair.cutBytes} bytes, as after a power cut); it was cut back to the last complete event`);
    const skipped = this.skippedLines;
    if (skipped.length > 0) {
      const one = skipped.length === 1;
      const where = `${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}`;
      warnings.push(`${one ? 'a line' : `${skipped.length} lines`} of ${EVENT_LOG_FILE} (at byte ${where}) ${one ? 'is' : 'are'} not an event (a disk error or a hand edit) and ${one ? 'was' : 'were'} left out (ipcheck.dat, ipcheck.err and ipcheck.wait still hold the state); \`ipcheck replay\` shows the history around ${one ? 'it' : 'them'}`);
    }
    return warnings;
  }

  /** The type of the log's last event when it was opened (what the last run did last). */
  get endedWith(): Event['type'] | undefined {
    return this.log.endedWith;
  }

  get state(): State {
    return this.state$.value;
  }

  /** Appends an event (synced to disk) and folds it into the state. */
  record(body: EventBody): Event {
    // A request leaves only once its attempt is recorded, and only if its result can be too.
    if (body.type === 'UpdateAttempted') ensureRoomForResult(this.directory);
    const event = this.log.append(body, this.now());
    this.state$.next(fold(this.state$.value, event));
    return event;
  }

  readAll(): Event[] {
    return this.log.readFrom(0).events;
  }

  async saveSnapshot(): Promise<void> {
    const state = this.state;
    if (state.seq === this.snapshotSeq) return;
    await writeSnapshot(join(this.directory, SNAPSHOT_FILE), { format: 1, seq: state.seq, offset: this.log.byteLength, state });
    this.snapshotSeq = state.seq;
  }

  async close(): Promise<void> {
    try {
      await this.saveSnapshot();
    } catch {
      // The snapshot is a cache (rebuilt from the log): a full disk must not hide the real error,
      // nor leave lowdb's half-written temporary file behind.
      try { rmSync(join(this.directory, `.${SNAPSHOT_FILE}.tmp`), { force: true }); } catch { /* read-only: nothing was written */ }
    } finally {
      this.log.close();
      this.lock.release();
      this.state$.complete();
    }
  }
}
