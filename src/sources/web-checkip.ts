// -r URL: the address shown by a web check page (reference §11.2). The original's host[:port]
// form and full http/https URLs are accepted; the first valid address in the page is taken;
// time and body size are bounded. The continuous form polls, never more often than allowed.
import { defer, from, interval, type Observable, startWith, switchMap } from 'rxjs';
import { type Family, parseAddress } from '../address.js';
import { checkAddress, printable } from '../address-ranges.js';
import { boundedGet } from '../bounded-get.js';
import { describeNetworkError } from '../network-error.js';
import { USER_AGENT } from '../protocol/update-request.js';
import { type CandidateSource, failed, observed, rejected, type SourceEvent } from './source.js';

export interface WebCheckipOptions {
  readonly url: string;
  /** Only addresses of this family count (default: the first valid address of any family). */
  readonly family?: Family;
  readonly allowPrivate: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly pollMs?: number;
}

/** Dyn's policy: a check page no more than once every 10 minutes. */
export const WEB_CHECK_MIN_POLL_MS = 10 * 60_000;

const ADDRESS_PATTERN = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])|(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi;

export function checkipUrl(value: string): URL {
  const text = /^https?:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`-r ${JSON.stringify(value)} is not a URL or host[:port]`);
  }
  if (url.username || url.password) throw new Error('-r: put no credentials in the check page URL');
  return url;
}

/** Candidate addresses in a page, in order of appearance. */
export function addressesInPage(body: string): string[] {
  return [...body.slice(0, 1 << 20).matchAll(ADDRESS_PATTERN)].map((m) => m[0]);
}

export function webCheckip(options: WebCheckipOptions): CandidateSource {
  const url = checkipUrl(options.url);
  const name = `web ${url.href}`;
  const once = (): Observable<SourceEvent> => defer(() => from(check(url, name, options)).pipe(switchMap((events) => from(events))));
  return {
    name,
    once,
    watch: () => interval(Math.max(options.pollMs ?? WEB_CHECK_MIN_POLL_MS, WEB_CHECK_MIN_POLL_MS)).pipe(startWith(0), switchMap(() => once())),
  };
}

async function check(url: URL, name: string, options: WebCheckipOptions): Promise<SourceEvent[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  let body: string;
  try {
    const reply = await boundedGet(url, {
      headers: { 'user-agent': USER_AGENT, accept: 'text/plain, text/html;q=0.9, */*;q=0.1' },
      totalTimeoutMs: timeoutMs,
      maxBytes: options.maxBytes ?? 64 * 1024,
    });
    if (reply.status !== 200) return [failed(name, `the check page answered HTTP ${reply.status}; check the -r URL`)];
    body = reply.body;
  } catch (error) {
    return [failed(name, `the check page could not be read: ${describeNetworkError(error, url.host, timeoutMs)}`)];
  }
  const events: SourceEvent[] = [];
  for (const text of addressesInPage(body)) {
    const parsed = parseAddress(text);
    if (!parsed || (options.family && parsed.family !== options.family)) continue;
    const verdict = checkAddress(text, { allowPrivate: options.allowPrivate });
    if (verdict.ok) return [...events, observed(name, verdict.family, verdict.text)];
    if (events.length < 5) events.push(rejected(name, text, verdict.reason));
  }
  return [...events, failed(name, events.length > 0
    ? 'the check page shows no usable address (see the rejected ones above)'
    : `the check page shows no address (it begins "${printable(body.trim(), 60)}"); check the -r URL`)];
}
