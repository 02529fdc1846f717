// Reads a text file from its end towards its start, one block at a time, so that finding the
// last occurrence of something near the end of a multi-GiB log costs a few reads, not a scan.
import { open } from 'node:fs/promises';

export interface BackwardsReadOptions {
  /** Bytes read per step (default 64 KiB); tests use tiny blocks to exercise the boundaries. */
  readonly blockSize?: number;
  /** Read only the bytes before this offset, e.g. the size a follower will continue from. */
  readonly end?: number;
  /** A longer line keeps only its last maxLineBytes bytes, so a file without newlines cannot exhaust memory. */
  readonly maxLineBytes?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The bytes start..stop as a line: UTF-8, without the CR of a CRLF ending (for the file's first line). */
function lineText(bytes: Buffer, start: number, stop: number): string {
  const end = stop > start && bytes[stop - 1] === CARRIAGE_RETURN ? stop - 1 : stop;
  return bytes.toString('utf8', start, end);
}

/**
 * Yields the file's lines last first, in batches (one per block read): callers that test many
 * lines loop synchronously over a batch instead of paying an await per line. A final line
 * without a newline is a line; the empty string after a final newline is not.
 */
export async function* readLineBatchesBackwards(
  path: string,
  options: BackwardsReadOptions = {},
): AsyncGenerator<string[], void, undefined> {
  const blockSize = Math.max(1, Math.floor(options.blockSize ?? 64 * 1024));
  const maxLineBytes = Math.max(1, options.maxLineBytes ?? 1024 * 1024);
  const handle = await open(path, 'r');
  try {
    const size = options.end ?? (await handle.stat()).size;
    const block = Buffer.allocUnsafe(Math.min(blockSize, Math.max(size, 1)));
    let position = size;
    // Bytes of the line whose start has not been reached yet (it continues into later blocks).
    let carry: Buffer = Buffer.alloc(0);
    let atFileEnd = true;
    while (position > 0) {
      const length = Math.min(block.length, position);
      position -= length;
      const { bytesRead } = await handle.read(block, 0, length, position);
      if (bytesRead < length) throw new Error(`${path} shrank while it was being read (truncated or rotated?)`);
      const chunk = carry.length > 0 ? Buffer.concat([block.subarray(0, length), carry]) : block.subarray(0, length);
      let end = chunk.length;
      if (atFileEnd) {
        atFileEnd = false;
        if (end > 0 && chunk[end - 1] === NEWLINE) end -= 1;
      }
      // The bytes after the chunk's first newline are whole lines: decode them in one go (much
      // faster than line by line) and split. The bytes before it continue into the next block.
      const firstNewline = chunk.indexOf(NEWLINE);
      let lines: string[] = [];
      if (firstNewline >= 0 && firstNewline < end) {
        lines = chunk.toString('utf8', firstNewline + 1, end).split('\n').reverse();
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] as string;
          if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
        }
        end = firstNewline;
      }
      // Copy: `block` is reused by the next read.
      carry = Buffer.from(chunk.subarray(Math.max(0, end - maxLineBytes), end));
      if (lines.length > 0) yield lines;
    }
    if (size > 0) yield [lineText(carry, 0, carry.length)];
  } finally {
    await handle.close();
  }
}

/** The file's lines, last first. */
export async function* readLinesBackwards(
  path: string,
  options: BackwardsReadOptions = {},
): AsyncGenerator<string, void, undefined> {
  for await (const batch of readLineBatchesBackwards(path, options)) yield* batch;
}
