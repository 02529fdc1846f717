// What the legacy files should say for a given state (reference §4 formats). Pure.
import type { Latch, State, Wait } from '../state.js';

export interface LegacyProjection {
  readonly dat?: { address: string; hosts: string[]; modifiedAt: number };
  readonly errLines: string[];
  readonly wait?: { code: string; receivedAt: number; until: number };
}

export function errLine(latch: Latch, host?: string): string {
  if (host !== undefined) return `${latch.code} ${host}`;
  if (latch.code === 'unrecognized') return latch.detail;
  return latch.detail ? `${latch.code} ${latch.detail}` : latch.code;
}

export function project(state: State, hosts: readonly string[], now: number): LegacyProjection {
  const records = hosts.map((host) => state.hosts[host]?.families.ipv4);
  const known = records.filter((r) => r !== undefined);
  let dat: LegacyProjection['dat'];
  if (known.length > 0) {
    const first = records[0]?.address;
    const allSame = records.every((r) => r !== undefined && r.address !== null && r.address === first);
    // 0.0.0.0 tells ipcheck.py-era readers that some host still needs an update.
    dat = {
      address: allSame && first ? first : '0.0.0.0',
      hosts: [...hosts],
      modifiedAt: Math.min(...known.map((r) => r.updatedAt)),
    };
  }
  const errLines: string[] = [];
  if (state.account.latch) errLines.push(errLine(state.account.latch));
  for (const host of hosts) {
    const latch = state.hosts[host]?.latch;
    if (latch) errLines.push(errLine(latch, host));
  }
  const waits = [state.account.wait, ...hosts.map((h) => state.hosts[h]?.wait)].filter((w): w is Wait => Boolean(w && w.until > now));
  const longest = waits.sort((a, b) => b.until - a.until)[0];
  const wait = longest
    ? { code: `u ${Math.ceil((longest.until - longest.at) / 1000)}`, receivedAt: longest.at, until: longest.until }
    : undefined;
  return { ...(dat ? { dat } : {}), errLines, ...(wait ? { wait } : {}) };
}
