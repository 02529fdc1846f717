// ipcheck replay: the history as a readable timeline, and the state it folds to, checked
// against the snapshot.
import { describeEvent } from '../describe-event.js';
import { EXIT } from '../exit-status.js';
import { readHistory } from '../store/read-history.js';
import { formatState } from './status.js';

export async function runReplay(directory: string, json: boolean): Promise<number> {
  const history = await readHistory(directory);
  if (json) {
    process.stdout.write(`${JSON.stringify({ events: history.events, state: history.state, snapshotSeq: history.snapshot?.seq ?? null })}\n`);
  } else {
    for (const event of history.events) {
      process.stdout.write(`${String(event.seq).padStart(6)}  ${new Date(event.at).toISOString()}  ${event.type.padEnd(20)} ${describeEvent(event).text}\n`);
    }
    process.stdout.write(`\n${history.events.length} events.\n\n${formatState(history.state, Date.now())}`);
    if (history.tornBytes > 0) process.stdout.write(`\nThe log ends in ${history.tornBytes} bytes of a torn write; the next run cuts them off.\n`);
  }
  const snapshot = history.snapshot;
  if (snapshot) {
    const upTo = history.events.filter((e) => e.seq <= snapshot.seq);
    const { foldAll } = await import('../state.js');
    const same = JSON.stringify(foldAll(upTo)) === JSON.stringify(snapshot.state);
    if (!json) process.stdout.write(same ? `\nThe snapshot (up to event ${snapshot.seq}) matches the log.\n` : `\nThe snapshot (up to event ${snapshot.seq}) does NOT match the log; the next run rebuilds it from the log.\n`);
    if (!same) return EXIT.updateFailed;
  }
  return EXIT.ok;
}
