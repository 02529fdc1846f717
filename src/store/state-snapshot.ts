// A snapshot of the folded state with the log position it covers, so start-up does not replay
// years of log. It is a cache: missing, unreadable or behind, it is rebuilt from the log.
// lowdb writes atomically (temp file + rename) but does not fsync; losing a snapshot only costs
// a replay, so that is acceptable here. The Low/JSONFile pair is used directly because
// JSONFilePreset silently keeps everything in memory when NODE_ENV=test.
import { chmodSync } from 'node:fs';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { State } from '../state.js';

export interface Snapshot {
  readonly format: 1;
  readonly seq: number;
  /** Byte offset in the event log just past event `seq`. */
  readonly offset: number;
  readonly state: State;
}

export async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  try {
    const db = new Low<Snapshot | null>(new JSONFile<Snapshot | null>(path), null);
    await db.read();
    const data = db.data;
    if (!data || data.format !== 1 || typeof data.seq !== 'number' || typeof data.offset !== 'number' || !isStateShape(data.state, data.seq)) return undefined;
    return data;
  } catch {
    return undefined;
  }
}

export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const db = new Low<Snapshot>(new JSONFile<Snapshot>(path), snapshot);
  // lowdb creates its temporary file with the umask's mode: keep it private from the start.
  const umask = process.umask(0o077);
  try {
    await db.write();
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A hand-edited or damaged snapshot must not crash every run: one that is not a state is not used. */
function isStateShape(state: unknown, seq: number): state is State {
  return isObject(state) && state.seq === seq && isObject(state.account) && typeof state.serverFailures === 'number' &&
    isObject(state.hosts) && Object.values(state.hosts).every((host) => isObject(host) && isObject(host.families));
}
