import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followLines, type FollowEvent } from '../../../src/sources/log-scan/follow-lines.js';
import { record } from '../../support/observable-recorder.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipcheck-follow-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const isLine = (text: string) => (event: FollowEvent) => event.kind === 'line' && event.text === text;
const lines = (events: readonly FollowEvent[]) => events.flatMap((e) => (e.kind === 'line' ? [e.text] : []));

describe('followLines', () => {
  test('gives appended lines, not the old ones, and joins a line written in two pieces', async () => {
    const path = join(dir, 'append.log');
    await writeFile(path, 'old 1\nold 2\n');
    const recorder = record(followLines(path, { pollMs: 50 }));
    try {
      await recorder.waitFor((e) => e.kind === 'opened');
      await appendFile(path, 'new 1\r\nnew ');
      await recorder.waitFor(isLine('new 1'));
      await appendFile(path, '2\n');
      await recorder.waitFor(isLine('new 2'));
      assert.deepEqual(lines(recorder.values), ['new 1', 'new 2']);
    } finally {
      recorder.stop();
    }
  });

  test('continues from a position reached by a scan, only if the file is the same', async () => {
    const path = join(dir, 'position.log');
    await writeFile(path, 'scanned\nnot scanned\n');
    const { ino } = await stat(path);
    const recorder = record(followLines(path, { pollMs: 50, from: { position: 'scanned\n'.length, ino } }));
    try {
      await recorder.waitFor(isLine('not scanned'));
      assert.deepEqual(lines(recorder.values), ['not scanned']);
    } finally {
      recorder.stop();
    }
  });

  test('rotation: the rest of the old file, then the new file from its start', async () => {
    const path = join(dir, 'rotate.log');
    await writeFile(path, 'before\n');
    const recorder = record(followLines(path, { pollMs: 50 }));
    try {
      await recorder.waitFor((e) => e.kind === 'opened');
      await appendFile(path, 'last of old\n');
      await rename(path, `${path}.1`);
      await writeFile(path, 'first of new\n');
      await recorder.waitFor(isLine('first of new'));
      await appendFile(path, 'second of new\n');
      await recorder.waitFor(isLine('second of new'));
      assert.deepEqual(lines(recorder.values), ['last of old', 'first of new', 'second of new']);
      assert.ok(recorder.values.some((e) => e.kind === 'opened' && (e.after === 'rotated' || e.after === 'appeared')));
    } finally {
      recorder.stop();
    }
  });

  test('truncation: reading starts again at the beginning', async () => {
    const path = join(dir, 'truncate.log');
    await writeFile(path, 'a fairly long first line that makes the file big\n');
    const recorder = record(followLines(path, { pollMs: 50 }));
    try {
      await recorder.waitFor((e) => e.kind === 'opened');
      // Truncate and write at once, as `>` or copytruncate plus a fast logger would.
      await truncate(path, 0);
      await appendFile(path, 'after truncation\n');
      await recorder.waitFor(isLine('after truncation'));
      assert.ok(recorder.values.some((e) => e.kind === 'truncated'));
      assert.deepEqual(lines(recorder.values), ['after truncation']);
    } finally {
      recorder.stop();
    }
  });

  test('a file that does not exist yet: missing, then all its lines once it appears', async () => {
    const path = join(dir, 'later', 'late.log');
    const recorder = record(followLines(path, { pollMs: 50 }));
    try {
      await recorder.waitFor((e) => e.kind === 'missing');
      await rm(join(dir, 'later'), { recursive: true, force: true });
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'later'));
      await writeFile(path, 'first\nsecond\n');
      await recorder.waitFor(isLine('second'));
      assert.deepEqual(lines(recorder.values), ['first', 'second']);
    } finally {
      recorder.stop();
    }
  });
});
