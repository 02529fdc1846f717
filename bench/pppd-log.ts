// What pppd writes to the system log when a connection comes up, the case -A TEXT was made for
// (reference §11.4): the marker text and the lines the daemon benchmarks append.

/** The text given to -A; pppd writes two spaces after "local". */
export const PPPD_TEXT = 'local  IP address';

function syslogStamp(at: Date): string {
  const month = at.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(at.getUTCDate()).padStart(2, ' ');
  return `${month} ${day} ${at.toISOString().slice(11, 19)}`;
}

/** The lines of one reconnection, written in one append so a reader never sees half of it. */
export function pppdConnectLines(address: string, at: Date = new Date()): string {
  const stamp = `${syslogStamp(at)} gateway pppd[4242]:`;
  return [
    `${stamp} local  IP address ${address}`,
    `${stamp} remote IP address 10.64.64.64`,
    `${stamp} primary   DNS address 10.11.12.13`,
    '',
  ].join('\n');
}
