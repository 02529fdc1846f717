// A DNS server that answers NXDOMAIN to every name, run as its own process so a test can start
// it inside a network namespace on 127.0.0.1:53, where the system resolver of the processes in
// that namespace asks (`ip netns exec` puts /etc/netns/NS/resolv.conf in place of the host's).
// Prints {"ready":"127.0.0.1:53"}, then {"query":"name"} for each question.
import { createSocket } from 'node:dgram';
import { answerQuery } from '../../src/server/dns-server.js';

const port = Number(process.argv[2] ?? 53);
const socket = createSocket('udp4');
socket.on('message', (message, remote) => {
  const answered = answerQuery(message, () => undefined);
  if (!answered) return;
  if (answered.name) process.stdout.write(`${JSON.stringify({ query: answered.name })}\n`);
  socket.send(answered.reply, remote.port, remote.address);
});
socket.bind(port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ready: `127.0.0.1:${port}` })}\n`));
const stop = (): void => { socket.close(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent's end of stdin closes when the test ends, even if it forgot to stop us.
process.stdin.on('end', stop);
process.stdin.resume();
