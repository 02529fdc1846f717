// A realistic event log of years of cron runs every five minutes: mostly "same address, no
// update", now and then a new address and its update, a failing detection method, a rejected
// private address, a server asking to wait. Lines are written exactly as EventLog.append
// writes them (`{seq, at, ...body}` as JSON), but in large batches and without an fsync each.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { EventBody } from '../src/events.js';
import { VERSION } from '../src/version.js';

export interface GeneratedLog {
  readonly path: string;
  readonly events: number;
  readonly bytes: number;
  readonly runs: number;
}

export interface GeneratorOptions {
  readonly hosts: readonly string[];
  /** Time of the last event (ms); the log reaches back count / ~4.3 runs of five minutes. */
  readonly endAt: number;
  /** Update URL written in UpdateAttempted events. */
  readonly serverUrl: string;
}

const RUN_EVERY_MS = 5 * 60_000;
const BATCH_BYTES = 4 << 20;
const SOURCE = 'web page checkip.dyndns.org';

/** A small deterministic generator (mulberry32), so two runs of the bench write the same log. */
function randomSequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events of one cron run, given the address the server has and what happens this time. */
function runEvents(hosts: readonly string[], current: string, next: string, roll: number, serverUrl: string): EventBody[] {
  const list = [...hosts];
  const started: EventBody = { type: 'RunStarted', mode: 'once', version: VERSION, hosts: list, pid: 1000 + Math.floor(roll * 30_000) };
  const observed = (address: string): EventBody => ({ type: 'CandidateObserved', source: SOURCE, family: 'ipv4', address });
  if (roll < 0.04) {
    // The address changed: decide, attempt (synced before sending), reply, one HostUpdated per host.
    const query = `system=dyndns&hostname=${list.join(',')}&myip=${next}&wildcard=NOCHG&backmx=NOCHG&mx=NOCHG`;
    return [
      started,
      observed(next),
      { type: 'UpdateDecided', hosts: list, family: 'ipv4', address: next, reason: 'changed' },
      { type: 'UpdateAttempted', hosts: list, family: 'ipv4', address: next, offline: false, url: `${serverUrl}/nic/update?${query}` },
      { type: 'ReplyReceived', hosts: list, status: 200, body: list.map(() => `good ${next}`).join('\n') },
      ...list.map((host): EventBody => ({ type: 'HostUpdated', host, family: 'ipv4', address: next, code: 'good', offline: false })),
      { type: 'RunFinished', status: 0 },
    ];
  }
  if (roll < 0.07) {
    // The check page timed out; the interface answered instead.
    return [
      started,
      { type: 'SourceFailed', source: SOURCE, reason: `no answer from checkip.dyndns.org within 10 s; check the network or use another method` },
      { type: 'SourceSwitched', from: SOURCE, to: 'interface ppp0', reason: 'the previous method failed' },
      { type: 'CandidateObserved', source: 'interface ppp0', family: 'ipv4', address: current },
      { type: 'UpdateSkipped', hosts: list, address: current, reason: `the server already has ${current}` },
      { type: 'RunFinished', status: 0, message: 'the server already has the current address: no update needed' },
    ];
  }
  if (roll < 0.08) {
    // The modem was still connecting: a private address, rejected.
    return [
      started,
      { type: 'CandidateRejected', source: SOURCE, address: '192.168.1.20', reason: '192.168.1.20 is private (RFC 1918), not reachable from the internet' },
      { type: 'RunFinished', status: 5, message: 'no usable address was found (see above why), so nothing was sent' },
    ];
  }
  if (roll < 0.082) {
    // Refresh day and the server is in maintenance: it asks to wait (long over by the log's end).
    return [
      started,
      observed(current),
      { type: 'UpdateDecided', hosts: list, family: 'ipv4', address: current, reason: 'refresh' },
      { type: 'UpdateAttempted', hosts: list, family: 'ipv4', address: current, offline: false, url: `${serverUrl}/nic/update?hostname=${list.join(',')}&myip=${current}` },
      { type: 'ReplyReceived', hosts: list, status: 200, body: '911' },
      { type: 'WaitRequested', scope: { account: true }, code: 'server', until: 0, message: 'the server is in maintenance (911): waiting 30 minutes' },
      { type: 'RunFinished', status: 3 },
    ];
  }
  return [
    started,
    observed(current),
    { type: 'UpdateSkipped', hosts: list, address: current, reason: `the server already has ${current}` },
    { type: 'RunFinished', status: 0, message: 'the server already has the current address: no update needed' },
  ];
}

/** Writes whole runs to `path` (replacing it) until it holds at least `count` events. */
export function writeEventLog(path: string, count: number, options: GeneratorOptions): GeneratedLog {
  const random = randomSequence(0x1a2b3c4d);
  const averageEventsPerRun = 4.3;
  let at = options.endAt - Math.ceil(count / averageEventsPerRun) * RUN_EVERY_MS;
  let seq = 0;
  let bytes = 0;
  let runs = 0;
  let current = '81.2.69.160';
  const fd = openSync(path, 'w', 0o600);
  try {
    let batch: string[] = [];
    let batchBytes = 0;
    const flush = (): void => {
      const buffer = Buffer.from(batch.join(''), 'utf8');
      let written = 0;
      while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
      bytes += buffer.length;
      batch = [];
      batchBytes = 0;
    };
    while (seq < count) {
      const roll = random();
      const next = `81.2.${70 + Math.floor(random() * 50)}.${1 + Math.floor(random() * 250)}`;
      const events = runEvents(options.hosts, current, next, roll, options.serverUrl);
      if (events.some((e) => e.type === 'HostUpdated')) current = next;
      runs++;
      events.forEach((body, index) => {
        seq++;
        // A run's events are milliseconds apart; a wait's end is 30 minutes after it is asked.
        const eventAt = at + index * 7;
        const written = body.type === 'WaitRequested' ? { ...body, until: eventAt + 30 * 60_000 } : body;
        const line = `${JSON.stringify({ seq, at: eventAt, ...written })}\n`;
        batch.push(line);
        batchBytes += line.length;
      });
      if (batchBytes >= BATCH_BYTES) flush();
      at += RUN_EVERY_MS;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { path, events: seq, bytes, runs };
}
