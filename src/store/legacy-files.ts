// ipcheck.py's data files (reference §4), kept so existing scripts keep working: ipcheck.dat
// (last address and hosts; its age drives the 25-day refresh), ipcheck.err (present: latched),
// ipcheck.wait (the server asked to wait) and ipcheck.html (the last reply). They are
// projections of the state, written atomically, and read back as gates the user can edit.
import { existsSync, readFileSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

export const DAT_FILE = 'ipcheck.dat';
export const ERR_FILE = 'ipcheck.err';
export const WAIT_FILE = 'ipcheck.wait';
export const HTML_FILE = 'ipcheck.html';
export const LOG_FILE = 'ipcheck.log';

export interface DatFile {
  readonly address: string;
  readonly hosts: string[];
  readonly modifiedAt: number;
}

export interface ErrLine {
  readonly code: string;
  readonly args: string[];
  readonly raw: string;
}

export interface WaitFile {
  /** `w30m` style code, or `u <seconds>`. */
  readonly code: string;
  /** When the wait was received (ms). */
  readonly receivedAt: number;
  readonly modifiedAt: number;
}

export interface LegacyFiles {
  readonly dat?: DatFile;
  readonly datProblem?: string;
  readonly err?: ErrLine[];
  readonly wait?: WaitFile;
  readonly waitProblem?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function readLegacyFiles(directory: string): LegacyFiles {
  const result: { -readonly [K in keyof LegacyFiles]: LegacyFiles[K] } = {};
  const datPath = join(directory, DAT_FILE);
  const dat = readText(datPath);
  if (dat !== undefined) {
    const lines = dat.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const [address, ...hosts] = lines;
    if (address && hosts.length > 0) result.dat = { address, hosts, modifiedAt: statSync(datPath).mtimeMs };
    else result.datProblem = `${datPath} is not in the ipcheck.dat format (an address line, then one host per line)`;
  }
  const err = readText(join(directory, ERR_FILE));
  if (err !== undefined) {
    result.err = err.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((raw) => {
      const [code = '', ...args] = raw.split(/\s+/);
      return { code, args, raw };
    });
  }
  const waitPath = join(directory, WAIT_FILE);
  const wait = readText(waitPath);
  if (wait !== undefined) {
    const [code = '', time = ''] = wait.split('\n').map((l) => l.trim());
    const seconds = Number.parseFloat(time);
    if (code !== '' && Number.isFinite(seconds) && seconds > 0) {
      result.wait = { code, receivedAt: seconds * 1000, modifiedAt: statSync(waitPath).mtimeMs };
    } else {
      result.waitProblem = `${waitPath} is not in the ipcheck.wait format (a code line, then the time it was received)`;
    }
  }
  return result;
}

export function writeDat(directory: string, address: string, hosts: readonly string[], modifiedAt: number): void {
  const path = join(directory, DAT_FILE);
  writeFileAtomic(path, [address, ...hosts].map((l) => `${l}\n`).join(''));
  // The file's age is the age of the last update: scripts and the original rely on it.
  utimesSync(path, modifiedAt / 1000, modifiedAt / 1000);
}

export function writeErr(directory: string, lines: readonly string[]): void {
  const path = join(directory, ERR_FILE);
  if (lines.length === 0) removeIfPresent(path);
  else writeFileAtomic(path, lines.map((l) => `${l}\n`).join(''));
}

export function writeWait(directory: string, wait: { code: string; receivedAt: number } | undefined): void {
  const path = join(directory, WAIT_FILE);
  if (!wait) removeIfPresent(path);
  else writeFileAtomic(path, `${wait.code}\n${(wait.receivedAt / 1000).toFixed(3)}\n`);
}

export function writeHtml(directory: string, body: string): void {
  writeFileAtomic(join(directory, HTML_FILE), body);
}

export function removeIfPresent(path: string): void {
  if (existsSync(path)) unlinkSync(path);
}
