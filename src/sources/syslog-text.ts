// -A TEXT: the address written after the last occurrence of TEXT in the system log, e.g. the
// "local  IP address 81.2.69.160" line pppd writes on connecting (reference §11.4). The log is
// read backwards, so a multi-GiB /var/log/messages answers at once; watch() follows the log.
import { checkAddress, printable } from '../address-ranges.js';
import { findLastMatch } from './log-scan/find-last-match.js';
import { firstAddressIn } from './log-scan/addresses-in-text.js';
import { logFileSource } from './log-scan/log-file-source.js';
import { failed, observed, rejected, type CandidateSource, type SourceDeps, type SourceEvent } from './source.js';
import { defer, of } from 'rxjs';

export const DEFAULT_SYSLOG_FILES: readonly string[] = ['/var/log/messages', '/var/log/syslog'];

export interface SyslogTextOptions {
  /** The marker text (-A); matched exactly, case-sensitive. */
  readonly text: string;
  /** Log files, the first that exists is read (--syslog-file PATH gives one). */
  readonly files?: readonly string[];
  readonly allowPrivate: boolean;
  /** How often watch() looks for changes without a notification (default 1000 ms). */
  readonly pollMs?: number;
  /** How long a followed log may stay gone (rotation) before SourceFailed (default 60 s). */
  readonly missingGraceMs?: number;
  /** Bytes per backwards read (default 64 KiB). */
  readonly blockSize?: number;
}

export function syslogText(options: SyslogTextOptions, deps: SourceDeps): CandidateSource {
  const { text, allowPrivate } = options;
  const files = options.files && options.files.length > 0 ? options.files : DEFAULT_SYSLOG_FILES;
  const source = `syslog "${printable(text, 40)}"`;
  const shown = `"${printable(text)}"`;

  if (text === '') {
    const reason = '-A needs a non-empty text to look for in the system log';
    return { name: source, once: () => defer(() => of(failed(source, reason))), watch: () => defer(() => of(failed(source, reason))) };
  }

  const verdict = (address: string, path: string): SourceEvent[] => {
    const checked = checkAddress(address, { allowPrivate });
    if (checked.ok) return [observed(source, checked.family, checked.text)];
    return [rejected(source, address, checked.reason), failed(source, `the address after the last ${shown} in ${path}: ${checked.reason}`)];
  };

  return logFileSource({
    source,
    files,
    pollMs: options.pollMs ?? 1000,
    missingGraceMs: options.missingGraceMs ?? 60_000,
    scheduler: deps.scheduler,
    missingReason: () =>
      files.length === 1
        ? `the log file ${files[0]} does not exist; give the system log with --syslog-file PATH`
        : `none of ${files.join(', ')} exists; give the system log with --syslog-file PATH ` +
          '(on a journald-only system, let rsyslog write one or use another detection method)',
    async scan(path, end) {
      // ipcheck.py took the first address after the last TEXT in the whole file, which may be on
      // a later line: remember the first address of the lines after the current one.
      let nextAddress: string | undefined;
      const found = await findLastMatch(
        path,
        (line) => {
          const at = line.lastIndexOf(text);
          if (at < 0) {
            const address = firstAddressIn(line);
            if (address !== undefined) nextAddress = address;
            return undefined;
          }
          return { address: firstAddressIn(line.slice(at + text.length)) ?? nextAddress };
        },
        { end, blockSize: options.blockSize },
      );
      if (found === undefined) {
        return [
          failed(
            source,
            `no line of ${path} contains ${shown}; check the text given with -A (matched exactly, case-sensitive) ` +
              'or give the right log file with --syslog-file PATH',
          ),
        ];
      }
      if (found.address === undefined) {
        return [failed(source, `${path} has ${shown}, but no IP address follows its last occurrence`)];
      }
      return verdict(found.address, path);
    },
    follower(path) {
      // A new TEXT line without an address waits for the next address, as the scan would see it.
      let awaitingAddress = false;
      return (line) => {
        const at = line.lastIndexOf(text);
        let address: string | undefined;
        if (at >= 0) {
          address = firstAddressIn(line.slice(at + text.length));
          awaitingAddress = address === undefined;
        } else if (awaitingAddress) {
          address = firstAddressIn(line);
          if (address !== undefined) awaitingAddress = false;
        }
        return address === undefined ? [] : verdict(address, path);
      };
    },
  });
}
