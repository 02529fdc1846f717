// ipcheck clear [host]: the user says the cause of a fatal answer is fixed. Clears the latch of
// one host, or every latch, records it, and rewrites ipcheck.err.
import { ConfigError } from '../config.js';
import { EXIT } from '../exit-status.js';
import { project } from '../legacy/projection.js';
import { readLegacyFiles, writeErr } from '../store/legacy-files.js';
import { LockHeldError } from '../store/lock-file.js';
import { Store } from '../store/store.js';
import { latchClearings } from '../state.js';

export async function runClear(directory: string, host: string | undefined): Promise<number> {
  let store: Store;
  try {
    store = await Store.open({ directory, now: () => Date.now(), lockWaitMs: 2_000 });
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    // A daemon holds the directory: edit ipcheck.err, which it watches as a gate.
    return clearThroughErrFile(directory, host, error.pid);
  }
  try {
    const clearings = latchClearings(store.state, 'ipcheck clear', host?.toLowerCase());
    if (host !== undefined && clearings.length === 0) throw new ConfigError(`${host} is not stopped by an error; ipcheck status shows what is`);
    clearings.forEach((event) => store.record(event));
    writeErr(directory, project(store.state, Object.keys(store.state.hosts), Date.now()).errLines);
    process.stdout.write(clearings.length === 0 ? 'nothing was stopped\n' : `cleared ${host ?? 'all errors'}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function clearThroughErrFile(directory: string, host: string | undefined, pid: number): number {
  const lines = readLegacyFiles(directory).err ?? [];
  const kept = host === undefined ? [] : lines.filter((line) => line.args[0] !== host.toLowerCase()).map((line) => line.raw);
  if (host !== undefined && kept.length === lines.length) throw new ConfigError(`${host} is not stopped by an error; ipcheck status shows what is`);
  writeErr(directory, kept);
  process.stdout.write(`cleared ${host ?? 'all errors'} in ipcheck.err; the running daemon (pid ${pid}) takes it up\n`);
  return EXIT.ok;
}
