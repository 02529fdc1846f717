// Follows a growing log file like `tail -F`: new lines as they are appended, the new file after
// a rotation (renamed away and created again, or replaced), the start again after a truncation,
// and a file that does not exist yet. The `tail` package was not used: it re-opens a rotated
// file at the old file's offset and moves its cursor to the new end on a truncation, so the
// first lines of a new or truncated file are lost.
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Observable } from 'rxjs';

export type FollowEvent =
  | { readonly kind: 'line'; readonly text: string }
  /** The file does not exist (yet, or any more: e.g. between a rotation and the new file). */
  | { readonly kind: 'missing' }
  /** The file is open (again); `from` is the offset reading starts at. */
  | { readonly kind: 'opened'; readonly from: number; readonly after: 'start' | 'appeared' | 'rotated' }
  | { readonly kind: 'truncated' }
  /** Reading failed for another reason (e.g. permission denied); following goes on. */
  | { readonly kind: 'error'; readonly error: Error };

export interface FollowOptions {
  /**
   * Where to start in the file that exists at subscription: its start, its end (default), or a
   * position reached by an earlier scan (used only if the file is still the same inode).
   */
  readonly from?: 'start' | 'end' | { readonly position: number; readonly ino?: number };
  /** How often to look even without a file-system notification (default 1000 ms). */
  readonly pollMs?: number;
  /** An unfinished line longer than this is given out as it is (default 1 MiB). */
  readonly maxLineBytes?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function followLines(path: string, options: FollowOptions = {}): Observable<FollowEvent> {
  const pollMs = options.pollMs ?? 1000;
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  return new Observable<FollowEvent>((subscriber) => {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let handle: FileHandle | undefined;
    let ino = -1;
    let position = 0;
    let carry: Buffer = Buffer.alloc(0);
    let firstOpen = true;
    let wasMissing = false;
    let lastError = '';
    let running = false;
    let again = false;
    let closed = false;

    const emit = (event: FollowEvent): void => {
      if (!closed) subscriber.next(event);
    };

    const takeLines = (bytes: Buffer): void => {
      const data = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
      let start = 0;
      let newline = data.indexOf(NEWLINE, start);
      while (newline >= 0) {
        const end = newline > start && data[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
        emit({ kind: 'line', text: data.toString('utf8', start, end) });
        start = newline + 1;
        newline = data.indexOf(NEWLINE, start);
      }
      carry = Buffer.from(data.subarray(start));
      if (carry.length > maxLineBytes) {
        emit({ kind: 'line', text: carry.toString('utf8') });
        carry = Buffer.alloc(0);
      }
    };

    const readUpTo = async (file: FileHandle, end: number): Promise<void> => {
      while (position < end && !closed) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        takeLines(buffer.subarray(0, bytesRead));
      }
    };

    /** The old file after a rotation: read what was written to it before, then let it go. */
    const finishAndClose = async (): Promise<void> => {
      const file = handle;
      if (!file) return;
      handle = undefined;
      try {
        await readUpTo(file, (await file.stat()).size);
        if (carry.length > 0) emit({ kind: 'line', text: carry.toString('utf8') });
      } finally {
        carry = Buffer.alloc(0);
        await file.close().catch(() => undefined);
      }
    };

    const step = async (): Promise<void> => {
      let current;
      try {
        current = await stat(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
        await finishAndClose();
        if (!wasMissing) {
          wasMissing = true;
          emit({ kind: 'missing' });
        }
        firstOpen = false;
        return;
      }
      let rotated = false;
      if (handle && current.ino !== ino) {
        await finishAndClose();
        rotated = true;
      }
      if (!handle) {
        const file = await open(path, 'r');
        const opened = await file.stat();
        handle = file;
        ino = opened.ino;
        carry = Buffer.alloc(0);
        const from = options.from ?? 'end';
        if (!firstOpen || from === 'start') position = 0;
        else if (from === 'end') position = opened.size;
        else position = from.ino === undefined || from.ino === opened.ino ? Math.min(from.position, opened.size) : 0;
        emit({ kind: 'opened', from: position, after: firstOpen ? 'start' : rotated ? 'rotated' : 'appeared' });
        firstOpen = false;
        wasMissing = false;
        current = opened;
      }
      if (current.size < position) {
        position = 0;
        carry = Buffer.alloc(0);
        emit({ kind: 'truncated' });
      }
      if (current.size > position) await readUpTo(handle, current.size);
    };

    // One look at a time; a notification during a look asks for one more look afterwards.
    const look = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          try {
            await step();
            lastError = '';
          } catch (error) {
            const problem = error instanceof Error ? error : new Error(String(error));
            // Once per distinct problem, not at every poll.
            if (problem.message !== lastError && !closed) emit({ kind: 'error', error: problem });
            lastError = problem.message;
          }
        } while (again && !closed);
      } finally {
        running = false;
        if (closed) await handle?.close().catch(() => undefined);
      }
    };

    // Watch the directory, not the file: it sees the file being created, renamed and replaced.
    let watcher: FSWatcher | undefined;
    try {
      const name = basename(path);
      watcher = watch(dirname(path), (_event, changed) => {
        if (changed === null || changed === name) void look();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // no directory yet or no notifications here: polling alone
    }
    const timer = setInterval(() => void look(), pollMs);
    void look();

    return () => {
      closed = true;
      clearInterval(timer);
      watcher?.close();
      if (!running) void handle?.close().catch(() => undefined);
    };
  });
}
