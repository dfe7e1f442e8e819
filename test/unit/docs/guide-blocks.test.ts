// Every fenced block of the user guide is either an example that test/integration/docs-examples-*
// runs, or marked as not run; and every page with examples is run by one of those files.
import assert from 'node:assert/strict';
import test from 'node:test';
import { ROOT } from '../../helpers/cluster.js';
import { docBlocks, guidePages, markerProblems, pageBlocks, scenarios } from '../../helpers/doc-blocks.js';
import { EXAMPLE_PAGES } from '../../helpers/doc-examples.js';

test('every fenced block of every guide page is marked as an example or as not run', () => {
  const pages = guidePages(ROOT);
  assert.ok(pages.includes('README.md') && pages.includes('docs/operations.md') && pages.includes('docs/internals/ownership.md'), pages.join(', '));
  assert.ok(!pages.includes('docs/cli.md'), 'the reference pages are checked by their own test');
  assert.deepEqual(pages.flatMap((p) => markerProblems(pageBlocks(ROOT, p))), []);
});

test('every page with examples is run by a docs-examples test file', () => {
  const run = new Set(Object.values(EXAMPLE_PAGES).flat());
  const withExamples = guidePages(ROOT).filter((p) => scenarios(pageBlocks(ROOT, p)).size > 0);
  assert.deepEqual(withExamples.filter((p) => !run.has(p)), [], 'pages whose examples no test runs');
  assert.deepEqual([...run].filter((p) => !withExamples.includes(p)).sort(), [], 'listed pages without examples');
});

test('an unmarked block is named by page and line; markers group blocks into scenarios', () => {
  const md = [
    '# t', '', '<!-- example: one file=app.js -->', '```js', 'x', '```', '', 'text', '```sh', 'curl x', '```',
    '', '<!-- not run: output -->', '```', 'out', '```', '  <!-- example: one -->', '  ```sh', '  node app.js', '  ```',
    '<!-- example: two -->', '```js', 'y', '```', '<!-- example: three -->', '```python', 'z', '```',
  ].join('\n');
  const blocks = docBlocks('page.md', md);
  assert.deepEqual(blocks.map((b) => [b.line, b.lang, b.text, b.marker?.kind]), [
    [4, 'js', 'x', 'example'], [9, 'sh', 'curl x', undefined], [14, '', 'out', 'not-run'], [18, 'sh', 'node app.js', 'example'],
    [22, 'js', 'y', 'example'], [26, 'python', 'z', 'example'],
  ]);
  assert.deepEqual(markerProblems(blocks), [
    'page.md:9: a fenced block without <!-- example: NAME --> or <!-- not run: REASON --> before it',
    'page.md:22: a js example needs file=NAME.js (the file it is written to)',
    'page.md:26: an example in "python" cannot be run (sh, js or json)',
  ]);
  assert.deepEqual([...scenarios(blocks)].map(([name, list]) => [name, list.map((b) => b.line)]), [['one', [4, 18]], ['two', [22]], ['three', [26]]]);
  assert.throws(() => docBlocks('open.md', 'a\n```sh\nnever closed'), /open\.md:2: a fence that never closes/);
});
