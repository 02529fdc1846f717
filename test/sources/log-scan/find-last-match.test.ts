import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLastMatch } from '../../../src/sources/log-scan/find-last-match.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipcheck-find-last-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ppp = (line: string) => (line.includes('local  IP address') ? line.slice(line.lastIndexOf(' ') + 1) : undefined);

describe('findLastMatch', () => {
  test('several matches: the last one wins', async () => {
    const path = join(dir, 'several.log');
    await writeFile(
      path,
      [
        'Nov 25 07:00:01 gw pppd[1]: local  IP address 81.2.69.1',
        'Nov 25 07:00:02 gw kernel: noise',
        'Nov 25 08:00:01 gw pppd[1]: local  IP address 81.2.69.2',
        'Nov 25 08:00:02 gw kernel: more noise',
        '',
      ].join('\n'),
    );
    assert.equal(await findLastMatch(path, ppp), '81.2.69.2');
  });

  test('a match split across a block boundary is found whole', async () => {
    const path = join(dir, 'split.log');
    const line = 'Nov 25 08:00:01 gw pppd[1]: local  IP address 81.2.69.160';
    await writeFile(path, `${line}\n${'noise line\n'.repeat(3)}`);
    for (const blockSize of [1, 5, 16, 17, 33, 64]) {
      assert.equal(await findLastMatch(path, ppp, { blockSize }), '81.2.69.160', `blockSize ${blockSize}`);
    }
  });

  test('CRLF logs match without the CR', async () => {
    const path = join(dir, 'crlf.log');
    await writeFile(path, 'a\r\nNov 25 pppd: local  IP address 81.2.69.160\r\nb\r\n');
    assert.equal(await findLastMatch(path, ppp, { blockSize: 4 }), '81.2.69.160');
  });

  test('no match gives undefined', async () => {
    const path = join(dir, 'none.log');
    await writeFile(path, 'nothing\nhere\n');
    assert.equal(await findLastMatch(path, ppp), undefined);
  });

  test('the matcher sees the lines after the match first (it may keep state)', async () => {
    const path = join(dir, 'order.log');
    await writeFile(path, 'one\ntwo\nthree\n');
    const seen: string[] = [];
    await findLastMatch(path, (line) => {
      seen.push(line);
      return line === 'two' ? line : undefined;
    });
    assert.deepEqual(seen, ['three', 'two']);
  });

  test('answers at once on a multi-GiB file when the match is near the end', async (t) => {
    const path = join(dir, 'huge.log');
    // A sparse 3 GiB file: no disk used, and a reader that scanned it would take many seconds.
    await writeFile(path, '');
    try {
      await truncate(path, 3 * 1024 ** 3);
    } catch (error) {
      t.skip(`this file system cannot make a sparse 3 GiB file: ${(error as Error).message}`);
      return;
    }
    await appendFile(path, '\nNov 25 pppd: local  IP address 81.2.69.160\n' + 'Nov 25 kernel: noise\n'.repeat(1000));
    const started = performance.now();
    assert.equal(await findLastMatch(path, ppp), '81.2.69.160');
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
  });
});
