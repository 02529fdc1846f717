// Reads a telnet device described by the table: log in, type its queries until one shows the
// address after its anchor, say goodbye. Never throws; messages never hold the password.
import { addressAfterAnchors } from './address-after-anchor.js';
import type { DeviceOption, TelnetAccess } from './device-types.js';
import type { RouterEndpoint, RouterReading } from './router-reading.js';
import { DialogueError, TelnetDialogue } from './telnet-dialogue.js';

export interface TelnetReadOptions {
  readonly device: DeviceOption & { readonly access: TelnetAccess };
  readonly endpoint: RouterEndpoint;
  readonly password?: string;
  readonly user?: string;
  /** Nortel Instant Internet: the PPP interface to ask about. */
  readonly pppInterface?: string;
  readonly timeoutMs: number;
}

const REFUSALS = ['incorrect', 'Incorrect', 'Bad Password', 'denied', 'Invalid password'];

function fill(text: string, options: TelnetReadOptions): string {
  return text
    .replace('{user}', options.user ?? options.device.defaultUser ?? '')
    .replace('{interface}', options.pppInterface ?? '');
}

export class WrongPassword extends Error {}

/** Runs the device's login steps; throws WrongPassword or DialogueError. */
export async function telnetLogin(dialogue: TelnetDialogue, options: TelnetReadOptions): Promise<void> {
  const { access } = options.device;
  const firstPrompt = access.login.find((step): step is { expect: string } => 'expect' in step)?.expect;
  for (const step of access.login) {
    if ('expect' in step) await dialogue.expect(step.expect);
    else if ('send' in step) dialogue.send(fill(step.send, options));
    else {
      dialogue.send(options.password ?? '');
      if (step.thenExpect) {
        const again = [access.passwordPrompt, ...(firstPrompt && firstPrompt !== access.passwordPrompt ? [firstPrompt] : []), ...REFUSALS];
        const answer = await dialogue.expectAny([step.thenExpect, ...again]);
        if (answer.index > 0) throw new WrongPassword();
      }
    }
  }
}

export function telnetFailure(error: unknown, options: TelnetReadOptions): string {
  const { device, endpoint } = options;
  if (error instanceof WrongPassword) {
    return `the ${device.model} at ${endpoint.label} refused the password (it asked again); check the device password given with ${device.flag}`;
  }
  if (error instanceof DialogueError && error.kind === 'unreachable') {
    return `cannot reach the ${device.model} console at ${endpoint.label}: ${error.message}; check the router address (-n) and that telnet is enabled on it`;
  }
  if (error instanceof DialogueError) {
    return `the console of the ${device.model} at ${endpoint.label} did not go as expected: ${error.message}; is ${device.flag} the right device option?`;
  }
  return `telnet to ${endpoint.label} failed: ${error instanceof Error ? error.message : String(error)}`;
}

export async function readTelnetDevice(options: TelnetReadOptions): Promise<RouterReading> {
  const { access } = options.device;
  let dialogue: TelnetDialogue | undefined;
  try {
    dialogue = await TelnetDialogue.open({
      host: options.endpoint.host, port: options.endpoint.port, timeoutMs: options.timeoutMs,
      negotiation: access.negotiation, eol: access.eol,
    });
    await telnetLogin(dialogue, options);
    const misses: string[] = [];
    for (const query of access.queries) {
      const command = fill(query.command, options);
      dialogue.send(command);
      let output: string;
      try {
        output = query.untilPrompt ? await dialogue.readUntilPrompt(query.until) : await dialogue.expect(query.until);
      } catch (error) {
        if (error instanceof DialogueError && error.kind === 'timeout') { misses.push(`"${command}" gave no complete answer`); continue; }
        throw error;
      }
      // Drop the echoed command line so an anchor inside the command itself cannot match.
      const trimmed = output.replace(/^\s+/, '');
      const answer = trimmed.startsWith(command) ? trimmed.slice(command.length) : output;
      const search = addressAfterAnchors(answer, query.anchors);
      if (search.found) {
        for (const line of access.bye ?? []) dialogue.send(line);
        return { ok: true, address: search.address, where: `"${command}" after ${search.anchor}` };
      }
      misses.push(`"${command}": ${search.reason}`);
    }
    return { ok: false, reason: `no WAN address found on the ${options.device.model} console at ${options.endpoint.label} (${misses.join('; ')}); is ${options.device.flag} the right device option?` };
  } catch (error) {
    return { ok: false, reason: telnetFailure(error, options) };
  } finally {
    dialogue?.close();
  }
}
