// -F FILE: the WAN address as a packet filter logs it. By default the destination (DST=) of the
// last iptables/nftables log line for a packet that came in on the WAN interface (IN=wan); with
// a pattern, its first capture group on the last matching line. (ipcheck.py's -F looked for
// lines starting "NAT" and was broken, reference §11.4/§15.) Broadcast, multicast and other
// unusable destinations are skipped, so the last line that gives a usable address wins.
import { checkAddress, printable } from '../address-ranges.js';
import { findLastMatchInBatches } from './log-scan/find-last-match.js';
import { compileUserPattern, type GuardedPattern } from './log-scan/guarded-pattern.js';
import { logFileSource } from './log-scan/log-file-source.js';
import { failed, observed, rejected, type CandidateSource, type SourceDeps, type SourceEvent } from './source.js';
import { defer, of } from 'rxjs';

export interface FirewallLogOptions {
  readonly file: string;
  /** The interface packets from the internet come in on (the IN= field). */
  readonly wanInterface: string;
  /** A regular expression whose first capture group is the address; replaces the IN=/DST= rule. */
  readonly pattern?: string;
  readonly allowPrivate: boolean;
  /** How often watch() looks for changes without a notification (default 1000 ms). */
  readonly pollMs?: number;
  /** How long a followed log may stay gone (rotation) before SourceFailed (default 60 s). */
  readonly missingGraceMs?: number;
  /** Bytes per backwards read (default 64 KiB). */
  readonly blockSize?: number;
  /** Time limit for a user pattern on one batch of lines (default 250 ms). */
  readonly patternTimeoutMs?: number;
}

/** Distinct rejected addresses reported per scan: a log full of broadcasts must not flood the event log. */
const MAX_REPORTED_REJECTIONS = 5;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The default rule: DST= of a line whose IN= is the WAN interface (iptables LOG and nftables log share the format). */
function inboundDestination(wanInterface: string): GuardedPattern {
  const inbound = new RegExp(`(?:^|\\s)IN=${escapeRegExp(wanInterface)}(?:\\s|$)`);
  const destination = /(?:^|\s)DST=([0-9A-Fa-f.:]+)/;
  return {
    captureAll: (lines) => lines.map((line) => (inbound.test(line) ? destination.exec(line)?.[1] : undefined)),
  };
}

export function firewallLog(options: FirewallLogOptions, deps: SourceDeps): CandidateSource {
  const { file, wanInterface, allowPrivate } = options;
  const source = `firewall log ${file}`;
  const fail = (reason: string): CandidateSource => ({
    name: source,
    once: () => defer(() => of(failed(source, reason))),
    watch: () => defer(() => of(failed(source, reason))),
  });

  let capture: GuardedPattern;
  let what: string;
  if (options.pattern !== undefined) {
    const compiled = compileUserPattern(options.pattern, { timeoutMs: options.patternTimeoutMs });
    if (!compiled.ok) return fail(`${compiled.reason}; fix the firewall log pattern`);
    capture = compiled.pattern;
    what = `matches the pattern "${printable(options.pattern)}"`;
  } else {
    if (!/^[^\s=]+$/.test(wanInterface)) {
      return fail(`"${printable(wanInterface)}" is not an interface name; give the WAN interface whose packets the firewall logs`);
    }
    capture = inboundDestination(wanInterface);
    what = `is a firewall log line for a packet that came in on ${wanInterface} (IN=${wanInterface} … DST=address)`;
  }

  /** Runs the capture, turning a runaway user pattern into a failure instead of an exception. */
  const captureSafely = (lines: readonly string[]): (string | undefined)[] | { timeout: string } => {
    try {
      return capture.captureAll(lines);
    } catch (error) {
      return { timeout: error instanceof Error ? error.message : String(error) };
    }
  };

  return logFileSource({
    source,
    files: [file],
    pollMs: options.pollMs ?? 1000,
    missingGraceMs: options.missingGraceMs ?? 60_000,
    scheduler: deps.scheduler,
    missingReason: () =>
      `the firewall log ${file} does not exist; give the file your packet filter logs to ` +
      '(often /var/log/kern.log or /var/log/messages) and make sure it logs incoming packets (iptables -j LOG, nftables log)',
    async scan(path, end) {
      const rejections = new Map<string, string>();
      let matched = 0;
      const found = await findLastMatchInBatches(
        path,
        (lines) => {
          const captures = captureSafely(lines);
          if (!Array.isArray(captures)) return captures;
          for (const captured of captures) {
            if (captured === undefined) continue;
            matched++;
            const checked = checkAddress(captured, { allowPrivate });
            if (checked.ok) return checked;
            if (rejections.size < MAX_REPORTED_REJECTIONS && !rejections.has(captured)) rejections.set(captured, checked.reason);
          }
          return undefined;
        },
        { end, blockSize: options.blockSize },
      );
      const events: SourceEvent[] = [...rejections].map(([address, reason]) => rejected(source, address, reason));
      if (found !== undefined && 'timeout' in found) return [...events, failed(source, `${found.timeout}; fix the firewall log pattern`)];
      if (found !== undefined) return [...events, observed(source, found.family, found.text)];
      if (matched === 0) return [failed(source, `no line of ${path} ${what}`)];
      return [
        ...events,
        failed(source, `no line of ${path} gives a usable address (${[...rejections.values()].join('; ')})`),
      ];
    },
    follower(_path, scanned) {
      // Packet logs are busy: pass on a change of address, not every packet.
      let last: string | undefined;
      for (const event of scanned) if (event.type === 'CandidateObserved') last = event.address;
      const reported = new Set(scanned.flatMap((event) => (event.type === 'CandidateRejected' ? [event.address] : [])));
      return (line) => {
        const captures = captureSafely([line]);
        if (!Array.isArray(captures)) return [failed(source, `${captures.timeout}; fix the firewall log pattern`)];
        const captured = captures[0];
        if (captured === undefined) return [];
        const checked = checkAddress(captured, { allowPrivate });
        if (checked.ok) {
          if (checked.text === last) return [];
          last = checked.text;
          return [observed(source, checked.family, checked.text)];
        }
        if (reported.has(captured) || reported.size >= 100) return [];
        reported.add(captured);
        return [rejected(source, captured, checked.reason)];
      };
    },
  });
}
