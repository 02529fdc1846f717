// One NAT-PMP request/reply over UDP with the retransmission schedule of RFC 6886 §3.1: send,
// wait 250 ms, send again, wait twice as long, and so on (at most 9 sends), bounded by a total
// time so a silent gateway cannot hold a run for the RFC's full 64 seconds.
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { NAT_PMP_PORT, type Decoded } from './nat-pmp-protocol.js';

export interface NatPmpGateway {
  readonly host: string;
  readonly port: number;
}

export const FIRST_RETRANSMISSION_MS = 250;
const MAX_SENDS = 9;
export const DEFAULT_NAT_PMP_TIMEOUT_MS = 4000;

/** Parses "host[:port]"; NAT-PMP is IPv4-only, so the host must be a dotted quad. */
export function parseGateway(text: string): { ok: true; gateway: NatPmpGateway } | { ok: false; reason: string } {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(text.trim());
  const host = match?.[1];
  const port = match?.[2] === undefined ? NAT_PMP_PORT : Number(match[2]);
  if (!host || !isIPv4(host) || port < 1 || port > 65535) {
    return { ok: false, reason: `"${text}" is not a gateway address; NAT-PMP needs an IPv4 address with an optional port, e.g. 192.168.1.1 or 192.168.1.1:5351` };
  }
  return { ok: true, gateway: { host, port } };
}

/** The send times of the schedule within a total time budget: 0, 250, 750, 1750, ... ms. */
export function retransmissionTimes(timeoutMs: number): number[] {
  const times: number[] = [];
  for (let at = 0, wait = FIRST_RETRANSMISSION_MS; at < timeoutMs && times.length < MAX_SENDS; at += wait, wait *= 2) {
    times.push(at);
  }
  return times;
}

export type ExchangeResult<T> =
  | { readonly ok: true; readonly reply: T; readonly localAddress: string }
  | { readonly ok: false; readonly reason: string };

export function natPmpExchange<T>(
  gateway: NatPmpGateway,
  request: Buffer,
  decode: (message: Buffer) => Decoded<T> | undefined,
  timeoutMs: number,
): Promise<ExchangeResult<T>> {
  return new Promise((resolve) => {
    const where = `${gateway.host}:${gateway.port}`;
    // A connected socket only receives from the gateway (RFC 6886 §3.1 says to ignore others),
    // and its local address is this machine's address on the gateway's network.
    const socket = createSocket('udp4');
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let localAddress = '';
    const finish = (result: ExchangeResult<T>): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const cause =
        error.code === 'ECONNREFUSED'
          ? `nothing answers NAT-PMP on ${where}: the gateway does not support NAT-PMP or has it disabled`
          : `NAT-PMP exchange with ${where} failed (${error.message}); check the gateway address`;
      finish({ ok: false, reason: cause });
    });
    socket.on('message', (message) => {
      const decoded = decode(message);
      if (decoded === undefined) return; // not an answer to this request: keep waiting
      finish(decoded.ok ? { ok: true, reply: decoded.reply, localAddress } : decoded);
    });
    socket.connect(gateway.port, gateway.host, () => {
      if (settled) return;
      localAddress = socket.address().address;
      for (const at of retransmissionTimes(timeoutMs)) {
        timers.push(setTimeout(() => !settled && socket.send(request), at));
      }
    });
    timers.push(
      setTimeout(() => {
        finish({ ok: false, reason: `the gateway ${where} did not answer NAT-PMP within ${timeoutMs} ms; check that it is the router and that NAT-PMP is enabled` });
      }, timeoutMs),
    );
  });
}
