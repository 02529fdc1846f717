// ipcheck clear [host]: the user says the cause of a fatal answer is fixed. Clears the latch of
// one host, or every latch, records it, and rewrites ipcheck.err.
import { ConfigError } from '../config.js';
import { EXIT } from '../exit-status.js';
import { errLine } from '../legacy/projection.js';
import { readLegacyFiles, writeErr } from '../store/legacy-files.js';
import { LockHeldError } from '../store/lock-file.js';
import { Store } from '../store/store.js';

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
    const state = store.state;
    const targets = Object.entries(state.hosts).filter(([name, h]) => h.latch && (host === undefined || name === host.toLowerCase()));
    if (host !== undefined && targets.length === 0) throw new ConfigError(`${host} is not stopped by an error; ipcheck status shows what is`);
    if (host === undefined && state.account.latch) store.record({ type: 'ErrorCleared', scope: { account: true }, code: state.account.latch.code, by: 'ipcheck clear' });
    for (const [name, h] of targets) store.record({ type: 'ErrorCleared', scope: { host: name }, code: h.latch?.code ?? '', by: 'ipcheck clear' });
    const after = store.state;
    const lines = [
      ...(after.account.latch ? [errLine(after.account.latch)] : []),
      ...Object.entries(after.hosts).flatMap(([name, h]) => (h.latch ? [errLine(h.latch, name)] : [])),
    ];
    writeErr(directory, lines);
    process.stdout.write(targets.length === 0 && host === undefined && !state.account.latch ? 'nothing was stopped\n' : `cleared ${host ?? 'all errors'}\n`);
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
