// The status page's templates escape every value but their own markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html } from '../../../src/metrics/html.js';

test('escapeHtml covers the characters that end text or a quoted attribute', () => {
  assert.equal(escapeHtml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&#39;f');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'an entity in the input stays text');
});

test('html`` escapes strings and numbers, inserts its own markup and lists of it, and leaves undefined out', () => {
  const inner = html`<b>${'<i>'}</b>`;
  const out = html`<p title="${'"x"'}">${'<script>'}${42}${inner}${[inner, inner]}${undefined}</p>`;
  assert.equal(out.text, '<p title="&quot;x&quot;">&lt;script&gt;42<b>&lt;i&gt;</b><b>&lt;i&gt;</b><b>&lt;i&gt;</b></p>');
});
