// The screenshot helper's converter: SGR colours, bold, dim, reverse, 256 and true colours; other
// sequences dropped; the text escaped for HTML.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ansiToHtml, applySgr, terminalPage } from '../../helpers/ansi-html.js';

const plain = { bold: false, dim: false, reverse: false };

test('ansi-html: each SGR parameter changes the pen, 0 resets it', () => {
  assert.deepEqual(applySgr(plain, '1;31;44'), { ...plain, bold: true, fg: '#cd0000', bg: '#0000ee' });
  assert.deepEqual(applySgr(plain, '92;103'), { ...plain, fg: '#00ff00', bg: '#ffff00' });
  assert.deepEqual(applySgr(plain, '38;5;196'), { ...plain, fg: '#ff0000' });
  assert.deepEqual(applySgr(plain, '48;5;244'), { ...plain, bg: '#808080' });
  assert.deepEqual(applySgr(plain, '38;2;1;2;3'), { ...plain, fg: '#010203' });
  assert.deepEqual(applySgr(applySgr(plain, '1;2;7;33'), '22;27;39'), { ...plain, fg: undefined });
  assert.deepEqual(applySgr(applySgr(plain, '1;33'), ''), { ...plain, fg: undefined, bg: undefined });
});

test('ansi-html: runs of text in spans, reverse swaps the colours, other sequences dropped, HTML escaped', () => {
  assert.equal(
    ansiToHtml('a\x1b[1;32mb<c\x1b[0m\x1b[7md\x1b[2Ke'),
    '<span style="color:#e5e5e5">a</span><span style="color:#00cd00;font-weight:bold">b&lt;c</span>'
      + '<span style="color:#1e1e1e;background:#e5e5e5">d</span><span style="color:#1e1e1e;background:#e5e5e5">e</span>',
  );
  const page = terminalPage('x\n\x1b[31my\n', 80, 24);
  assert.match(page, /<pre><span style="color:#e5e5e5">x<\/span>\n<span style="color:#cd0000">y<\/span><\/pre>/);
  assert.match(page, /width: 80ch/);
});
