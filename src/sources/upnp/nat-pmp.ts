// Source: the external address the NAT-PMP gateway reports (RFC 6886 opcode 0). Apple routers
// and miniupnpd speak it; it needs no discovery, only the gateway's address.
import { defer, exhaustMap, from, timer, type Observable } from 'rxjs';
import { failed, type CandidateSource, type SourceDeps, type SourceEvent } from '../source.js';
import { DEFAULT_NAT_PMP_TIMEOUT_MS, natPmpExchange, parseGateway, type NatPmpGateway } from './nat-pmp-exchange.js';
import { wanAddressEvent } from './double-nat.js';
import { decodeExternalAddressReply, externalAddressRequest } from './nat-pmp-protocol.js';

export interface NatPmpOptions {
  /** "host[:port]" (port 5351 by default); without it, the default gateway is asked. */
  readonly gateway?: string;
  readonly allowPrivate: boolean;
  /** Total time for the retransmission schedule. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export interface NatPmpDeps extends SourceDeps {
  readonly defaultGateway?: () => Promise<string | undefined>;
}

export const DEFAULT_NAT_PMP_POLL_MS = 5 * 60 * 1000;

export function natPmp(options: NatPmpOptions, deps: NatPmpDeps): CandidateSource {
  const name = options.gateway ? `nat-pmp ${options.gateway}` : 'nat-pmp (default gateway)';
  const once = (): Observable<SourceEvent> => defer(() => from(askGateway(name, options, deps)));
  return {
    name,
    once,
    watch: () => timer(0, options.pollMs ?? DEFAULT_NAT_PMP_POLL_MS, deps.scheduler).pipe(exhaustMap(() => once())),
  };
}

/** The gateway named in the options, else the default route's gateway; shared with the sink. */
export async function resolveNatPmpGateway(
  gateway: string | undefined,
  defaultGateway: (() => Promise<string | undefined>) | undefined,
): Promise<{ ok: true; gateway: NatPmpGateway } | { ok: false; reason: string }> {
  if (gateway !== undefined) return parseGateway(gateway);
  const found = defaultGateway ? await defaultGateway() : undefined;
  if (found === undefined) return { ok: false, reason: 'no default gateway is known to ask over NAT-PMP; name the router address as the NAT-PMP gateway' };
  return parseGateway(found);
}

async function askGateway(name: string, options: NatPmpOptions, deps: NatPmpDeps): Promise<SourceEvent> {
  try {
    const resolved = await resolveNatPmpGateway(options.gateway, deps.defaultGateway);
    if (!resolved.ok) return failed(name, resolved.reason);
    const result = await natPmpExchange(
      resolved.gateway,
      externalAddressRequest(),
      decodeExternalAddressReply,
      options.timeoutMs ?? DEFAULT_NAT_PMP_TIMEOUT_MS,
    );
    if (!result.ok) return failed(name, result.reason);
    return wanAddressEvent(name, result.reply.address, options.allowPrivate, 'gateway');
  } catch (error) {
    return failed(name, `NAT-PMP query failed unexpectedly: ${(error as Error).message}`);
  }
}
