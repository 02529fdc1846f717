// After a failed update (network error, timeout, unknown answer) a host is retried with
// exponential backoff and jitter, never sooner than a minute after the failure and never more
// than an hour apart. The jitter is derived from the host name and the attempt, not from a
// random source, so that the decision stays a pure function of the state (replayable).
const MINUTE = 60_000;
const MAX_DELAY = 60 * MINUTE;

function hashFraction(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return (hash >>> 0) / 0x1_0000_0000;
}

/** Delay before the next attempt after `failures` failures in a row (failures ≥ 1). */
export function retryDelayMs(host: string, failures: number): number {
  const base = Math.min(MINUTE * 2 ** Math.min(Math.max(failures, 1) - 1, 10), MAX_DELAY);
  return Math.round(base * (1 + 0.25 * hashFraction(`${host}#${failures}`)));
}
