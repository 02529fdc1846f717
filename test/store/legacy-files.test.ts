// ipcheck.py's data files on disk (reference §4, §9, §10): reading what ipcheck.py or the user
// left, writing them back in the same format, and the gates they are (reconcile against real
// files in a temp directory).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBody } from '../../src/events.js';
import { project } from '../../src/legacy/projection.js';
import { reconcileLegacy } from '../../src/legacy/reconcile.js';
import {
  DAT_FILE,
  ERR_FILE,
  HTML_FILE,
  readLegacyFiles,
  WAIT_FILE,
  writeDat,
  writeErr,
  writeHtml,
  writeWait,
} from '../../src/store/legacy-files.js';
import { EMPTY_STATE, lastRecord, type State } from '../../src/state.js';
import { applied, stateOf as folded } from '../legacy/folded-history.js';

const DAY = 24 * 3600_000;
const MINUTE = 60_000;
const A = 'a.example.org';
const B = 'b.example.org';
const USER = 'alice';
const PASSWORD = 'Secret-pw-9';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ipcheck-legacy-'));
  directories.push(directory);
  return directory;
}

/** A directory holding the given files (name → content), with optional mtimes (ms). */
function dirWith(files: Record<string, string>, mtimes: Record<string, number> = {}): string {
  const directory = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
  for (const [name, mtime] of Object.entries(mtimes)) utimesSync(join(directory, name), mtime / 1000, mtime / 1000);
  return directory;
}

/** Events of the hour before `now`, a second apart. */
function stateOf(now: number, ...bodies: EventBody[]): State {
  return folded(now - 60 * MINUTE, bodies);
}

function reconcileDir(directory: string, state: State, now: number, over: { password?: string } = {}) {
  return reconcileLegacy({
    state,
    files: readLegacyFiles(directory),
    hosts: [A, B],
    username: USER,
    password: over.password ?? PASSWORD,
    sameCredentials: () => over.password === undefined,
    fingerprint: () => 'scrypt:test',
    now,
  });
}

/** Writes the projection of a state as the legacy-files sink does. */
function writeProjectionOf(directory: string, state: State, now: number): void {
  const p = project(state, [A, B], now);
  if (p.dat) writeDat(directory, p.dat.address, p.dat.hosts, p.dat.modifiedAt);
  writeErr(directory, p.errLines);
  writeWait(directory, p.wait);
}

describe('readLegacyFiles: ipcheck.dat', () => {
  const mtime = Date.UTC(2025, 0, 2, 3, 4, 5);
  const rows: { name: string; content: string; dat?: { address: string; hosts: string[] }; problem?: boolean }[] = [
    { name: 'address line then one host per line', content: `1.2.3.4\n${A}\n${B}\n`, dat: { address: '1.2.3.4', hosts: [A, B] } },
    { name: 'no final newline', content: `1.2.3.4\n${A}`, dat: { address: '1.2.3.4', hosts: [A] } },
    { name: 'blank lines are ignored', content: `\n1.2.3.4\n\n${A}\n\n${B}\n\n`, dat: { address: '1.2.3.4', hosts: [A, B] } },
    { name: 'CRLF line ends (edited on Windows)', content: `1.2.3.4\r\n${A}\r\n`, dat: { address: '1.2.3.4', hosts: [A] } },
    { name: '0.0.0.0 (update next time)', content: `0.0.0.0\n${A}\n`, dat: { address: '0.0.0.0', hosts: [A] } },
    { name: 'an address but no host → malformed', content: '1.2.3.4\n', problem: true },
    { name: 'empty file → malformed', content: '', problem: true },
    { name: 'only blank lines → malformed', content: '\n\n  \n', problem: true },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const directory = dirWith({ [DAT_FILE]: row.content }, { [DAT_FILE]: mtime });
      const files = readLegacyFiles(directory);
      if (row.dat) {
        assert.deepEqual(files.dat, { ...row.dat, modifiedAt: mtime });
        assert.equal(files.datProblem, undefined);
      }
      if (row.problem) {
        assert.equal(files.dat, undefined);
        assert.match(files.datProblem ?? '', /ipcheck\.dat/);
      }
    });
  }

  test('absent → no dat and no problem', () => {
    const files = readLegacyFiles(tempDir());
    assert.deepEqual(files, {});
  });
});

describe('readLegacyFiles: ipcheck.err', () => {
  test('one entry per line, code then arguments; blank lines ignored', () => {
    const directory = dirWith({ [ERR_FILE]: `nohost ${A}\n\nbadauth ${USER} ${PASSWORD}\n  abuse ${B}  \n` });
    assert.deepEqual(readLegacyFiles(directory).err, [
      { code: 'nohost', args: [A], raw: `nohost ${A}` },
      { code: 'badauth', args: [USER, PASSWORD], raw: `badauth ${USER} ${PASSWORD}` },
      { code: 'abuse', args: [B], raw: `abuse ${B}` },
    ]);
  });
  test('an empty file is present (latched nothing, but present)', () => {
    assert.deepEqual(readLegacyFiles(dirWith({ [ERR_FILE]: '' })).err, []);
  });
});

describe('readLegacyFiles: ipcheck.wait', () => {
  const rows: { name: string; content: string; code?: string; receivedAt?: number }[] = [
    // The reference's [verified] examples of files written by ipcheck.py.
    { name: 'w30m / 1795590073.642887', content: 'w30m\n1795590073.642887\n', code: 'w30m', receivedAt: 1795590073642.887 },
    { name: 'u 61080 / 1795590073.991851', content: 'u 61080\n1795590073.991851\n', code: 'u 61080', receivedAt: 1795590073991.851 },
    { name: 'an integer time', content: 'w05m\n1700000000\n', code: 'w05m', receivedAt: 1700000000000 },
    { name: 'only the first pair is read (appended file)', content: 'w30m\n1700000000.5\nw10m\n1700000100.0\n', code: 'w30m', receivedAt: 1700000000500 },
    { name: 'a time that is not a number → invalid', content: 'w30m\nabc\n' },
    { name: 'a time of 0 → invalid (reference §9)', content: 'w30m\n0\n' },
    { name: 'no time line → invalid', content: 'w30m\n' },
    { name: 'empty → invalid', content: '' },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const files = readLegacyFiles(dirWith({ [WAIT_FILE]: row.content }));
      if (row.code === undefined) {
        assert.equal(files.wait, undefined);
        assert.match(files.waitProblem ?? '', /ipcheck\.wait/);
        return;
      }
      assert.equal(files.wait?.code, row.code);
      assert.ok(Math.abs((files.wait?.receivedAt ?? 0) - (row.receivedAt as number)) < 1, `${files.wait?.receivedAt} vs ${row.receivedAt}`);
    });
  }
});

describe('writing the files in ipcheck.py\'s format', () => {
  test('writeDat: address, hosts, every line \\n-terminated, mtime = the time of the last update', () => {
    const directory = tempDir();
    const when = Date.UTC(2025, 2, 3, 4, 5, 6);
    writeDat(directory, '1.2.3.4', [A, B], when);
    assert.equal(readFileSync(join(directory, DAT_FILE), 'utf8'), `1.2.3.4\n${A}\n${B}\n`);
    assert.ok(Math.abs(statSync(join(directory, DAT_FILE)).mtimeMs - when) < 1000);
    assert.deepEqual(readLegacyFiles(directory).dat?.hosts, [A, B]);
  });
  test('writeErr: one line each; no lines removes the file', () => {
    const directory = tempDir();
    writeErr(directory, [`badauth ${USER}`, `nohost ${A}`]);
    assert.equal(readFileSync(join(directory, ERR_FILE), 'utf8'), `badauth ${USER}\nnohost ${A}\n`);
    writeErr(directory, []);
    assert.equal(existsSync(join(directory, ERR_FILE)), false);
    writeErr(directory, []); // absent already: no error
  });
  test('writeWait: code line then the time in seconds; undefined removes the file', () => {
    const directory = tempDir();
    writeWait(directory, { code: 'u 1800', receivedAt: 1700000000250 });
    const [code, time] = readFileSync(join(directory, WAIT_FILE), 'utf8').split('\n');
    assert.equal(code, 'u 1800');
    assert.ok(Math.abs(Number.parseFloat(time ?? '') - 1700000000.25) < 0.001, time);
    writeWait(directory, undefined);
    assert.equal(existsSync(join(directory, WAIT_FILE)), false);
  });
  test('writeHtml: the raw reply body', () => {
    const directory = tempDir();
    writeHtml(directory, 'good 1.2.3.4\nnohost\n');
    assert.equal(readFileSync(join(directory, HTML_FILE), 'utf8'), 'good 1.2.3.4\nnohost\n');
  });
});

describe('the files as gates (reconcile against files on disk)', () => {
  const now = Date.UTC(2025, 5, 15, 12, 0, 0);
  const updated = (host: string): EventBody => ({ type: 'HostUpdated', host, family: 'ipv4', address: '1.2.3.4', code: 'good', offline: false });

  test('what the state writes reads back as nothing new', () => {
    const state = stateOf(now, updated(A), updated(B),
      { type: 'HostLatched', scope: { host: B }, code: 'nohost', detail: '', message: 'm' },
      { type: 'HostLatched', scope: { account: true }, code: 'badsys', detail: 'statdns', message: 'm' },
      { type: 'WaitRequested', scope: { host: A }, code: 'w30m', until: now + 20 * MINUTE, message: 'm' });
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    const r = reconcileDir(directory, state, now);
    assert.deepEqual(r.events, []);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.needsMakedat, false);
  });

  test('ipcheck.dat absent → resolve in DNS', () => {
    const r = reconcileDir(tempDir(), EMPTY_STATE, now);
    assert.equal(r.needsMakedat, true);
  });

  test('ipcheck.dat malformed → resolve in DNS, with a warning', () => {
    const r = reconcileDir(dirWith({ [DAT_FILE]: 'not an address\n' }), EMPTY_STATE, now);
    assert.equal(r.needsMakedat, true);
    assert.ok(r.warnings.length > 0);
  });

  test('ipcheck.dat left by ipcheck.py → DatFileRead with the file\'s mtime', () => {
    const mtime = now - 3 * DAY;
    const directory = dirWith({ [DAT_FILE]: `1.2.3.4\n${A}\n${B}\n` }, { [DAT_FILE]: mtime });
    const r = reconcileDir(directory, EMPTY_STATE, now);
    assert.deepEqual(r.events, [{ type: 'DatFileRead', address: '1.2.3.4', hosts: [A, B], modifiedAt: mtime, origin: 'file' }]);
  });

  test('ipcheck.dat touched back in time (touch -d "26 days ago") → DatFileRead with the old time', () => {
    const state = stateOf(now, updated(A), updated(B));
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    const old = now - 26 * DAY;
    utimesSync(join(directory, DAT_FILE), old / 1000, old / 1000);
    const r = reconcileDir(directory, state, now);
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0]?.type, 'DatFileRead');
    const after = applied(state, r.events, now);
    assert.ok(Math.abs((lastRecord(after, A, 'ipv4')?.updatedAt ?? 0) - old) < 1000);
  });

  test('0.0.0.0 written into ipcheck.dat → the records are dropped (update next run)', () => {
    const state = stateOf(now, updated(A), updated(B));
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    writeFileSync(join(directory, DAT_FILE), `0.0.0.0\n${A}\n${B}\n`);
    const after = applied(state, reconcileDir(directory, state, now).events, now);
    assert.equal(lastRecord(after, A, 'ipv4'), undefined);
    assert.equal(lastRecord(after, B, 'ipv4'), undefined);
  });

  test('ipcheck.err removed → ErrorCleared', () => {
    const state = stateOf(now, { type: 'HostLatched', scope: { host: A }, code: 'nohost', detail: '', message: 'm' });
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    assert.ok(existsSync(join(directory, ERR_FILE)));
    unlinkSync(join(directory, ERR_FILE));
    const r = reconcileDir(directory, state, now);
    assert.deepEqual(r.events.filter((e) => e.type === 'ErrorCleared').map((e) => 'scope' in e && e.scope), [{ host: A }]);
  });

  test('a line removed from ipcheck.err → that latch only is cleared', () => {
    const state = stateOf(now,
      { type: 'HostLatched', scope: { host: A }, code: 'nohost', detail: '', message: 'm' },
      { type: 'HostLatched', scope: { host: B }, code: 'abuse', detail: '', message: 'm' });
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    writeFileSync(join(directory, ERR_FILE), `abuse ${B}\n`);
    const after = applied(state, reconcileDir(directory, state, now).events, now);
    assert.equal(after.hosts[A]?.latch, undefined);
    assert.equal(after.hosts[B]?.latch?.code, 'abuse');
  });

  test('ipcheck.py\'s "badauth user password", same credentials → latched, and rewritten without the password', () => {
    const directory = dirWith({ [ERR_FILE]: `badauth ${USER} ${PASSWORD}\n` });
    const r = reconcileDir(directory, EMPTY_STATE, now);
    const state = applied(EMPTY_STATE, r.events, now);
    assert.equal(state.account.latch?.code, 'badauth');
    writeProjectionOf(directory, state, now);
    const written = readFileSync(join(directory, ERR_FILE), 'utf8');
    assert.equal(written, `badauth ${USER}\n`);
    assert.ok(!written.includes(PASSWORD));
  });

  test('ipcheck.py\'s "badauth user password", different password → not latched', () => {
    const directory = dirWith({ [ERR_FILE]: `badauth ${USER} old-password\n` });
    const r = reconcileDir(directory, EMPTY_STATE, now);
    assert.equal(applied(EMPTY_STATE, r.events, now).account.latch, undefined);
  });

  test('a per-host line for a host not configured is ignored; an unknown line latches the account, quoted', () => {
    const directory = dirWith({ [ERR_FILE]: 'nohost other.example.org\nsomething odd\n' });
    const r = reconcileDir(directory, EMPTY_STATE, now);
    assert.equal(r.events.length, 1);
    const event = r.events[0] as Extract<EventBody, { type: 'HostLatched' }>;
    assert.deepEqual(event.scope, { account: true });
    assert.ok(event.message.includes('something odd'), event.message);
  });

  test('ipcheck.wait removed → WaitCleared', () => {
    const state = stateOf(now, { type: 'WaitRequested', scope: { host: A }, code: 'w30m', until: now + 20 * MINUTE, message: 'm' });
    const directory = tempDir();
    writeProjectionOf(directory, state, now);
    assert.ok(existsSync(join(directory, WAIT_FILE)));
    unlinkSync(join(directory, WAIT_FILE));
    const after = applied(state, reconcileDir(directory, state, now).events, now);
    assert.equal(after.hosts[A]?.wait, undefined);
  });

  const waitRows: { name: string; content: string; until: number | null }[] = [
    { name: 'w30m received 10 minutes ago → wait 20 more minutes', content: `w30m\n${(now - 10 * MINUTE) / 1000}\n`, until: now + 20 * MINUTE },
    { name: 'u 600 received 1 minute ago → wait 9 more minutes', content: `u 600\n${(now - MINUTE) / 1000}\n`, until: now + 9 * MINUTE },
    { name: 'w30m received an hour ago has expired → ignored', content: `w30m\n${(now - 60 * MINUTE) / 1000}\n`, until: null },
    { name: 'a corrupt far-future wait is capped at a day', content: `u 99999999\n${(now - MINUTE) / 1000}\n`, until: now - MINUTE + DAY },
  ];
  for (const row of waitRows) {
    test(`ipcheck.wait left by ipcheck.py: ${row.name}`, () => {
      const r = reconcileDir(dirWith({ [WAIT_FILE]: row.content }), EMPTY_STATE, now);
      const waits = r.events.filter((e): e is Extract<EventBody, { type: 'WaitRequested' }> => e.type === 'WaitRequested');
      if (row.until === null) {
        assert.deepEqual(waits, []);
        return;
      }
      assert.equal(waits.length, 1);
      assert.ok(Math.abs((waits[0]?.until ?? 0) - row.until) < 10, `${waits[0]?.until} vs ${row.until}`);
      assert.ok((waits[0]?.until ?? Infinity) <= now + DAY);
    });
  }
});
