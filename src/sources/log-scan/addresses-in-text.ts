// Finds IP addresses written in free text (log lines): the -A method takes the first one after
// a marker text, as ipcheck.py did with its dotted-quad regex, and IPv6 where a log has it.
import { parseAddress } from '../../address.js';

// A dotted quad not glued to more digits or dots (so "1.2.3.4.5" and version numbers are no match).
const IPV4_CANDIDATE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d|\.\d)/g;
// Hex groups and colons, at least three groups; parseAddress then decides (times like 07:20:01 fail).
const IPV6_CANDIDATE = /(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])/g;

/** The well-formed addresses in `text`, in the order they appear, in canonical form. */
export function addressesIn(text: string): string[] {
  const found: { index: number; address: string }[] = [];
  for (const pattern of [IPV4_CANDIDATE, IPV6_CANDIDATE]) {
    for (const match of text.matchAll(pattern)) {
      const address = parseAddress(match[0]);
      if (address) found.push({ index: match.index ?? 0, address: address.text });
    }
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.address);
}

/** The first well-formed address in `text`, or undefined. */
export function firstAddressIn(text: string): string | undefined {
  // Cheap test first: most log lines hold neither a dotted quad nor a '::' nor many colons.
  if (!/\d\.\d|:.*:/.test(text)) return undefined;
  return addressesIn(text)[0];
}
