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
import { Store } from '../store/store.js';
import { VERSION } from '../version.js';

export async function runOnce(config: Config): Promise<number> {
  const output = new Output(config);
  config.warnings.forEach((w) => output.warn(w));
  const now = runClock();
  const store = await Store.open({ directory: config.directory, now, lockWaitMs: 10_000 });
  try {
    if (store.repair) output.warn(`the event log ended in a torn write (${store.repair.cutBytes} bytes, as after a power cut); it was cut back to the last complete event`);
    const started = store.record({ type: 'RunStarted', mode: 'once', version: VERSION, hosts: config.hosts, pid: process.pid });
    output.line(describeEvent(started));
    const dispatcher = await dispatcherFor(config);
    const events = await lastValueFrom(oneShot(config, store, {
      now,
      resolveHost: hostResolver(config.dnsServer),
      ...detectionChains(config, { now, warn: (message) => output.warn(message) }),
      warn: (message) => output.warn(message),
      ...(dispatcher ? { dispatcher } : {}),
    }).pipe(toArray()));
    for (const event of events) output.line(describeEvent(event));
    const status = exitStatusFor(events);
    const message = finalMessage(status, events);
    if (message) output.line({ level: status === EXIT.ok ? 'info' : 'error', text: message });
    store.record({ type: 'RunFinished', status, ...(message ? { message } : {}) });
    await dispatcher?.close();
    return status;
  } finally {
    await store.close();
  }
}

async function dispatcherFor(config: Config) {
  if (!config.caFile) return undefined;
  const { readFileSync } = await import('node:fs');
  const { Agent } = await import('undici');
  const ca = readFileSync(config.caFile, 'utf8');
  const { rootCertificates } = await import('node:tls');
  return new Agent({ connect: { ca: [...rootCertificates, ca], timeout: config.connectTimeoutMs } });
}

function finalMessage(status: number, events: readonly EventBody[]): string | undefined {
  switch (status) {
    case EXIT.noAddress: {
      const tried = events.filter((e) => e.type === 'SourceFailed' || e.type === 'CandidateRejected').length;
      return `no usable address was found${tried > 0 ? ' (see above why)' : ''}, so nothing was sent`;
    }
    case EXIT.ok:
      return events.some((e) => e.type === 'UpdateDecided') || events.some((e) => e.type === 'UpdateSkipped' && e.reason.startsWith('test run'))
        ? undefined
        : 'the server already has the current address: no update needed';
    default:
      return undefined;
  }
}
