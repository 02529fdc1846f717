// Runs interfaceAddress(...).watch() and prints each event as a JSON line, so a test can run it
// inside a network namespace (ip netns exec NS node --import tsx this-file NAME [allowPrivate]).
// Ends when its standard input closes or on SIGTERM.
import { interfaceAddress } from '../../src/sources/interface-address.js';

const [interfaceName = 'ppp0', allowPrivate = '0'] = process.argv.slice(2);
const subscription = interfaceAddress({ interfaceName, allowPrivate: allowPrivate === '1' }, { now: Date.now })
  .watch()
  .subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`));

const stop = () => {
  subscription.unsubscribe();
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
