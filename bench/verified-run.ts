// One measured run of a client that must update a host: it counts only if it exited 0 and its
// request, carrying the expected address, reached the bench server. Anything else is the
// reason it does not count, so a run that sent nothing is never timed as a fast one.
import type { BenchServer } from './bench-server.js';
import { childEnvironment } from './ipcheck-command.js';
import { runMeasured, type MemoryProbe, type ProcessMeasurement } from './measured-process.js';
import type { Invocation } from './peer-commands.js';

export interface ExpectedUpdate {
  readonly host: string;
  /** The myip the request must carry. */
  readonly address: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** `expected` undefined: the command sends nothing (node -e 0) and only its exit is checked. */
export async function verifiedRun(
  server: BenchServer,
  invocation: Invocation,
  expected: ExpectedUpdate | undefined,
  probe: MemoryProbe,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ProcessMeasurement | string> {
  const before = expected ? server.updatesFor(expected.host).length : 0;
  const result = await runMeasured(invocation.command, invocation.args, probe, { env: childEnvironment(), timeoutMs });
  const said = (): string => `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-3).join(' / ');
  if (result.timedOut) return `no exit within ${timeoutMs / 1000} s: ${said()}`;
  if (result.exitCode !== 0) return `exit status ${result.exitCode ?? result.signal}: ${said()}`;
  if (!expected) return result;
  const sent = server.updatesFor(expected.host).slice(before);
  if (sent.length === 0) return `exited 0 but no request reached the server: ${said()}`;
  const myip = sent[sent.length - 1]?.query.get('myip');
  if (myip !== expected.address) return `the request carried myip=${myip ?? '(none)'} instead of ${expected.address}`;
  return result;
}
