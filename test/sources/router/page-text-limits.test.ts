// A page no router serves (tens of thousands of tags, deeply nested) is refused before parsing,
// since the HTML parser's time grows with nesting and would block the event loop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TAGS, PageTooComplexError, pageText } from '../../../src/sources/router/page-text.js';

test('a page with more tags than any status page is refused with a clear message', async () => {
  const markup = `${'<div>'.repeat(MAX_TAGS + 1)}WAN IP 81.2.69.160`;
  await assert.rejects(pageText(markup), (error: unknown) => error instanceof PageTooComplexError && /more than 20000 tags/.test(error.message));
});

test('a page just under the limit is parsed', async () => {
  const markup = `${'<b>x</b>'.repeat(MAX_TAGS / 2 - 1)}<p>WAN IP 81.2.69.160</p>`;
  const text = await pageText(markup);
  assert.match(text.text, /WAN IP 81\.2\.69\.160$/);
});
