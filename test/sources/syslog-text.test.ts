import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { syslogText } from '../../src/sources/syslog-text.js';
import type { SourceEvent } from '../../src/sources/source.js';
import { record } from '../support/observable-recorder.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipcheck-syslog-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = { now: () => Date.now() };
const TEXT = 'local  IP address';
const pppLine = (address: string) => `Nov 25 08:00:01 gw pppd[812]: ${TEXT} ${address}`;
const noise = (n: number) => Array.from({ length: n }, (_, i) => `Nov 25 08:00:${String(i % 60).padStart(2, '0')} gw CRON[${i}]: (root) CMD (run-parts 10.0.0.${i % 250})`);

async function logFile(name: string, lines: readonly string[], ending = '\n'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join(ending) + ending);
  return path;
}

const once = (source: { once(): import('rxjs').Observable<SourceEvent> }) => firstValueFrom(source.once().pipe(toArray()));
const isObserved = (address: string) => (e: SourceEvent) => e.type === 'CandidateObserved' && e.address === address;

describe('syslogText once()', () => {
  test('several matches: the address after the last one wins', async () => {
    const path = await logFile('several.log', [pppLine('81.2.69.1'), ...noise(50), pppLine('81.2.69.2'), ...noise(20)]);
    const events = await once(syslogText({ text: TEXT, files: [path], allowPrivate: false }, deps));
    assert.deepEqual(events, [{ type: 'CandidateObserved', source: `syslog "${TEXT}"`, family: 'ipv4', address: '81.2.69.2' }]);
  });

  test('a match split across the backwards-read block boundary', async () => {
    const path = await logFile('split.log', [pppLine('81.2.69.160'), 'tail line']);
    for (const blockSize of [3, 10, 29]) {
      const events = await once(syslogText({ text: TEXT, files: [path], allowPrivate: false, blockSize }, deps));
      assert.ok(events.some(isObserved('81.2.69.160')), `blockSize ${blockSize}: ${JSON.stringify(events)}`);
    }
  });

  test('CRLF log lines', async () => {
    const path = await logFile('crlf.log', [...noise(3), pppLine('81.2.69.160'), ...noise(3)], '\r\n');
    const events = await once(syslogText({ text: TEXT, files: [path], allowPrivate: false, blockSize: 16 }, deps));
    assert.ok(events.some(isObserved('81.2.69.160')));
  });

  test('the first address after the text may be on a later line (as ipcheck.py read it)', async () => {
    const path = await logFile('later-line.log', ['Nov 25 gw pppd: IP address follows', 'Nov 25 gw pppd: 81.2.69.160', 'Nov 25 gw pppd: 81.2.69.200']);
    const events = await once(syslogText({ text: 'address follows', files: [path], allowPrivate: false }, deps));
    assert.ok(events.some(isObserved('81.2.69.160')), JSON.stringify(events));
  });

  test('no match: SourceFailed naming the text, the file and the fix', async () => {
    const path = await logFile('none.log', noise(10));
    const events = await once(syslogText({ text: 'ppp0 up', files: [path], allowPrivate: false }, deps));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'SourceFailed');
    assert.match(events[0]?.type === 'SourceFailed' ? events[0].reason : '', /no line of .*none\.log contains "ppp0 up".*--syslog-file PATH/);
  });

  test('a private address is rejected with the reason, and accepted with allowPrivate', async () => {
    const path = await logFile('private.log', [pppLine('10.64.0.7')]);
    const events = await once(syslogText({ text: TEXT, files: [path], allowPrivate: false }, deps));
    assert.deepEqual(events.map((e) => e.type), ['CandidateRejected', 'SourceFailed']);
    assert.match(events[1]?.type === 'SourceFailed' ? events[1].reason : '', /10\.64\.0\.7 is private \(RFC 1918\).*--allow-private/);
    const allowed = await once(syslogText({ text: TEXT, files: [path], allowPrivate: true }, deps));
    assert.ok(allowed.some(isObserved('10.64.0.7')));
  });

  test('the first file of the list that exists is read; none → SourceFailed with --syslog-file', async () => {
    const path = await logFile('second.log', [pppLine('81.2.69.160')]);
    const events = await once(syslogText({ text: TEXT, files: [join(dir, 'absent.log'), path], allowPrivate: false }, deps));
    assert.ok(events.some(isObserved('81.2.69.160')));
    const none = await once(syslogText({ text: TEXT, files: [join(dir, 'a.log'), join(dir, 'b.log')], allowPrivate: false }, deps));
    assert.equal(none[0]?.type, 'SourceFailed');
    assert.match(none[0]?.type === 'SourceFailed' ? none[0].reason : '', /none of .*a\.log, .*b\.log exists; give the system log with --syslog-file PATH/);
  });

  test('an empty text is refused', async () => {
    const events = await once(syslogText({ text: '', files: [join(dir, 'x')], allowPrivate: false }, deps));
    assert.equal(events[0]?.type, 'SourceFailed');
  });
});

describe('syslogText watch()', () => {
  const fast = { pollMs: 50, missingGraceMs: 60_000 };

  test('the last match now, then each new matching line; follows rotation and truncation', async () => {
    const path = await logFile('watch.log', [pppLine('81.2.69.1'), ...noise(5)]);
    const recorder = record(syslogText({ text: TEXT, files: [path], allowPrivate: false, ...fast }, deps).watch());
    try {
      await recorder.waitFor(isObserved('81.2.69.1'), { what: 'the address already in the log' });
      await appendFile(path, `${noise(2).join('\n')}\n${pppLine('81.2.69.2')}\n`);
      await recorder.waitFor(isObserved('81.2.69.2'), { what: 'an appended match' });

      // Rotation: the log is renamed away and a new one created.
      await rename(path, `${path}.1`);
      await writeFile(path, `${pppLine('81.2.69.3')}\n`);
      await recorder.waitFor(isObserved('81.2.69.3'), { what: 'a match in the new file after rotation' });

      // Truncation (copytruncate), then a new line.
      await truncate(path, 0);
      await appendFile(path, `${pppLine('81.2.69.4')}\n`);
      await recorder.waitFor(isObserved('81.2.69.4'), { what: 'a match after truncation' });

      assert.deepEqual(
        recorder.values.filter((e) => e.type === 'CandidateObserved').map((e) => (e.type === 'CandidateObserved' ? e.address : '')),
        ['81.2.69.1', '81.2.69.2', '81.2.69.3', '81.2.69.4'],
      );
      assert.equal(recorder.errors.length, 0);
    } finally {
      recorder.stop();
    }
  });

  test('a log that does not exist yet: SourceFailed, then its matches once it appears', async () => {
    const path = join(dir, 'not-yet.log');
    const recorder = record(syslogText({ text: TEXT, files: [path], allowPrivate: false, ...fast }, deps).watch());
    try {
      const failure = await recorder.waitFor((e) => e.type === 'SourceFailed');
      assert.match(failure.type === 'SourceFailed' ? failure.reason : '', /not-yet\.log does not exist/);
      await writeFile(path, `${pppLine('81.2.69.160')}\n`);
      await recorder.waitFor(isObserved('81.2.69.160'));
      await appendFile(path, `${pppLine('81.2.69.161')}\n`);
      await recorder.waitFor(isObserved('81.2.69.161'));
    } finally {
      recorder.stop();
    }
  });

  test('a followed log that stays gone is reported after the grace time', async () => {
    const path = await logFile('vanishing.log', [pppLine('81.2.69.160')]);
    const recorder = record(syslogText({ text: TEXT, files: [path], allowPrivate: false, pollMs: 50, missingGraceMs: 200 }, deps).watch());
    try {
      await recorder.waitFor(isObserved('81.2.69.160'));
      await rm(path);
      const failure = await recorder.waitFor((e) => e.type === 'SourceFailed');
      assert.match(failure.type === 'SourceFailed' ? failure.reason : '', /vanishing\.log disappeared and has not come back/);
    } finally {
      recorder.stop();
    }
  });
});
