import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readLinesBackwards } from '../../../src/sources/log-scan/read-lines-backwards.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipcheck-backwards-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function linesOf(content: string | Buffer, options: { blockSize?: number; end?: number; maxLineBytes?: number } = {}) {
  const path = join(dir, `f-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, content);
  const lines: string[] = [];
  for await (const line of readLinesBackwards(path, options)) lines.push(line);
  return lines;
}

/** What a reader of the whole file would say: lines in order, CR of CRLF dropped, no line after a final newline. */
function expectedLinesLastFirst(content: string): string[] {
  if (content === '') return [];
  const body = content.endsWith('\n') ? content.slice(0, -1) : content;
  return body.split('\n').map((line) => line.replace(/\r$/, '')).reverse();
}

describe('readLinesBackwards', () => {
  test('gives the lines last first', async () => {
    assert.deepEqual(await linesOf('one\ntwo\nthree\n'), ['three', 'two', 'one']);
  });

  test('a final line without a newline is a line', async () => {
    assert.deepEqual(await linesOf('one\ntwo'), ['two', 'one']);
  });

  test('CRLF line ends lose their CR', async () => {
    assert.deepEqual(await linesOf('one\r\ntwo\r\nthree', { blockSize: 3 }), ['three', 'two', 'one']);
  });

  test('a CRLF split across a block boundary still loses its CR', async () => {
    // "ab\r" | "\ncd": the CR ends one block, the LF starts the next one (read first).
    assert.deepEqual(await linesOf('ab\r\ncd', { blockSize: 3 }), ['cd', 'ab']);
  });

  test('empty lines are kept; an empty file has no lines', async () => {
    assert.deepEqual(await linesOf('a\n\n\nb\n', { blockSize: 2 }), ['b', '', '', 'a']);
    assert.deepEqual(await linesOf('\n'), ['']);
    assert.deepEqual(await linesOf(''), []);
  });

  test('lines much longer than a block are joined across blocks', async () => {
    const long = 'x'.repeat(1000) + ' 81.2.69.160 ' + 'y'.repeat(1000);
    assert.deepEqual(await linesOf(`first\n${long}\nlast\n`, { blockSize: 7 }), ['last', long, 'first']);
  });

  test('multi-byte UTF-8 characters split across blocks come out whole', async () => {
    assert.deepEqual(await linesOf('größe €\nnaïve ✓\n', { blockSize: 1 }), ['naïve ✓', 'größe €']);
  });

  test('`end` reads only the bytes before it', async () => {
    assert.deepEqual(await linesOf('one\ntwo\nthree\n', { end: 8 }), ['two', 'one']);
  });

  test('an endless line keeps only about its last maxLineBytes bytes', async () => {
    const [last, cut] = await linesOf(`${'a'.repeat(100)}tail\nnext\n`, { blockSize: 8, maxLineBytes: 10 });
    assert.equal(last, 'next');
    // The carry is cut to 10 bytes after each block; the last block read adds up to 8 in front.
    assert.ok(cut !== undefined && /^a+tail$/.test(cut) && cut.length <= 18, `cut line: ${cut}`);
  });

  test('any content and any block size give the same lines as a whole-file read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r', 'a', 'é', ' ', '1.2.3.4'), fc.string({ maxLength: 5 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        async (pieces, blockSize) => {
          const content = pieces.join('');
          assert.deepEqual(await linesOf(content, { blockSize }), expectedLinesLastFirst(content));
        },
      ),
      { numRuns: 150 },
    );
  });
});
