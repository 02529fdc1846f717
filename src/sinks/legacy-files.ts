// Keeps ipcheck.py's files in step with the state: after every event that changes what they
// say, the projection is written again (atomically, only when it differs), and every reply
// body goes to ipcheck.html.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Event } from '../events.js';
import { project } from '../legacy/projection.js';
import { DAT_FILE, ERR_FILE, WAIT_FILE, writeDat, writeErr, writeHtml, writeWait } from '../store/legacy-files.js';
import type { State } from '../state.js';

const CHANGES_PROJECTION = new Set<Event['type']>([
  'HostUpdated', 'HostLatched', 'ErrorCleared', 'WaitRequested', 'WaitCleared', 'DatFileRead', 'HostsResolved',
]);

/**
 * The last run may have died between recording an event and writing the files it changes
 * (kill -9, a power cut): they would still say what was true before, and be taken for the
 * user's edits (an old ipcheck.dat sends its address again, a missing ipcheck.err lifts a
 * latch). When the log ends with such an event, they are brought up to date before they are
 * read; once, when the store is opened.
 */
export function catchUpLegacyFiles(directory: string, hosts: readonly string[], state: State, endedWith: Event['type'] | undefined, now: number): void {
  if (endedWith !== undefined && CHANGES_PROJECTION.has(endedWith)) writeProjection(directory, hosts, state, now);
}

export function legacyFilesSink(directory: string, hosts: readonly string[], state: () => State, now: () => number) {
  return (event: Event): void => {
    if (event.type === 'ReplyReceived') writeHtml(directory, event.body);
    if (CHANGES_PROJECTION.has(event.type)) writeProjection(directory, hosts, state(), now());
  };
}

function current(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

export function writeProjection(directory: string, hosts: readonly string[], state: State, now: number): void {
  const projection = project(state, hosts, now);
  if (projection.dat) {
    const { address, hosts: datHosts, modifiedAt } = projection.dat;
    const path = join(directory, DAT_FILE);
    const content = [address, ...datHosts].map((l) => `${l}\n`).join('');
    let mtime: number | undefined;
    try { mtime = statSync(path).mtimeMs; } catch { mtime = undefined; }
    if (current(path) !== content || mtime === undefined || Math.abs(mtime - modifiedAt) > 1000) writeDat(directory, address, datHosts, modifiedAt);
  }
  const errContent = projection.errLines.map((l) => `${l}\n`).join('');
  if ((current(join(directory, ERR_FILE)) ?? '') !== errContent) writeErr(directory, projection.errLines);
  const waitPath = join(directory, WAIT_FILE);
  const waitContent = projection.wait ? `${projection.wait.code}\n${(projection.wait.receivedAt / 1000).toFixed(3)}\n` : '';
  if ((current(waitPath) ?? '') !== waitContent) writeWait(directory, projection.wait);
}
