// A small tmpfs mounted by a test as a data directory, to see what ipcheck does when its disk
// is full or read-only. Needs root (mount); mountUnavailableReason() says why not otherwise.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallTmpfs {
  readonly dir: string;
  /** Writes a file of zeros until the file system is full (or `bytes` are written). */
  fill(bytes?: number): void;
  /** Removes what fill() wrote. */
  free(): void;
  remount(mode: 'ro' | 'rw'): void;
  unmount(): void;
}

let probed: string | undefined | null = null;

export function mountUnavailableReason(): string | undefined {
  if (probed !== null) return probed;
  if (process.getuid?.() !== 0) return (probed = 'mounting a tmpfs needs root; running as an unprivileged user');
  try {
    mountSmallTmpfs(16).unmount();
    probed = undefined;
  } catch (error) {
    probed = `mount -t tmpfs failed (${(error as Error).message.split('\n')[0]}); no mounts in this sandbox`;
  }
  return probed;
}

const FILLER = '.test-filler';

export function mountSmallTmpfs(sizeKiB: number): SmallTmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'ipcheck-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let mounted = true;
  const unmount = (): void => {
    if (!mounted) return;
    mounted = false;
    try { execFileSync('umount', [dir], { stdio: 'ignore' }); } catch { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }); }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', unmount);
  return {
    dir,
    fill(bytes = Number.POSITIVE_INFINITY) {
      const fd = openSync(join(dir, FILLER), 'a');
      const chunk = Buffer.alloc(4096);
      try {
        for (let written = 0; written < bytes;) written += writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free: () => rmSync(join(dir, FILLER), { force: true }),
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: ['ignore', 'ignore', 'pipe'] }),
    unmount,
  };
}
