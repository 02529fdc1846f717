// A one-shot run (the default, as ipcheck.py): detect, decide, update, record, exit.
import { lastValueFrom, toArray } from 'rxjs';
import { runClock } from '../clock.js';
import type { Config } from '../config.js';
import { describeEvent } from '../describe-event.js';
import { hostResolver } from '../dns-lookup.js';
import type { EventBody } from '../events.js';
import { EXIT, exitStatusFor } from '../exit-status.js';
import { Output } from '../output.js';
import { oneShot } from '../pipeline.js';
import { detectionChains } from '../sources/build-sources.js';
import { catchUpLegacyFiles } from '../sinks/legacy-files.js';
import { readExtraCa } from '../sinks/trusted-certificates.js';
import { Store } from '../store/store.js';
import { VERSION } from '../version.js';

export async function runOnce(config: Config): Promise<number> {
  const output = new Output(config);
  config.warnings.forEach((w) => output.warn(w));
  const now = runClock();
  // Read before the store is touched: a --ca file that holds no certificate is bad input.
  const extraCa = await readExtraCa(config);
  const store = await Store.open({ directory: config.directory, now, lockWaitMs: 10_000 });
  try {
    store.openingWarnings().forEach((warning) => output.warn(warning));
    catchUpLegacyFiles(store.directory, config.hosts, store.state, store.endedWith, now());
    const started = store.record({ type: 'RunStarted', mode: 'once', version: VERSION, hosts: config.hosts, pid: process.pid });
    output.line(describeEvent(started));
    const events = await lastValueFrom(oneShot(config, store, {
      now,
      resolveHost: hostResolver(config.dnsServer),
      ...detectionChains(config, { now, warn: (message) => output.warn(message) }),
      warn: (message) => output.warn(message),
      ...(extraCa ? { extraCa } : {}),
    }).pipe(toArray()));
    for (const event of events) output.line(describeEvent(event));
    const status = exitStatusFor(events);
    const message = finalMessage(status, events);
    if (message) output.line({ level: status === EXIT.ok ? 'info' : 'error', text: message });
    store.record({ type: 'RunFinished', status, ...(message ? { message } : {}) });
    return status;
  } finally {
    await store.close();
  }
}

function finalMessage(status: number, events: readonly EventBody[]): string | undefined {
  switch (status) {
    case EXIT.noAddress: {
      const tried = events.filter((e) => e.type === 'SourceFailed' || e.type === 'CandidateRejected').length;
      return `no usable address was found${tried > 0 ? ' (see above why)' : ''}, so nothing was sent`;
    }
    case EXIT.ok:
      // Not after a test run, nor when a request left unanswered by a crash may not have arrived.
      return events.some((e) => e.type === 'UpdateDecided') || events.some((e) => e.type === 'UpdateSkipped' && (e.reason.startsWith('test run') || e.reason.startsWith('sent at')))
        ? undefined
        : 'the server already has the current address: no update needed';
    case EXIT.updateFailed:
      return events.some((e) => e.type === 'UpdateFailed')
        ? undefined
        : 'nothing was sent: the last attempt failed and the retry time has not come yet (see above); a later run tries again';
    default:
      return undefined;
  }
}
