// Read-only access to a data directory's history, for `replay` and `status`: no lock is taken
// (a running daemon keeps writing) and nothing is repaired; a torn last line is just left out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Event } from '../events.js';
import { foldAll, type State } from '../state.js';
import { readSnapshot, type Snapshot } from './state-snapshot.js';
import { EVENT_LOG_FILE, SNAPSHOT_FILE } from './store.js';

export interface History {
  readonly events: Event[];
  readonly state: State;
  readonly snapshot: Snapshot | undefined;
  readonly tornBytes: number;
}

export async function readHistory(directory: string): Promise<History> {
  const path = join(directory, EVENT_LOG_FILE);
  if (!existsSync(path)) throw Object.assign(new Error(`${directory} has no event log (${EVENT_LOG_FILE}): ipcheck has not run with -d ${directory} yet`), { code: 'NO_HISTORY' });
  const text = readFileSync(path, 'utf8');
  const events: Event[] = [];
  let tornBytes = 0;
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  tornBytes += Buffer.byteLength(last);
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      tornBytes += Buffer.byteLength(line) + 1;
    }
  }
  return { events, state: foldAll(events), snapshot: await readSnapshot(join(directory, SNAPSHOT_FILE)), tornBytes };
}
