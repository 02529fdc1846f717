// One writer per data directory: a lock file holding the owner's pid. A lock whose owner is
// gone (a crash, kill -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class LockHeldError extends Error {
  constructor(readonly path: string, readonly pid: number) {
    super(`another ipcheck (pid ${pid}) is using this data directory (lock ${path}); stop it first, or use another -d directory`);
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (error) {
      // A full disk: leave no empty lock behind.
      closeSync(fd);
      unlinkSync(path);
      throw Object.assign(error as NodeJS.ErrnoException, { path });
    }
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export interface Lock {
  release(): void;
}

/** Takes the lock, waiting up to `waitMs` for a live owner to finish (one-shot runs overlap under cron). */
export async function acquireLock(path: string, waitMs = 0): Promise<Lock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path)) break;
    let owner = ownerOf(path);
    if (owner === undefined) {
      // The owner may be between creating the file and writing its pid: look again shortly.
      await new Promise((resolve) => setTimeout(resolve, 20));
      owner = ownerOf(path);
    }
    if (owner === undefined || owner === process.pid || !isAlive(owner)) {
      try { unlinkSync(path); } catch { /* taken over by someone else meanwhile */ }
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(path, owner);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (ownerOf(path) === process.pid) unlinkSync(path);
    },
  };
}
