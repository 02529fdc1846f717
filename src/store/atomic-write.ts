// Replaces a file so that readers see the old or the new content, never half of it, and the
// new content survives a power cut once this returns (data synced, then renamed, then the
// directory synced).
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;

export function writeFileAtomic(path: string, content: string, mode = PRIVATE_FILE_MODE): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

export function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  }
}
