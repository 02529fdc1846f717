// A UDP socket on loopback that reads every request and never answers: an SNMP agent that is
// not there, without relying on ICMP port-unreachable (which an unconnected socket never sees).
import { createSocket } from 'node:dgram';

export async function startSilentUdpPort(): Promise<{ port: number; received(): number; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => (received += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
