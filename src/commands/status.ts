// ipcheck status: what the state says now, host by host.
import { EXIT } from '../exit-status.js';
import type { State } from '../state.js';
import { readHistory } from '../store/read-history.js';

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

export function formatState(state: State, now: number): string {
  const lines: string[] = [];
  if (state.account.latch) lines.push(`Account: STOPPED (${state.account.latch.code}): ${state.account.latch.message}`);
  if (state.account.wait && state.account.wait.until > now) lines.push(`Account: waiting until ${new Date(state.account.wait.until).toISOString()}: ${state.account.wait.message}`);
  for (const [host, h] of Object.entries(state.hosts).sort(([a], [b]) => a.localeCompare(b))) {
    const families = Object.entries(h.families).map(([family, r]) => `${family} ${r?.address ?? '(server-detected)'} updated ${new Date(r?.updatedAt ?? 0).toISOString()} (${age(now - (r?.updatedAt ?? 0))} ago)`);
    lines.push(`${host}: ${families.length > 0 ? families.join('; ') : 'never updated'}`);
    if (h.latch) lines.push(`  STOPPED (${h.latch.code}): ${h.latch.message}`);
    if (h.wait && h.wait.until > now) lines.push(`  waiting until ${new Date(h.wait.until).toISOString()}: ${h.wait.message}`);
    if (h.offline) lines.push('  set offline');
    if (h.inFlight) lines.push(`  an update to ${h.inFlight.address ?? '(server-detected)'} was sent at ${new Date(h.inFlight.at).toISOString()} and no answer was recorded`);
  }
  if (state.lastCandidate) lines.push(`Last address seen: ${state.lastCandidate.address} from ${state.lastCandidate.source} at ${new Date(state.lastCandidate.at).toISOString()}`);
  return `${lines.join('\n')}\n`;
}

export async function runStatus(directory: string, json: boolean): Promise<number> {
  const { state } = await readHistory(directory);
  process.stdout.write(json ? `${JSON.stringify(state)}\n` : formatState(state, Date.now()));
  const stopped = state.account.latch || Object.values(state.hosts).some((h) => h.latch);
  return stopped ? EXIT.latched : EXIT.ok;
}
