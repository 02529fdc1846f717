// --daemon: the same pipeline, continuously, for one account or each [account NAME] of the
// --config files. One daemon per data directory (the lock; a second one is refused with the
// first one's pid). SIGTERM and SIGINT stop it after the event in flight is written; SIGUSR1
// re-checks now; SIGHUP re-reads the configuration (ipcheck.err, the --config files, the
// account file) and re-checks.
import { Subject } from 'rxjs';
import { runClock } from '../clock.js';
import type { Config } from '../config.js';
import type { EventOf } from '../events.js';
import { EXIT } from '../exit-status.js';
import { Output } from '../output.js';
import { DaemonAccount } from './daemon-account.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const;

export async function runDaemon(initial: readonly Config[], reload: () => Config[]): Promise<number> {
  const now = runClock();
  const rechecks = new Subject<EventOf<'RecheckStarted'>>();
  let finish: (status: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  let stopping: string | undefined;
  let opened = false;
  let failure = false;
  const accounts: DaemonAccount[] = [];
  const stopAll = (why: string) => {
    void Promise.allSettled(accounts.map((account) => account.stop(why))).then(() => finish(failure ? EXIT.updateFailed : EXIT.ok));
  };
  // A stop asked for while the accounts are still opening happens once they are open.
  const stop = (why: string) => {
    if (stopping) return;
    stopping = why;
    if (opened) stopAll(why);
  };
  const failed = () => { failure = true; stop('error'); };
  const output = new Output(initial[0] as Config);

  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGUSR1') {
      rechecks.next({ type: 'RecheckStarted', reason: 'SIGUSR1' });
    } else if (signal === 'SIGHUP') {
      try {
        const next = reload();
        if (next.length !== accounts.length || next.some((c, i) => c.account !== accounts[i]?.name)) {
          throw new Error('the accounts themselves changed; restart the daemon to add or remove one');
        }
        next.forEach((config, i) => accounts[i]?.reconfigure(config));
        rechecks.next({ type: 'RecheckStarted', reason: 'SIGHUP' });
      } catch (error) {
        output.error(`SIGHUP: the new configuration was not taken (${(error as Error).message}); the old one stays in force`);
      }
    } else {
      stop(signal);
    }
  };
  // Signals are handled from the start, so that a SIGTERM during start-up is not lost.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.title = 'ipcheck [daemon]';
  try {
    for (const config of initial) {
      if (stopping) break;
      accounts.push(await DaemonAccount.open(config, now, rechecks, failed));
    }
  } catch (error) {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    await Promise.allSettled(accounts.map((account) => account.stop('a start-up error')));
    throw error;
  }
  opened = true;
  if (stopping) stopAll(stopping);
  const status = await finished;
  for (const signal of SIGNALS) process.off(signal, onSignal);
  return status;
}
