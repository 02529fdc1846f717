// The store of one data directory: the lock, the event log, the snapshot and the folded state.
// Every event goes through `record`, which appends it (synced) and folds it into the state.
import { join } from 'node:path';
import { BehaviorSubject } from 'rxjs';
import type { Event, EventBody } from '../events.js';
import { EMPTY_STATE, fold, type State } from '../state.js';
import { EventLog, type Repair } from './event-log.js';
import { acquireLock, type Lock } from './lock-file.js';
import { readSnapshot, writeSnapshot } from './state-snapshot.js';

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
      log.forEachFrom(from, (event) => {
        if (replayed === 0 && from > 0 && event.seq !== snapshotSeq + 1) consistent = false;
        state = fold(state, event);
        replayed++;
      });
      if (from > 0 && (!consistent || state.seq !== log.lastSeq)) {
        // The snapshot does not belong to this log (restored, edited): rebuild from the start.
        state = EMPTY_STATE;
        replayed = 0;
        log.forEachFrom(0, (event) => { state = fold(state, event); replayed++; });
        snapshotSeq = 0;
      }
      return new Store(options.directory, log, lock, options.now, state, snapshotSeq, log.repair, replayed);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  get state(): State {
    return this.state$.value;
  }

  /** Appends an event (synced to disk) and folds it into the state. */
  record(body: EventBody): Event {
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
    } finally {
      this.log.close();
      this.lock.release();
      this.state$.complete();
    }
  }
}
