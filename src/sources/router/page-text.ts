// A router page as text: cheerio parses the markup, and the text nodes (script bodies too,
// where devices keep `var wan_ip=...`) are joined with spaces, so neither markup between a
// label and its value nor adjacent cells ("Port 1" next to "81.2.69.160") can glue numbers.
// cheerio is imported lazily: only router runs pay for it.

export interface PageText {
  /** Non-empty text chunks in document order (one per text node). */
  readonly chunks: readonly string[];
  readonly text: string;
  /** Named <input> fields with their values, in document order (login forms, hidden keys). */
  readonly inputs: readonly (readonly [string, string])[];
  readonly hasPasswordInput: boolean;
}

interface DomNode { type: string; data?: string; children?: DomNode[] }

// An explicit stack, not recursion: a page nested a few thousand levels deep (broken or hostile)
// must not overflow the call stack.
function collectText(root: DomNode, into: string[]): void {
  const stack: DomNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === 'text' && node.data !== undefined) {
      const chunk = node.data.replace(/\s+/g, ' ').trim();
      if (chunk) into.push(chunk);
    } else if (node.type !== 'comment') {
      const children = node.children ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as DomNode);
    }
  }
}

/** A status page has a few thousand tags at most; the parser's time grows with nesting. */
export const MAX_TAGS = 20_000;

export class PageTooComplexError extends Error {}

export async function pageText(markup: string): Promise<PageText> {
  let tags = 0;
  for (let at = markup.indexOf('<'); at >= 0; at = markup.indexOf('<', at + 1)) {
    if (++tags > MAX_TAGS) throw new PageTooComplexError(`the page has more than ${MAX_TAGS} tags, which no router status page has; is this really the router?`);
  }
  const cheerio = await import('cheerio');
  const $ = cheerio.load(markup);
  const chunks: string[] = [];
  collectText($.root()[0] as unknown as DomNode, chunks);
  const inputs: (readonly [string, string])[] = [];
  let hasPasswordInput = false;
  $('input').each((_, element) => {
    const input = $(element);
    if ((input.attr('type') ?? '').toLowerCase() === 'password') hasPasswordInput = true;
    const name = input.attr('name');
    if (name) inputs.push([name, input.attr('value') ?? '']);
  });
  return { chunks, text: chunks.join(' '), inputs, hasPasswordInput };
}
