// The run's clock. IPCHECK_NOW (an ISO 8601 time or milliseconds since 1970) pretends the run
// happens at another time, e.g. `IPCHECK_NOW=2027-01-01 ipcheck -t …` shows whether the 25-day
// refresh would fire then; the tests use it to move through days and waits.
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { ConfigError } from './config.js';

export function runClock(env: NodeJS.ProcessEnv = process.env): () => number {
  const given = env.IPCHECK_NOW;
  if (!given) return () => Date.now();
  const target = /^\d+$/.test(given) ? Number(given) : Date.parse(given);
  if (Number.isNaN(target)) throw new ConfigError(`IPCHECK_NOW=${JSON.stringify(given)} is not a time; use ISO 8601 such as 2027-01-01T12:00:00Z`);
  const offset = target - Date.now();
  return () => Date.now() + offset;
}

/** An RxJS scheduler that tells the time of `now` and schedules like the async scheduler. */
export function clockScheduler(now: () => number): SchedulerLike {
  return { now, schedule: asyncScheduler.schedule.bind(asyncScheduler) } as SchedulerLike;
}
