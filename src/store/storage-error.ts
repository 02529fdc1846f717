// A data directory that cannot take a write (full, read-only, not ours) stops the run: these
// are the words for it, naming the file, the cause and the fix, and the exit status.
import { statfsSync } from 'node:fs';

/**
 * Free space an update needs to record its result: the reply (up to 64 KiB, and ipcheck.html
 * written beside the old one), its events, ipcheck.dat and the snapshot.
 */
export const RESULT_RESERVE_BYTES = 128 * 1024;

export class StorageFullError extends Error {
  readonly code = 'ENOSPC';

  constructor(readonly path: string, readonly freeBytes: number) {
    super(`the disk holding ${path} has ${Math.floor(freeBytes / 1024)} KiB free, less than the ${RESULT_RESERVE_BYTES / 1024} KiB needed to record the result of an update, so nothing was sent: free some space there; the next run tries again`);
  }
}

/** Throws StorageFullError when the file system of `directory` could not take an update's result. */
export function ensureRoomForResult(directory: string): void {
  let free: number;
  try {
    const stats = statfsSync(directory);
    // root may use the blocks reserved for it; anyone else only the available ones.
    free = (process.getuid?.() === 0 ? stats.bfree : stats.bavail) * stats.bsize;
  } catch {
    return; // no statfs here: the writes themselves will tell
  }
  if (free < RESULT_RESERVE_BYTES) throw new StorageFullError(directory, free);
}

/** The message and exit status for a failed write to the data directory, if the error is one. */
export function storageFailure(error: unknown): { message: string; status: number } | undefined {
  if (error instanceof StorageFullError) return { message: error.message, status: 4 };
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const file = path ? `cannot write ${path}` : 'cannot write to the data directory';
  switch (code) {
    case 'ENOSPC': case 'EDQUOT': case 'EFBIG': {
      const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EDQUOT' ? 'the disk quota is used up' : 'the file size limit (ulimit -f) is reached';
      return { message: `${file}: ${why} (${code}): free some space for the data directory (-d); the next run carries on from the event log`, status: 4 };
    }
    case 'EROFS':
      return { message: `${file}: the file system is read-only (EROFS): give a writable data directory with -d (or remount it read-write)`, status: 1 };
    case 'EACCES': case 'EPERM':
      return { message: `${file}: permission denied (${code}): make the data directory (-d) writable for the user ipcheck runs as, or give another one`, status: 1 };
    default:
      return undefined;
  }
}
