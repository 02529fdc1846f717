// What Linux says about a running process: CPU time used (/proc/<pid>/stat) and resident
// memory (/proc/<pid>/status). Undefined when the process is gone or /proc is not there.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuTicks {
  /** utime + stime of the process itself. */
  readonly own: number;
  /** cutime + cstime: children it has waited for (inadyn's checkip command, for one). */
  readonly children: number;
}

export function cpuTicks(pid: number): CpuTicks | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
  const field = (n: number): number => Number(fields[n - 3]);
  return { own: field(14) + field(15), children: field(16) + field(17) };
}

function statusKiB(pid: number, key: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function residentKiB(pid: number): number | undefined {
  return statusKiB(pid, 'VmRSS');
}

export function peakRssKiB(pid: number): number | undefined {
  return statusKiB(pid, 'VmHWM');
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat times (100 on every Linux we know of). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}
