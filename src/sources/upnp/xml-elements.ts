// A deliberately small XML reader for the few UPnP documents we read (device descriptions and
// SOAP replies). They are flat, machine-written and small; matching elements by local name
// (ignoring namespace prefixes such as `s:` or `u:`) is enough and avoids loading cheerio.

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities, numeric references and CDATA sections of a text node. */
export function decodeXmlText(raw: string): string {
  return raw
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, data: string) => data.replace(/&/g, '&amp;').replace(/</g, '&lt;'))
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name: string) => {
      if (name.startsWith('#x')) return safeCodePoint(Number.parseInt(name.slice(2), 16)) ?? whole;
      if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10)) ?? whole;
      return NAMED_ENTITIES[name] ?? whole;
    })
    .trim();
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The raw inner markup of every element with this local name, in document order. Elements of
 * the same name must not nest (true of <service>, <controlURL>, <NewExternalIPAddress>, ...).
 */
export function innerXmlOf(xml: string, localName: string): string[] {
  const name = escapeRegExp(localName);
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}\\s*>)`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The decoded text of the first element with this local name, or undefined when absent. */
export function textOf(xml: string, localName: string): string | undefined {
  const inner = innerXmlOf(xml, localName)[0];
  return inner === undefined ? undefined : decodeXmlText(inner);
}

/** Escapes text for use inside an XML element. */
export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
