// The last line of a log that says something, found by reading backwards from the end.
import { readLineBatchesBackwards, type BackwardsReadOptions } from './read-lines-backwards.js';

/**
 * Gives each batch of lines (last line first) to `matcher` and returns its first answer that is
 * not undefined; undefined when no batch matched. Stops reading as soon as a batch answers.
 */
export async function findLastMatchInBatches<T>(
  path: string,
  matcher: (linesLastFirst: readonly string[]) => T | undefined,
  options: BackwardsReadOptions = {},
): Promise<T | undefined> {
  for await (const batch of readLineBatchesBackwards(path, options)) {
    const answer = matcher(batch);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

/**
 * Calls `matcher` on the lines from the last one backwards and returns its first answer that is
 * not undefined. The matcher may keep state: it sees every line after the answer's line first.
 */
export function findLastMatch<T = string>(
  path: string,
  matcher: (line: string) => T | undefined,
  options: BackwardsReadOptions = {},
): Promise<T | undefined> {
  return findLastMatchInBatches(
    path,
    (lines) => {
      for (const line of lines) {
        const answer = matcher(line);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
    options,
  );
}
