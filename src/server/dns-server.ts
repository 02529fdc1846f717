// A minimal authoritative DNS server on loopback UDP, answering A queries from a lookup
// function (the NIC v2 server's records). `ipcheck demo` and the tests point --dns-server at it,
// so that the --makedat lookups of a first run never leave the machine.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export interface DnsServer {
  /** host:port, as --dns-server takes it. */
  readonly address: string;
  readonly queries: string[];
  close(): Promise<void>;
}

const TYPE_A = 1;
const CLASS_IN = 1;

function readName(message: Buffer, offset: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let position = offset;
  while (position < message.length) {
    const length = message[position] as number;
    if (length === 0) return { name: labels.join('.').toLowerCase(), end: position + 1 };
    if (length > 63 || position + 1 + length > message.length) return undefined;
    labels.push(message.toString('latin1', position + 1, position + 1 + length));
    position += 1 + length;
  }
  return undefined;
}

export function answerQuery(message: Buffer, lookup: (name: string) => string | undefined): { reply: Buffer; name?: string } | undefined {
  if (message.length < 12) return undefined;
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if (flags & 0x8000 || message.readUInt16BE(4) !== 1) return undefined;
  const question = readName(message, 12);
  if (!question || question.end + 4 > message.length) return undefined;
  const type = message.readUInt16BE(question.end);
  const questionBytes = message.subarray(12, question.end + 4);
  const address = lookup(question.name);
  const found = address !== undefined && isIPv4(address);
  const answers = found && type === TYPE_A ? 1 : 0;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, AA, RD copied; RCODE 3 (NXDOMAIN) for unknown names.
  header.writeUInt16BE(0x8400 | (flags & 0x0100) | (address === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers, 6);
  const parts = [header, questionBytes];
  if (answers) {
    const answer = Buffer.alloc(16);
    answer.writeUInt16BE(0xc00c, 0);
    answer.writeUInt16BE(TYPE_A, 2);
    answer.writeUInt16BE(CLASS_IN, 4);
    answer.writeUInt32BE(60, 6);
    answer.writeUInt16BE(4, 10);
    (address as string).split('.').forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
    parts.push(answer);
  }
  return { reply: Buffer.concat(parts), name: question.name };
}

export async function startDnsServer(lookup: (name: string) => string | undefined, host = '127.0.0.1'): Promise<DnsServer> {
  if (!host.startsWith('127.') && host !== '::1') throw new Error(`the test DNS server only listens on loopback, not ${host}`);
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    const answered = answerQuery(message, lookup);
    if (!answered) return;
    if (answered.name) queries.push(answered.name);
    socket.send(answered.reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  return {
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
