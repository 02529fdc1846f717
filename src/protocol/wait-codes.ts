// The server's ways of saying "not now": NIC v2 wait codes (reference §8, §9), HTTP Retry-After,
// and the growing pause after server failures (911, 5xx). Pure.

const MINUTE = 60_000;
const SERVER_FAILURE_FIRST_WAIT = 30 * MINUTE;
const SERVER_FAILURE_MAX_WAIT = 24 * 60 * MINUTE;

/** 30 minutes after the first failure (No-IP's rule for 911), doubling on repeats, at most a day. */
export function serverFailureWaitMs(previousFailures: number): number {
  return Math.min(SERVER_FAILURE_FIRST_WAIT * 2 ** Math.min(previousFailures, 16), SERVER_FAILURE_MAX_WAIT);
}

/**
 * `wNNh`, `wNNm`, `wNNs` (one or more digits; the original needed exactly two) and `wuHHMM`
 * (until HH:MM GMT, computed from the server's Date header when it sent one).
 */
export function parseWaitCode(code: string, now: number, dateHeader?: string): { until: number } | undefined {
  const relative = /^w(\d{1,6})([hms])$/i.exec(code);
  if (relative) {
    const unit = (relative[2] as string).toLowerCase();
    const factor = unit === 'h' ? 3600_000 : unit === 'm' ? MINUTE : 1000;
    return { until: now + Number(relative[1]) * factor };
  }
  const absolute = /^wu(\d\d)(\d\d)$/i.exec(code);
  if (absolute) {
    const hours = Number(absolute[1]);
    const minutes = Number(absolute[2]);
    if (hours > 23 || minutes > 59) return undefined;
    const serverNow = dateHeader && !Number.isNaN(Date.parse(dateHeader)) ? Date.parse(dateHeader) : now;
    const target = new Date(serverNow);
    target.setUTCHours(hours, minutes, 0, 0);
    let waitMs = target.getTime() - serverNow;
    if (waitMs <= 0) waitMs += 24 * 60 * MINUTE; // past midnight GMT
    return { until: now + waitMs };
  }
  return undefined;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return now + Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : date;
}
