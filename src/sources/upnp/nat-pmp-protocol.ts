// NAT-PMP messages (RFC 6886): pure encoders and decoders, no I/O.

export const NAT_PMP_PORT = 5351;

export const OPCODE_EXTERNAL_ADDRESS = 0;
export const OPCODE_MAP_UDP = 1;
export const OPCODE_MAP_TCP = 2;

/** RFC 6886 §3.5 result codes, worded so the user knows what to change. */
const RESULT_MESSAGES: Readonly<Record<number, string>> = {
  1: 'unsupported version: the gateway speaks a newer protocol (PCP) but not NAT-PMP',
  2: 'not authorized: NAT-PMP is disabled on the gateway, or it refuses this request',
  3: 'network failure: the gateway could not carry it out; it may have no WAN address yet, or its firewall refused the rule',
  4: 'out of resources: the gateway cannot create more mappings',
  5: 'unsupported opcode: the gateway does not implement this request',
};

export function resultCodeMessage(code: number): string {
  return RESULT_MESSAGES[code] ?? `unknown result code ${code}`;
}

export function externalAddressRequest(): Buffer {
  return Buffer.from([0, OPCODE_EXTERNAL_ADDRESS]);
}

/** A mapping request; lifetime 0 with external port 0 deletes the mapping (§3.4). */
export function mapRequest(protocol: 'tcp' | 'udp', internalPort: number, externalPort: number, lifetimeSeconds: number): Buffer {
  const message = Buffer.alloc(12);
  message.writeUInt8(0, 0);
  message.writeUInt8(protocol === 'udp' ? OPCODE_MAP_UDP : OPCODE_MAP_TCP, 1);
  message.writeUInt16BE(0, 2);
  message.writeUInt16BE(internalPort, 4);
  message.writeUInt16BE(externalPort, 6);
  message.writeUInt32BE(lifetimeSeconds, 8);
  return message;
}

export type ExternalAddressReply = { readonly epochSeconds: number; readonly address: string };
export type MapReply = {
  readonly epochSeconds: number;
  readonly internalPort: number;
  readonly externalPort: number;
  readonly lifetimeSeconds: number;
};

export type Decoded<T> = { readonly ok: true; readonly reply: T } | { readonly ok: false; readonly reason: string };

/** Checks version, opcode and result code; undefined when the packet is not an answer to `opcode`. */
function header(message: Buffer, opcode: number): Decoded<{ epochSeconds: number }> | undefined {
  if (message.length < 8 || message.readUInt8(0) !== 0 || message.readUInt8(1) !== 128 + opcode) return undefined;
  const result = message.readUInt16BE(2);
  if (result !== 0) return { ok: false, reason: `the gateway answered result code ${result} (${resultCodeMessage(result)})` };
  return { ok: true, reply: { epochSeconds: message.readUInt32BE(4) } };
}

export function decodeExternalAddressReply(message: Buffer): Decoded<ExternalAddressReply> | undefined {
  const head = header(message, OPCODE_EXTERNAL_ADDRESS);
  if (!head?.ok) return head;
  if (message.length < 12) return { ok: false, reason: `the gateway answered a truncated NAT-PMP reply (${message.length} bytes)` };
  const address = [...message.subarray(8, 12)].join('.');
  return { ok: true, reply: { epochSeconds: head.reply.epochSeconds, address } };
}

export function decodeMapReply(message: Buffer, opcode: number): Decoded<MapReply> | undefined {
  const head = header(message, opcode);
  if (!head?.ok) return head;
  if (message.length < 16) return { ok: false, reason: `the gateway answered a truncated NAT-PMP reply (${message.length} bytes)` };
  return {
    ok: true,
    reply: {
      epochSeconds: head.reply.epochSeconds,
      internalPort: message.readUInt16BE(8),
      externalPort: message.readUInt16BE(10),
      lifetimeSeconds: message.readUInt32BE(12),
    },
  };
}
