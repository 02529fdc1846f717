// A UDP port on 127.0.0.1 that is free right now, for servers that cannot listen on port 0
// themselves (net-snmp's agent takes 0 for "default 161"; snmpd needs the port on its command line).
import { createSocket } from 'node:dgram';

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
