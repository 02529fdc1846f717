// Runs a NatPmpResponder as its own process, so a test can start it inside a network namespace
// (`ip netns exec NS node --import tsx test/support/nat-pmp-responder-main.ts '{json options}'`).
// Prints {"ready":"host:port"} once listening, then one JSON line per mapping change.
import { NatPmpResponder, type NatPmpResponderOptions } from './nat-pmp-responder.js';

const options = JSON.parse(process.argv[2] ?? '{}') as NatPmpResponderOptions;
const responder = await NatPmpResponder.start(options);
process.stdout.write(`${JSON.stringify({ ready: responder.gateway })}\n`);

// Report what the gateway holds after every request, so the test can assert on it.
let reported = 0;
const timer = setInterval(() => {
  if (responder.requests.length === reported) return;
  reported = responder.requests.length;
  process.stdout.write(`${JSON.stringify({ requests: responder.requests, mappings: [...responder.mappings.values()] })}\n`);
}, 20);

const stop = (): void => {
  clearInterval(timer);
  void responder.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent's end of stdin closes when the test ends, even if it forgot to kill us.
process.stdin.on('end', stop);
process.stdin.resume();
