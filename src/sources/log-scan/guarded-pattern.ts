// A user-supplied regular expression, applied so that a bad one cannot hang the daemon: lines
// are cut to a maximum length, and each batch of lines runs under a time limit (node:vm
// interrupts a regex that backtracks catastrophically, e.g. (a+)+$ on a long line).
import { Script, createContext } from 'node:vm';
import { printable } from '../../address-ranges.js';

export const MAX_PATTERN_LINE_LENGTH = 4096;

export interface GuardedPattern {
  /** The first capture group's text for each line (undefined where the line does not match). */
  captureAll(lines: readonly string[]): (string | undefined)[];
}

export type CompiledPattern = { ok: true; pattern: GuardedPattern } | { ok: false; reason: string };

export class PatternTimeoutError extends Error {}

/** Compiles `source` (one capture group: the address); every problem becomes a reason to show. */
export function compileUserPattern(
  source: string,
  options: { maxLineLength?: number; timeoutMs?: number } = {},
): CompiledPattern {
  const maxLineLength = options.maxLineLength ?? MAX_PATTERN_LINE_LENGTH;
  const timeoutMs = options.timeoutMs ?? 250;
  let regex: RegExp;
  let groups: number;
  try {
    regex = new RegExp(source);
    // An alternative that matches the empty string reveals the number of groups.
    groups = (new RegExp(`(?:${source})|`).exec('') ?? []).length - 1;
  } catch (error) {
    // The engine's message quotes the pattern raw.
    const detail = printable(error instanceof Error ? error.message : String(error), 200);
    return { ok: false, reason: `the pattern "${printable(source)}" is not a valid regular expression (${detail})` };
  }
  if (groups < 1) {
    return {
      ok: false,
      reason: `the pattern "${printable(source)}" has no capture group: put parentheses around the address, e.g. "WAN address ([0-9.]+)"`,
    };
  }
  const context = createContext({ regex, lines: [] as string[] });
  const script = new Script('lines.map((line) => { const m = regex.exec(line); return m === null ? undefined : m[1]; })');
  return {
    ok: true,
    pattern: {
      captureAll(lines) {
        context.lines = lines.map((line) => (line.length > maxLineLength ? line.slice(0, maxLineLength) : line));
        try {
          return [...(script.runInContext(context, { timeout: timeoutMs }) as (string | undefined)[])];
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
            throw new PatternTimeoutError(
              `the pattern "${printable(source)}" took more than ${timeoutMs} ms on ${lines.length} line(s): ` +
                'it probably backtracks catastrophically (nested quantifiers like (a+)+); make it simpler',
            );
          }
          throw error;
        } finally {
          context.lines = [];
        }
      },
    },
  };
}
