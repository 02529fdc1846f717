// The event log: append-only JSON Lines, one event per line, each synced to disk before it
// counts as written. A torn last line (power cut mid-write) is cut off when the log is opened.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Event, EventBody } from '../events.js';

export interface ReadResult {
  readonly events: Event[];
  /** Byte offset just past the last complete event read. */
  readonly endOffset: number;
}

export interface Repair {
  readonly cutBytes: number;
  readonly cutLines: number;
}

const CHUNK = 1 << 20;

export class EventLog {
  private fd: number;
  private size: number;
  private lastSeqValue: number;
  readonly repair: Repair | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
    lastSeq: number,
    repair: Repair | undefined,
    /** The type of the last event when the log was opened: what the last run did last. */
    readonly endedWith: Event['type'] | undefined,
  ) {
    this.fd = fd;
    this.size = size;
    this.lastSeqValue = lastSeq;
    this.repair = repair;
  }

  /** Opens (creating, 0600) the log; the caller holds the directory lock. */
  static open(path: string): EventLog {
    const fd = openSync(path, 'a+', 0o600);
    const { size, lastSeq, repair, endedWith } = repairTail(fd);
    return new EventLog(path, fd, size, lastSeq, repair, endedWith);
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  get byteLength(): number {
    return this.size;
  }

  /** Appends one event, synced to disk, and returns it with its sequence number. */
  append(body: EventBody, at: number): Event {
    const event = { seq: this.lastSeqValue + 1, at, ...body } as Event;
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    try {
      let written = 0;
      while (written < line.length) written += writeSync(this.fd, line, written, line.length - written, this.size + written);
      fdatasyncSync(this.fd);
    } catch (error) {
      // A full disk may have taken half the line: cut it, so the log stays whole.
      try { ftruncateSync(this.fd, this.size); } catch { /* the next open cuts it */ }
      throw Object.assign(error as NodeJS.ErrnoException, { path: (error as NodeJS.ErrnoException).path ?? this.path });
    }
    this.size += line.length;
    this.lastSeqValue = event.seq;
    return event;
  }

  /**
   * Reads the events from a byte offset (0: all) to the end, in chunks, calling `each`. A line
   * in the middle that is not an event (a disk error, a hand edit) is passed to `skipped` with
   * its byte offset and left out: the rest of the history still counts.
   */
  forEachFrom(offset: number, each: (event: Event) => void, skipped: (offset: number, line: string) => void = () => undefined): number {
    const buffer = Buffer.alloc(CHUNK);
    // A character cut by a chunk boundary is decoded whole with the next chunk.
    const decoder = new StringDecoder('utf8');
    let position = offset;
    let carry = '';
    let end = offset;
    while (position < this.size) {
      const read = readSync(this.fd, buffer, 0, Math.min(CHUNK, this.size - position), position);
      if (read <= 0) break;
      position += read;
      const text = carry + decoder.write(buffer.subarray(0, read));
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const start = end;
        end += Buffer.byteLength(line, 'utf8') + 1;
        if (line.trim() === '') continue;
        const event = parseEventLine(line);
        if (event) each(event);
        else skipped(start, line);
      }
    }
    return end;
  }

  readFrom(offset: number): ReadResult {
    const events: Event[] = [];
    const endOffset = this.forEachFrom(offset, (event) => events.push(event));
    return { events, endOffset };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Finds the last complete, parseable line; anything after it (a line without its newline, or
 * garbage such as the zeros a power cut can leave) is cut off.
 */
function repairTail(fd: number): { size: number; lastSeq: number; repair: Repair | undefined; endedWith?: Event['type'] } {
  const originalSize = fstatSync(fd).size;
  let end = originalSize;
  let cutLines = 0;
  while (end > 0) {
    const { line, start } = lastLine(fd, end);
    const parsed = parseEventLine(line);
    if (parsed) {
      if (end !== originalSize) ftruncateSync(fd, end);
      const repair = end !== originalSize ? { cutBytes: originalSize - end, cutLines } : undefined;
      if (repair) fdatasyncSync(fd);
      return { size: end, lastSeq: parsed.seq, repair, endedWith: parsed.type };
    }
    cutLines++;
    end = start;
  }
  if (originalSize > 0) {
    ftruncateSync(fd, 0);
    fdatasyncSync(fd);
    return { size: 0, lastSeq: 0, repair: { cutBytes: originalSize, cutLines } };
  }
  return { size: 0, lastSeq: 0, repair: undefined };
}

/** The line that ends at `end` (which is either the file end or just after a newline). */
function lastLine(fd: number, end: number): { line: string; start: number } {
  const complete = end > 0 && readByte(fd, end - 1) === 0x0a;
  const contentEnd = complete ? end - 1 : end;
  const chunks: Buffer[] = [];
  let position = contentEnd;
  const buffer = Buffer.alloc(64 * 1024);
  while (position > 0) {
    const length = Math.min(buffer.length, position);
    readSync(fd, buffer, 0, length, position - length);
    const slice = buffer.subarray(0, length);
    const newline = slice.lastIndexOf(0x0a);
    if (newline >= 0) {
      chunks.unshift(Buffer.from(slice.subarray(newline + 1)));
      const start = position - length + newline + 1;
      return { line: complete ? Buffer.concat(chunks).toString('utf8') : '', start };
    }
    chunks.unshift(Buffer.from(slice));
    position -= length;
  }
  return { line: complete ? Buffer.concat(chunks).toString('utf8') : '', start: 0 };
}

function readByte(fd: number, position: number): number {
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, position);
  return one[0] ?? -1;
}

function parseEventLine(line: string): Event | undefined {
  if (line === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<Event>;
    return typeof value.seq === 'number' && typeof value.type === 'string' ? (value as Event) : undefined;
  } catch {
    return undefined;
  }
}
