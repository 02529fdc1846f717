// Finds the WAN address on a status page or console output: the first valid dotted quad after
// an anchor text, as the original's find/rfind + Addressgrep.search did. Whitespace runs are
// collapsed on both sides, so table layout and column widths do not matter.
import { isStrictDottedQuad } from '../../address.js';
import type { Anchor } from './device-types.js';

export type AnchorSearch =
  | { readonly found: true; readonly address: string; readonly anchor: string }
  | { readonly found: false; readonly reason: string };

// A run of 4 dot-separated numbers not glued to more digits or dots on either side.
const QUAD = /(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\.?\d)/g;

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** The first quad at or after `from` that is a well-formed address (999.1.1.1 is skipped). */
export function firstAddressFrom(text: string, from: number): string | undefined {
  QUAD.lastIndex = from;
  for (let match = QUAD.exec(text); match; match = QUAD.exec(text)) {
    if (isStrictDottedQuad(match[0])) return match[0];
  }
  return undefined;
}

function anchorEnd(text: string, anchor: Anchor): number {
  let position = 0;
  anchor.after.forEach((part, index) => {
    if (position < 0) return;
    const needle = collapseWhitespace(part);
    const at = index === 0 && anchor.occurrence === 'last' ? text.lastIndexOf(needle) : text.indexOf(needle, position);
    position = at < 0 ? -1 : at + needle.length;
  });
  return position;
}

export function describeAnchor(anchor: Anchor): string {
  if (anchor.after.length === 0) return 'any address';
  return anchor.after.map((part) => `"${part}"`).join(' then ');
}

/** Tries the anchors in order; the first one present with an address after it wins. */
export function addressAfterAnchors(text: string, anchors: readonly Anchor[], markup?: string): AnchorSearch {
  const texts = { text: collapseWhitespace(text), markup: collapseWhitespace(markup ?? text) };
  const misses: string[] = [];
  for (const anchor of anchors) {
    const haystack = texts[anchor.in ?? 'text'];
    const end = anchorEnd(haystack, anchor);
    if (end < 0) {
      misses.push(`no ${describeAnchor(anchor)}`);
      continue;
    }
    const address = firstAddressFrom(haystack, end);
    if (address) return { found: true, address, anchor: describeAnchor(anchor) };
    misses.push(`no address after ${describeAnchor(anchor)}`);
  }
  return { found: false, reason: misses.join(', ') };
}
