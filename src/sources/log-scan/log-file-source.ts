// What the log-reading sources (-A syslog text, -F firewall log) share: find the log file, scan
// it backwards for the last match (once), then follow it (watch) across rotation, truncation
// and a file that does not exist yet. Each source supplies only how a line becomes an address.
import { stat } from 'node:fs/promises';
import {
  EMPTY,
  Observable,
  concat,
  concatMap,
  defer,
  filter,
  from,
  map,
  merge,
  mergeMap,
  of,
  share,
  switchMap,
  take,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { failed, type CandidateSource, type SourceEvent } from '../source.js';
import { followLines } from './follow-lines.js';

export interface LogFileSpec {
  /** The source name carried by every event. */
  readonly source: string;
  /** Candidate files: the first that exists is read. */
  readonly files: readonly string[];
  /** Why no candidate file exists, and what to do. */
  missingReason(): string;
  /** The events for the last match among the bytes before `end`, read backwards. */
  scan(path: string, end: number): Promise<SourceEvent[]>;
  /** A fresh matcher for following: the events one new line gives. It sees what the scan gave. */
  follower(path: string, scanned: readonly SourceEvent[]): (line: string) => SourceEvent[];
  /** How often to look for the file and for changes without a notification. */
  readonly pollMs: number;
  /** How long a followed file may stay gone (rotation) before the source reports it. */
  readonly missingGraceMs: number;
  readonly scheduler?: SchedulerLike;
}

async function firstExisting(files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    try {
      if ((await stat(file)).isFile()) return file;
    } catch {
      // Not there (or not readable as a directory entry): try the next one.
    }
  }
  return undefined;
}

/** "cannot read F: permission denied" and the like, with the fix where there is a known one. */
export function readFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return `cannot read ${path}: permission denied; run ipcheck as a user allowed to read it (often the group adm)`;
  }
  if (code === 'EISDIR') return `${path} is a directory, not a log file`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}

export function logFileSource(spec: LogFileSpec): CandidateSource {
  const scanNow = async (path: string): Promise<{ events: SourceEvent[]; position: number; ino?: number }> => {
    try {
      const current = await stat(path);
      return { events: await spec.scan(path, current.size), position: current.size, ino: current.ino };
    } catch (error) {
      return { events: [failed(spec.source, readFailure(path, error))], position: 0 };
    }
  };

  const follow = (path: string): Observable<SourceEvent> =>
    defer(() => scanNow(path)).pipe(
      concatMap((scanned) => {
        const match = spec.follower(path, scanned.events);
        const events$ = followLines(path, {
          from: { position: scanned.position, ino: scanned.ino },
          pollMs: spec.pollMs,
        }).pipe(share());
        // A read failure is told once (the scan may already have told it), again only after a recovery.
        const toldFailure = scanned.events.find((event) => event.type === 'SourceFailed');
        let lastReadFailure = toldFailure?.type === 'SourceFailed' ? toldFailure.reason : undefined;
        const fromLines$ = events$.pipe(
          mergeMap((event): SourceEvent[] => {
            if (event.kind === 'error') {
              const reason = readFailure(path, event.error);
              if (reason === lastReadFailure) return [];
              lastReadFailure = reason;
              return [failed(spec.source, reason)];
            }
            lastReadFailure = undefined;
            return event.kind === 'line' ? match(event.text) : [];
          }),
        );
        // A rotation leaves the file missing for a moment: report only a lasting absence.
        const gone$ = events$.pipe(
          filter((event) => event.kind !== 'error'),
          switchMap((event) =>
            event.kind === 'missing'
              ? timer(spec.missingGraceMs, spec.scheduler).pipe(
                  map(() =>
                    failed(
                      spec.source,
                      `${path} disappeared and has not come back for ${Math.round(spec.missingGraceMs / 1000)} s; ` +
                        'is the logger still writing it?',
                    ),
                  ),
                )
              : EMPTY,
          ),
        );
        return concat(from(scanned.events), merge(fromLines$, gone$));
      }),
    );

  return {
    name: spec.source,
    once: () =>
      defer(async () => {
        const path = await firstExisting(spec.files);
        if (path === undefined) return [failed(spec.source, spec.missingReason())];
        return (await scanNow(path)).events;
      }).pipe(mergeMap((events) => from(events))),
    watch: () =>
      defer(() => firstExisting(spec.files)).pipe(
        concatMap((path) => {
          if (path !== undefined) return follow(path);
          // Not there yet (fresh system, logger not started): say so, then wait for it.
          const appeared$ = timer(spec.pollMs, spec.pollMs, spec.scheduler).pipe(
            concatMap(() => firstExisting(spec.files)),
            filter((found): found is string => found !== undefined),
            take(1),
          );
          return concat(of(failed(spec.source, spec.missingReason())), appeared$.pipe(concatMap(follow)));
        }),
      ),
  };
}
