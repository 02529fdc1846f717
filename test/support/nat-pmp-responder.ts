// A NAT-PMP gateway (RFC 6886) for tests: answers external-address and mapping requests,
// records them, and can misbehave (drop requests, answer an error result code).
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface NatPmpResponderOptions {
  host?: string;
  port?: number;
  externalAddress?: string;
  /** Answer every request with this result code (e.g. 2 = not authorized). */
  resultCode?: number;
  /** Ignore this many requests first (exercises retransmission). */
  dropFirst?: number;
  /** Grant at most this lifetime, as a gateway may. */
  maxLifetimeSeconds?: number;
}

export interface ReceivedRequest {
  readonly opcode: number;
  readonly from: string;
  readonly atMs: number;
  readonly internalPort?: number;
  readonly externalPort?: number;
  readonly lifetimeSeconds?: number;
}

export interface GatewayMapping {
  readonly protocol: 'tcp' | 'udp';
  readonly client: string;
  readonly internalPort: number;
  readonly externalPort: number;
  readonly lifetimeSeconds: number;
}

export class NatPmpResponder {
  readonly requests: ReceivedRequest[] = [];
  readonly mappings = new Map<string, GatewayMapping>();
  private readonly startedAt = Date.now();
  private dropped = 0;

  private constructor(
    private readonly socket: Socket,
    readonly options: NatPmpResponderOptions,
  ) {}

  static async start(options: NatPmpResponderOptions = {}): Promise<NatPmpResponder> {
    const socket = createSocket('udp4');
    const responder = new NatPmpResponder(socket, options);
    socket.on('message', (message, remote) => responder.answer(message, remote.address, remote.port));
    await new Promise<void>((resolve) => socket.bind(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
    return responder;
  }

  /** "host:port", as the natPmp source's gateway option wants it. */
  get gateway(): string {
    const { address, port } = this.socket.address() as AddressInfo;
    return `${address}:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, address: string, port: number): void {
    if (message.length < 2) return;
    const version = message.readUInt8(0);
    const opcode = message.readUInt8(1);
    const isMap = (opcode === 1 || opcode === 2) && message.length >= 12;
    this.requests.push({
      opcode,
      from: address,
      atMs: Date.now() - this.startedAt,
      ...(isMap
        ? { internalPort: message.readUInt16BE(4), externalPort: message.readUInt16BE(6), lifetimeSeconds: message.readUInt32BE(8) }
        : {}),
    });
    if (this.dropped < (this.options.dropFirst ?? 0)) {
      this.dropped += 1;
      return;
    }
    const epoch = Math.floor((Date.now() - this.startedAt) / 1000);
    const send = (reply: Buffer): void => void this.socket.send(reply, port, address);
    const head = (length: number, result: number): Buffer => {
      const reply = Buffer.alloc(length);
      reply.writeUInt8(0, 0);
      reply.writeUInt8(128 + opcode, 1);
      reply.writeUInt16BE(result, 2);
      reply.writeUInt32BE(epoch, 4);
      return reply;
    };
    if (version !== 0) return send(head(8, 1));
    if (this.options.resultCode) return send(head(opcode === 0 ? 12 : 16, this.options.resultCode));
    if (opcode === 0) {
      const reply = head(12, 0);
      (this.options.externalAddress ?? '45.67.89.99').split('.').forEach((octet, i) => reply.writeUInt8(Number(octet), 8 + i));
      return send(reply);
    }
    if (!isMap) return send(head(8, 5));
    const protocol = opcode === 1 ? 'udp' : 'tcp';
    const internalPort = message.readUInt16BE(4);
    const requestedExternal = message.readUInt16BE(6);
    const lifetime = Math.min(message.readUInt32BE(8), this.options.maxLifetimeSeconds ?? Number.MAX_SAFE_INTEGER);
    const key = `${protocol}:${address}:${internalPort}`;
    const reply = head(16, 0);
    reply.writeUInt16BE(internalPort, 8);
    if (lifetime === 0) {
      this.mappings.delete(key);
      reply.writeUInt16BE(0, 10);
      reply.writeUInt32BE(0, 12);
    } else {
      const externalPort = requestedExternal || internalPort;
      this.mappings.set(key, { protocol, client: address, internalPort, externalPort, lifetimeSeconds: lifetime });
      reply.writeUInt16BE(externalPort, 10);
      reply.writeUInt32BE(lifetime, 12);
    }
    send(reply);
  }
}
