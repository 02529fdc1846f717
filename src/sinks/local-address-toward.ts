// This machine's address on the router's network: the local address the kernel picks for a
// socket aimed at the router. Connecting a UDP socket only chooses a route; no packet is sent.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export type LocalAddressResult = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly reason: string };

export function localAddressToward(host: string, port: number): Promise<LocalAddressResult> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(bare) ? 'udp6' : 'udp4');
    const done = (result: LocalAddressResult): void => {
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    socket.on('error', (error) => {
      done({ ok: false, reason: `cannot tell this machine's address toward ${bare} (${error.message}); give the internal address explicitly` });
    });
    socket.connect(port, bare, () => done({ ok: true, address: socket.address().address }));
  });
}
