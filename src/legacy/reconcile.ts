// The legacy files are gates the user may edit: deleting ipcheck.err clears a latch, deleting
// ipcheck.wait ends a wait, touching ipcheck.dat back in time asks for a refresh, and files left
// by ipcheck.py are taken over. This compares the files with the state and says, as events,
// what changed behind our back. Pure (the credential check is passed in).
import { parseAddress } from '../address.js';
import { printable } from '../address-ranges.js';
import type { EventBody, Scope } from '../events.js';
import { accountLatchMessage, hostLatchMessage, isAccountCode, isHostCode } from '../protocol/reply-codes.js';
import { parseWaitCode } from '../protocol/wait-codes.js';
import type { LegacyFiles } from '../store/legacy-files.js';
import type { Latch, State } from '../state.js';
import { errLine, project } from './projection.js';

export interface ReconcileInput {
  readonly state: State;
  readonly files: LegacyFiles;
  readonly hosts: readonly string[];
  readonly username: string;
  /** True when a stored badauth fingerprint matches the credentials of this run. */
  readonly sameCredentials: (fingerprint: string) => boolean;
  readonly password: string;
  /** A fingerprint of this run's credentials, for a badauth latch taken over from ipcheck.py. */
  readonly fingerprint: () => string;
  readonly now: number;
}

export interface Reconciled {
  readonly events: EventBody[];
  /** No usable ipcheck.dat: resolve the hosts in DNS first, as --makedat does. */
  readonly needsMakedat: boolean;
  readonly warnings: string[];
}

const DAY = 24 * 3600_000;
const SAME_TIME_MS = 2000;

export function reconcileLegacy(input: ReconcileInput): Reconciled {
  const events: EventBody[] = [];
  const warnings: string[] = [];
  const expected = project(input.state, input.hosts, input.now);

  // ipcheck.dat
  const { dat } = input.files;
  let needsMakedat = false;
  if (input.files.datProblem) warnings.push(`${input.files.datProblem}; resolving the hosts in DNS instead, as --makedat does`);
  if (!dat) {
    needsMakedat = true;
  } else if (!parseAddress(dat.address)) {
    warnings.push(`ipcheck.dat starts with "${printable(dat.address)}", not an address; resolving the hosts in DNS instead, as --makedat does`);
    needsMakedat = true;
  } else {
    const hosts = dat.hosts.filter((h) => input.hosts.includes(h));
    const differs = !expected.dat || expected.dat.address !== dat.address ||
      Math.abs(expected.dat.modifiedAt - dat.modifiedAt) > SAME_TIME_MS ||
      expected.dat.hosts.length !== dat.hosts.length || expected.dat.hosts.some((h) => !dat.hosts.includes(h));
    if (differs && hosts.length > 0) {
      events.push({ type: 'DatFileRead', address: dat.address, hosts, modifiedAt: dat.modifiedAt, origin: 'file' });
    }
  }

  // ipcheck.err
  const fileLines = input.files.err;
  const latches: { scope: Scope; latch: Latch; line: string }[] = [];
  if (input.state.account.latch) latches.push({ scope: { account: true }, latch: input.state.account.latch, line: errLine(input.state.account.latch) });
  for (const host of Object.keys(input.state.hosts)) {
    const latch = input.state.hosts[host]?.latch;
    if (latch) latches.push({ scope: { host }, latch, line: errLine(latch, host) });
  }
  const raws = new Set((fileLines ?? []).map((l) => l.raw.split(/\s+/).join(' ')));
  for (const { scope, latch, line } of latches) {
    if (!fileLines) {
      events.push({ type: 'ErrorCleared', scope, code: latch.code, by: 'ipcheck.err was removed' });
    } else if (!raws.has(line)) {
      events.push({ type: 'ErrorCleared', scope, code: latch.code, by: 'its line was removed from ipcheck.err' });
    } else if (latch.code === 'badauth' && (latch.detail !== input.username || (latch.credential && !input.sameCredentials(latch.credential)))) {
      events.push({ type: 'ErrorCleared', scope, code: latch.code, by: 'different credentials were given' });
    }
  }
  const known = new Set(latches.map((l) => l.line));
  for (const line of fileLines ?? []) {
    const normal = line.raw.split(/\s+/).join(' ');
    if (known.has(normal)) continue;
    const imported = importErrLine(line.code, line.args, normal, input);
    if (imported) events.push(imported);
  }

  // ipcheck.wait
  const waits = [
    ...(input.state.account.wait && input.state.account.wait.until > input.now ? [{ scope: { account: true } as Scope }] : []),
    ...Object.keys(input.state.hosts)
      .filter((h) => (input.state.hosts[h]?.wait?.until ?? 0) > input.now)
      .map((host) => ({ scope: { host } as Scope })),
  ];
  const { wait } = input.files;
  if (!wait) {
    if (input.files.waitProblem) warnings.push(`${input.files.waitProblem}; ignoring it`);
    for (const { scope } of waits) events.push({ type: 'WaitCleared', scope, by: 'ipcheck.wait was removed' });
  } else {
    const until = waitFileUntil(wait.code, wait.receivedAt);
    const matches = expected.wait && until !== undefined && Math.abs(expected.wait.until - until) <= SAME_TIME_MS;
    if (until === undefined) {
      warnings.push(`ipcheck.wait holds "${printable(wait.code)}", which is not a wait code; ignoring it`);
    } else if (!matches && until > input.now) {
      // Never longer than a day after it was received: a corrupt file must not stop updates for good.
      const capped = Math.min(until, wait.receivedAt + DAY, input.now + DAY);
      events.push({ type: 'WaitRequested', scope: { account: true }, code: wait.code, until: capped, message: `ipcheck.wait asks to wait (${wait.code}) until ${new Date(capped).toISOString()}` });
    }
  }
  return { events, needsMakedat, warnings };
}

function waitFileUntil(code: string, receivedAt: number): number | undefined {
  const seconds = /^u\s+(\d+)$/.exec(code);
  if (seconds) return receivedAt + Number(seconds[1]) * 1000;
  return parseWaitCode(code, receivedAt)?.until;
}

function importErrLine(code: string, args: string[], raw: string, input: ReconcileInput): EventBody | undefined {
  const account: Scope = { account: true };
  if (code === 'badauth') {
    const [user, password] = args;
    // ipcheck.py stored "badauth user password"; other credentials now mean the user fixed them.
    if (user !== input.username || (password !== undefined && password !== input.password)) return undefined;
    return { type: 'HostLatched', scope: account, code, detail: input.username, message: accountLatchMessage(code, input.username), credential: input.fingerprint() };
  }
  if (code === 'shutdown') {
    return { type: 'HostLatched', scope: account, code: 'unrecognized', detail: raw, message: 'ipcheck.err says the service was shut down (911, written by ipcheck.py): check the provider\'s status page, then run `ipcheck clear` (or delete ipcheck.err)' };
  }
  if (isAccountCode(code)) {
    const detail = args.join(' ');
    return { type: 'HostLatched', scope: account, code, detail, message: accountLatchMessage(code, detail) };
  }
  if (isHostCode(code) || code === '!active') {
    const host = args[0];
    // Entries for hosts not updated by this run do not stop it (as in ipcheck.py).
    if (!host || !input.hosts.includes(host)) return undefined;
    return { type: 'HostLatched', scope: { host }, code, detail: '', message: hostLatchMessage(code, host) };
  }
  return {
    type: 'HostLatched', scope: account, code: 'unrecognized', detail: raw,
    message: `ipcheck.err holds a line ipcheck does not understand ("${printable(raw)}"): fix the cause, then run \`ipcheck clear\` (or delete ipcheck.err)`,
  };
}
